"""What every working screen shares: header, link banner, status line, key bar,
and the one way to send an action to the server.

`perform` is the only path from a key to the network. It refuses at once while the
link is down or while another action is still on the wire (a double press), runs
the call in an exclusive worker, and words the outcome on the status line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.reactive import reactive
from textual.screen import Screen

from intake_tui.desk import Busy, Desk, Offline, describe
from intake_tui.labels import service_name, tr
from intake_tui.messages import LanguageToggled, SessionLost, SignOutRequested, ViewToggled
from intake_tui.printing import print_at_desk
from intake_tui.widgets.header_bar import HeaderBar
from intake_tui.widgets.key_bar import KeyBar
from intake_tui.widgets.link_banner import LinkBanner
from intake_tui.widgets.status_line import StatusLine
from onewindow import protocol as p
from onewindow.client import ApiFailure, ClientError
from onewindow.config import Config

if TYPE_CHECKING:
    from intake_tui.app import ClerkApp


class DeskScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "language", show=False),
        Binding("f11", "toggle_view", show=False),
        Binding("f12", "sign_out", show=False),
    ]
    # (key, action) shown in the key bar, in order; subclasses add their own first.
    KEYS: ClassVar[list[tuple[str, str]]] = [
        ("f10", "language"),
        ("f12", "sign_out"),
    ]

    busy: reactive[bool] = reactive(False)

    @property
    def clerk(self) -> ClerkApp:
        return self.app  # type: ignore[return-value]

    @property
    def desk(self) -> Desk:
        return self.clerk.desk

    @property
    def config(self) -> Config | None:
        return self.clerk.config

    @property
    def lang(self) -> str:
        return self.clerk.lang

    def keys(self) -> list[tuple[str, str]]:
        keys = list(self.KEYS)
        if self.clerk.can_toggle_view:
            keys.insert(-1, ("f11", "toggle_view"))
        return keys

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        yield LinkBanner(id="link")
        with Container(id="body"):
            yield from self.compose_body()
        yield StatusLine(id="status")
        yield KeyBar(self.keys(), id="keys")

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.watch(self.clerk, "lang", self._language_changed)
        self.watch(self.clerk, "link", self._link_changed)
        self.watch(self.clerk, "hall_version", lambda _: self.redraw())
        self.set_interval(1.0, self.redraw)

    def _language_changed(self, lang: str) -> None:
        for widget in self.query("*"):
            if "lang" in type(widget)._reactives:
                widget.lang = lang  # type: ignore[attr-defined]
        self.redraw()

    def _link_changed(self, link: str) -> None:
        self.query_one(LinkBanner).link = link
        # what the screen shows is only the last known state while the link is down
        self.set_class(link == "down", "-stale")
        self.query_one(KeyBar).busy = self.busy or link != "live"

    def watch_busy(self, busy: bool) -> None:
        if self.is_mounted:
            self.query_one(KeyBar).busy = busy or self.clerk.link != "live"

    def redraw(self) -> None:
        if self.desk.session is None:
            return  # signed out: this screen is on its way out
        header = self.query_one(HeaderBar)
        header.place = self.place()
        header.staff_id = self.desk.session.staff_id
        header.clock = self.clerk.clock().astimezone(self.clerk.tz).strftime("%H:%M")
        if self.desk.model.ready:
            self.redraw_body(self.desk.model.server_now(self.clerk.clock()))

    def service_names(self) -> dict[str, str]:
        """Service code -> its name in the clerk's language."""
        services = self.desk.model.services
        return {code: service_name(s, code, self.lang) for code, s in services.items()}

    def place(self) -> str:
        """The hall and the desk, as the header shows them."""
        model = self.desk.model
        hall = model.state.hall if model.state else ""
        w = model.window(self.desk.window)
        return f"{hall} · {w.name}" if w else hall

    def redraw_body(self, now: dt.datetime) -> None:
        """Push the model into this screen's widgets; `now` is the server's time."""

    def say(self, message: str, *, error: bool = False) -> None:
        self.query_one(StatusLine).say(message, error=error)

    # -- sending --

    def perform(
        self, name: str, call: Callable[[], Awaitable[Any]], done: Callable[[Any], None]
    ) -> None:
        """Run one action unless another is in flight or the link is down."""
        if self.busy or self.desk.in_flight is not None:
            self.say(describe(Busy(name), self.lang))
            return
        if not self.desk.live:
            self.say(describe(Offline(name), self.lang), error=True)
            return
        self.busy = True
        self._perform(call, done)

    @work(exclusive=True, group="action")
    async def _perform(
        self, call: Callable[[], Awaitable[Any]], done: Callable[[Any], None]
    ) -> None:
        try:
            result = await call()
        except ClientError as e:
            if isinstance(e, ApiFailure) and e.status == 401:
                self.post_message(SessionLost(e.message))
            else:
                self.say(describe(e, self.lang, self.desk.server), error=True)
        else:
            done(result)
        finally:
            self.busy = False

    async def print_at_desk(self, ticket: p.TicketView, *, reprint: bool = False) -> None:
        """Print at this desk's printer, if it has one, and say how it went."""
        printed = await print_at_desk(
            self.config, self.desk.window, ticket, self.lang, self.desk.server, reprint=reprint
        )
        if printed is not None:
            self.say(printed.message, error=not printed.ok)

    # -- keys every working screen has --

    def on_key_bar_pressed(self, event: KeyBar.Pressed) -> None:
        self.run_worker(self.run_action(event.action), group="key")

    def action_language(self) -> None:
        self.post_message(LanguageToggled())

    def action_toggle_view(self) -> None:
        if self.clerk.can_toggle_view:
            self.post_message(ViewToggled())
        else:
            self.say(tr("msg.supervisors_only", self.lang))

    def action_sign_out(self) -> None:
        if self.busy:
            self.say(describe(Busy("sign_out"), self.lang))
            return
        self.post_message(SignOutRequested())
