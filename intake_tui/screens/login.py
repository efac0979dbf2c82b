"""Sign-in: staff id (the cursor starts there), Tab, PIN (masked), Enter.

The window is set up once per PC (`--window`, or `[clerk] window` in the config);
only when it is not does this screen ask for it. Supervisors may leave it empty to
watch the whole hall. Every refusal is worded by the server in the clerk's
language; an unreachable server and bad input are worded here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from intake_tui.desk import describe
from intake_tui.labels import tr
from intake_tui.messages import LanguageToggled, SignedIn
from onewindow.client import ApiFailure, ClientError

if TYPE_CHECKING:
    from intake_tui.app import ClerkApp


class LoginScreen(Screen[None]):
    # Tab is a priority binding: the app moves the focus as it reads the key, so in a
    # fast burst ("1005<Tab>1234<Enter>" from a scanner, a paste or tmux) what follows
    # the Tab lands in the next field instead of racing the focus change. Enter stays
    # with the field, so it comes after the field has taken every key typed before it.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "language", show=False),
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    busy: reactive[bool] = reactive(False)

    def __init__(self, window: int | None, notice: str = "") -> None:
        super().__init__()
        self.window = window  # preset for this PC, or None to ask
        self.notice = notice  # why we are back here (signed out, session ended...)

    @property
    def clerk(self) -> ClerkApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login"):
            yield Static(id="login-title")
            yield Static(id="login-place")
            yield Label(id="staff-label")
            yield Input(id="staff", max_length=32, restrict=r"[0-9A-Za-z_-]*")
            yield Label(id="pin-label")
            yield Input(id="pin", password=True, max_length=32)
            if self.window is None:
                yield Label(id="window-label")
                yield Input(id="window", max_length=4, restrict=r"[0-9]*")
            yield Static(self.notice, id="login-message")
            yield Static(id="login-hint")

    def on_mount(self) -> None:
        self.watch(self.clerk, "lang", self.relabel)
        self.query_one("#staff", Input).focus()

    def relabel(self, lang: str) -> None:
        self.query_one("#login-title", Static).update(tr("login.title", lang))
        self.query_one("#login-place", Static).update(self.clerk.place_for(self.window))
        self.query_one("#staff-label", Label).update(tr("login.staff_id", lang))
        self.query_one("#pin-label", Label).update(tr("login.pin", lang))
        if self.window is None:
            self.query_one("#window-label", Label).update(tr("login.window", lang))
        self.query_one("#login-hint", Static).update(tr("login.hint", lang))

    def say(self, message: str) -> None:
        self.query_one("#login-message", Static).update(message)

    def watch_busy(self, busy: bool) -> None:
        for field in self.query(Input):
            field.disabled = busy

    def action_language(self) -> None:
        self.post_message(LanguageToggled())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on from the staff id, as Tab does; in the last field it signs in."""
        event.stop()
        fields = list(self.query(Input))
        if event.input is not fields[-1]:
            fields[fields.index(event.input) + 1].focus()
            return
        self.submit()

    def submit(self) -> None:
        if self.busy:
            return  # a second Enter while signing in
        lang = self.clerk.lang
        staff = self.query_one("#staff", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        window = self.window
        if not staff:
            self._refuse(tr("login.need_staff_id", lang), "#staff")
            return
        if not pin:
            self._refuse(tr("login.need_pin", lang), "#pin")
            return
        if window is None and self.query("#window"):
            raw = self.query_one("#window", Input).value.strip()
            window = int(raw) if raw.isdigit() and int(raw) > 0 else None
            if raw and window is None:
                self._refuse(tr("login.bad_window", lang, window=raw), "#window")
                return
        self.busy = True
        self.say(tr("login.signing_in", lang))
        self._login(staff, pin, window)

    def _refuse(self, message: str, field: str) -> None:
        self.say(message)
        self.query_one(field, Input).focus()

    @work(exclusive=True, group="login")
    async def _login(self, staff: str, pin: str, window: int | None) -> None:
        desk = self.clerk.desk
        try:
            session = await desk.login(staff, pin, window)
        except ClientError as e:
            self.busy = False
            self.say(describe(e, self.clerk.lang, desk.server))
            pin_field = self.query_one("#pin", Input)
            if isinstance(e, ApiFailure) and e.code in ("bad_credentials", "account_locked"):
                pin_field.value = ""
            wrong_window = isinstance(e, ApiFailure) and e.code in (
                "unknown_window",
                "window_taken",
                "window_required",
            )
            if wrong_window and self.query("#window"):
                self.query_one("#window", Input).focus()
            else:
                pin_field.focus()
            return
        self.post_message(SignedIn(session))
