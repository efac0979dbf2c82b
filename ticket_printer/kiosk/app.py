"""The ticket kiosk (取号机): choose a service, see your number, take the printed ticket.

The app owns the connection to the hall and the printer; screens only show state
and report taps. Waiting counts come from `GET /api/state`, then stay live on the
event stream. Taps while a ticket is on its way are ignored, and the ticket is
issued with an Idempotency-Key that stays the same until a ticket is shown, so a
double tap or a retry after a lost answer gives one ticket. The number is shown
as soon as the server has stored the ticket; printing follows in a thread, and
its outcome is shown to the visitor and (F2) to staff.
"""

from __future__ import annotations

import asyncio
import importlib
import uuid
from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from onewindow import i18n
from onewindow import protocol as p
from onewindow.client import ApiFailure, ClientError, EventStream, HallClient, Link, Unreachable
from onewindow.config import Config
from onewindow.protocol import TicketView
from ticket_printer.kiosk.screens.issued import IssuedScreen
from ticket_printer.kiosk.screens.progress import ProgressScreen
from ticket_printer.kiosk.screens.staff import StaffScreen
from ticket_printer.kiosk.screens.start import StartScreen
from ticket_printer.output import PrintOutcome
from ticket_printer.station import Station

PRINTER_CHECK_S = 60.0  # how often an idle kiosk asks whether its printer is still there


class KioskApp(App[None]):
    CSS_PATH = "kiosk.tcss"
    TITLE = "一窗通取号机 OneWindow kiosk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "staff", show=False),
        Binding("ctrl+q", "quit", show=False),
        # The demo banner tells staff Ctrl+C stops the kiosk; Textual's default would
        # instead put an English "Do you want to quit?" toast on the visitor's screen.
        Binding("ctrl+c", "quit", show=False, priority=True),
    ]
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        config: Config,
        server_url: str,
        token: str,
        *,
        lang: str = "zh",
        journal_dir: str | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.server_url = server_url
        self.token = token
        self.default_lang = lang
        self.lang = lang
        self.station = Station.open(config, server_url, journal_dir)
        self.client = HallClient(server_url, token, language=lang)
        self.stream: EventStream | None = None
        self.start = StartScreen(config)
        self.last_print: PrintOutcome | None = None
        self._visit = uuid.uuid4().hex

    def on_mount(self) -> None:
        self.start.lang = self.lang
        self.push_screen(self.start)
        self.follow_hall()
        self.warm_up()
        self.check_printer()
        self.set_interval(PRINTER_CHECK_S, self.check_printer)

    async def on_unmount(self) -> None:
        if self.stream is not None:
            self.stream.close()
        await self.client.close()

    @work(thread=True, group="warm-up")
    def warm_up(self) -> None:
        """Import python-escpos now (~180 ms) rather than at the first visitor's ticket."""
        importlib.import_module("escpos.printer")

    @work(exclusive=True, group="check")
    async def check_printer(self) -> None:
        outcome = await asyncio.to_thread(self.station.printer.check)
        if outcome.ok and self.last_print is not None and not self.last_print.ok:
            return  # a failed ticket stays on the status line until it is reprinted
        self.start.printer_note = outcome.message

    # -- the hall's state --

    @work(exclusive=True, group="follow")
    async def follow_hall(self) -> None:
        since = None
        try:
            state = await self.client.state()
            self._apply(state)
            since = state.seq
        except Unreachable:
            self.start.online = False
        except ApiFailure as e:  # a wrong device token: staff must see why
            self.start.online = False
            self.start.message = e.message
            return
        self.stream = EventStream(self.server_url, self.token, since=since, max_backoff_s=3.0)
        async for message in self.stream.messages():
            if isinstance(message, Link):
                self.start.online = message.live
            elif isinstance(message, p.Snapshot):
                self._apply(message.state)
            elif isinstance(message, p.QueueChanged):
                self.start.waiting = dict(message.waiting)

    def _apply(self, state: p.StateSnapshot) -> None:
        self.start.online = True
        self.start.priority_allowed = state.allow_priority
        self.start.waiting = {s.code: s.waiting for s in state.services}

    # -- a visitor takes a ticket --

    def on_start_screen_chosen(self, event: StartScreen.Chosen) -> None:
        if self.start.busy:  # a second tap while the first is on its way: one ticket
            return
        self.start.busy = True
        self.issue(event.service, "priority" if event.priority else "normal")

    @work(group="issue")
    async def issue(self, service: str, kind: str) -> None:
        # The key changes only once a ticket is shown: a retry after a lost answer
        # (the server stored the ticket, the reply never came) gets the same ticket.
        key = f"{self._visit}-{service}-{kind}"
        self.start.message = ""
        try:
            ticket = await self.station.issue(self.client, service, kind, key=key)
        except Unreachable:
            self.start.online = False
            self.start.message = i18n.text("kiosk.unreachable", self.lang)
            return
        except ApiFailure as e:
            self.start.message = e.message
            return
        finally:
            self.start.busy = False
        self._visit = uuid.uuid4().hex
        screen = IssuedScreen(self.config, ticket, self.lang)
        self.push_screen(screen, lambda _: self._reset())
        self.print_ticket(ticket, self.lang, screen)

    @work(group="print")
    async def print_ticket(
        self, ticket: TicketView, lang: str, screen: IssuedScreen | None = None
    ) -> None:
        outcome = await self.station.print_ticket(ticket, lang)
        self.last_print = outcome
        self.start.printer_note = self._printer_note(outcome, ticket)
        if screen is not None:
            screen.outcome = outcome

    def _printer_note(self, outcome: PrintOutcome, ticket: TicketView) -> Callable[[str], str]:
        # Kept as a way to word it, so a visitor switching language re-words it too.
        if outcome.ok:
            return outcome.message
        return lambda lang: f"{ticket.number}: {outcome.message(lang)}"

    def _reset(self) -> None:
        """The next visitor starts in the default language with no choice made."""
        self.lang = self.default_lang
        self.client.language = self.lang
        self.start.priority = False
        self.start.message = ""
        self.start.lang = self.lang

    def on_start_screen_language_toggled(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.client.language = self.lang
        # The server worded its last refusal in the old language; the offline banner and
        # the printer state are worded afresh by the screen.
        self.start.message = ""
        self.start.lang = self.lang

    def on_start_screen_progress_requested(self) -> None:
        screen = ProgressScreen(self.config, self.client, self.lang)
        self.push_screen(screen, lambda _: self._reset())

    def on_start_screen_idle(self) -> None:
        if self.lang != self.default_lang:
            self._reset()

    # -- staff --

    def action_staff(self) -> None:
        if isinstance(self.screen, StaffScreen):
            return
        state = self.last_print.message(self.lang) if self.last_print else ""
        unprinted = self.station.journal.unprinted()
        target = self.station.printer.target
        self.push_screen(
            StaffScreen(
                target, state or i18n.text("printer.state.unknown", self.lang), unprinted, self.lang
            )
        )

    @work(group="reprint")
    async def on_staff_screen_reprint(self, event: StaffScreen.Reprint) -> None:
        try:
            ticket = await self.client.ticket(event.ticket_id)
        except ClientError as e:
            self.notify(
                getattr(e, "message", None) or i18n.text("kiosk.unreachable", self.lang),
                severity="error",
            )
            return
        outcome = await self.station.print_ticket(ticket, self.lang)
        self.last_print = outcome
        self.start.printer_note = self._printer_note(outcome, ticket)
        if outcome.ok:
            self.notify(i18n.text("kiosk.staff_reprinted", self.lang, number=ticket.number))
        else:
            self.notify(outcome.message(self.lang), severity="error")
