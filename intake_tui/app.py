"""The clerk terminal (窗口工作台): sign-in, then the screen of the desk's mode.

The app owns what outlives a screen: the `Desk` (session and live mirror), the
language, and the link state. It follows the event stream in one worker from
sign-in to sign-out and hands screens attributes (`link`, `hall_version`, `lang`)
that they watch; screens post the app-wide messages of `messages.py` back up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from textual import work
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from intake_tui.case_desk import CaseDesk
from intake_tui.desk import Clock, Desk, SessionEnded, describe, local_clock
from intake_tui.labels import tr
from intake_tui.messages import (
    HallEventArrived,
    LanguageToggled,
    SessionLost,
    SignedIn,
    SignOutRequested,
    ViewToggled,
)
from intake_tui.screens.acceptance import AcceptanceScreen
from intake_tui.screens.confirm_dialog import ConfirmDialog
from intake_tui.screens.consultation import ConsultationScreen
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.screens.guide import GuideScreen
from intake_tui.screens.login import LoginScreen
from intake_tui.screens.supervisor import SupervisorScreen
from onewindow import protocol as p
from onewindow.client import ClientError, Link
from onewindow.config import Config

SUPERVISING = ("supervisor", "admin")


class ClerkApp(App[None]):
    CSS_PATH = Path(__file__).with_name("clerk.tcss")
    ENABLE_COMMAND_PALETTE = False

    lang: reactive[str] = reactive("zh")
    link: reactive[str] = reactive("connecting")  # connecting | live | down
    hall_version: reactive[int] = reactive(0)  # bumped when the mirror changed

    def __init__(
        self,
        server: str,
        *,
        window: int | None = None,
        config: Config | None = None,
        lang: str = "zh",
        clock: Clock = local_clock,
    ) -> None:
        super().__init__()
        self.desk = Desk(server, lang, clock)
        self.cases = CaseDesk(self.desk)
        self.config = config
        self.preset_window = window
        self.clock = clock
        self.view_hall = False  # a supervisor at a window watching the whole hall
        self._redraw_pending = False
        self.set_reactive(ClerkApp.lang, lang)

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's own hint is English framework text; say it from our catalogue."""
        self.notify(tr("msg.how_to_quit", self.lang))

    @property
    def tz(self) -> dt.tzinfo | None:
        if self.config is not None:
            return self.config.hall.tz
        state = self.desk.model.state
        return state.at.tzinfo if state else None

    @property
    def can_toggle_view(self) -> bool:
        session = self.desk.session
        return session is not None and session.role in SUPERVISING and session.window is not None

    def place_for(self, window: int | None) -> str:
        """Where this PC signs in, as the login screen names it."""
        hall = self.config.hall.name if self.config else self.desk.server
        w = self.config.window(window) if self.config and window else None
        if w is not None:
            return f"{hall} · {w.name}"
        if window is not None:
            return f"{hall} · {tr('login.window_n', self.lang, window=window)}"
        return hall

    def on_mount(self) -> None:
        self.title = tr("app.title", self.lang)
        self.push_screen(LoginScreen(self.preset_window))

    async def on_unmount(self) -> None:
        await self.desk.close()

    def mode_screen(self) -> Screen[None]:
        session = self.desk.session
        assert session is not None
        if session.window_role is None or (self.view_hall and self.can_toggle_view):
            return SupervisorScreen()
        if session.window_role == "consultation":
            return ConsultationScreen()
        if session.window_role == "guide":
            return GuideScreen()
        return AcceptanceScreen()

    # -- messages from the screens --

    def on_signed_in(self, message: SignedIn) -> None:
        self.link = "connecting"
        self.view_hall = False
        self._follow()
        self.switch_screen(self.mode_screen())

    def on_language_toggled(self, message: LanguageToggled) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.desk.set_language(self.lang)
        self.title = tr("app.title", self.lang)

    def on_view_toggled(self, message: ViewToggled) -> None:
        self.view_hall = not self.view_hall
        self.switch_screen(self.mode_screen())

    def on_session_lost(self, message: SessionLost) -> None:
        self._back_to_login(message.reason)

    def on_sign_out_requested(self, message: SignOutRequested) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self._sign_out()

        self.push_screen(
            ConfirmDialog(self.lang, tr("dialog.sign_out_question", self.lang)), confirmed
        )

    @work(exclusive=True, group="sign-out")
    async def _sign_out(self) -> None:
        try:
            await self.desk.logout()
        except ClientError as e:
            if isinstance(self.screen, DeskScreen):
                self.screen.say(describe(e, self.lang, self.desk.server), error=True)
            return
        self._back_to_login(tr("msg.signed_out", self.lang))

    def _back_to_login(self, notice: str) -> None:
        self.workers.cancel_group(self, "stream")
        self.desk.forget()
        self.link = "connecting"
        while len(self.screen_stack) > 2:  # close any dialog over the working screen
            self.pop_screen()
        self.switch_screen(LoginScreen(self.preset_window, notice))

    # -- the live link --

    @work(exclusive=True, group="stream")
    async def _follow(self) -> None:
        # aclosing: when this worker is cancelled (sign-out, quit) the websocket is
        # closed now, not left to the garbage collector after the event loop is gone
        async with contextlib.aclosing(self.desk.follow()) as updates:
            async for update in updates:
                if isinstance(update, SessionEnded):
                    self._back_to_login(tr("msg.session_ended", self.lang))
                    return
                if isinstance(update, Link):
                    self.link = "live" if update.live else "down"
                elif isinstance(update, p.CaseEventBase | p.RatingReceived | p.Snapshot):
                    for screen in self.screen_stack:
                        screen.post_message(HallEventArrived(update))
                self._schedule_redraw()

    def _schedule_redraw(self) -> None:
        # A catch-up after a reconnection can bring hundreds of events at once:
        # redraw once after them rather than once per event.
        if not self._redraw_pending:
            self._redraw_pending = True
            self.call_after_refresh(self._bump)

    def _bump(self) -> None:
        self._redraw_pending = False
        self.hall_version += 1
