"""The issued number, large, while the ticket prints; then back to the start.

The number is on screen before the printer is even asked, so a visitor has it
whatever the printer does. If printing fails, the screen says so in the visitor's
language, asks them to note the number, and stays up twice as long.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static

from onewindow import i18n
from onewindow.config import Config
from onewindow.protocol import TicketView
from ticket_printer.kiosk.widgets.big_number import BigNumber
from ticket_printer.output import PrintOutcome
from ticket_printer.tickets import service_name, wait_text


class IssuedScreen(Screen[None]):
    outcome: var[PrintOutcome | None] = var(None)

    def __init__(self, config: Config, ticket: TicketView, lang: str) -> None:
        super().__init__(id="issued")
        self.config = config
        self.ticket = ticket
        self.lang = lang
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        t, lang, ticket = i18n.text, self.lang, self.ticket
        with Vertical(id="card"):
            yield Static(t("kiosk.your_number", lang), id="your-number")
            with Center():
                yield BigNumber(ticket.number, id="number")
            yield Static(
                f"{ticket.number}  {service_name(self.config, ticket.service, lang)}", id="service"
            )
            if ticket.kind != "normal":
                yield Static(i18n.text(f"printer.ticket.kind_{ticket.kind}", lang), id="kind")
            yield Static(self._facts(), id="facts")
            yield Static(t("printer.state.printing", lang), id="print")
            with Center():
                yield Button(t("kiosk.done", lang), id="done", variant="primary")

    def _facts(self) -> str:
        t, lang = i18n.text, self.lang
        ahead = t("kiosk.ahead", lang, count=self.ticket.people_ahead or 0)
        wait = t("kiosk.wait", lang, wait=wait_text(self.ticket.estimated_wait_s, lang))
        return f"{ahead}    {wait}"

    def on_mount(self) -> None:
        self._restart(self.config.kiosk.idle_seconds)
        self.watch_outcome(self.outcome)  # the print may have finished before we mounted

    def _restart(self, seconds: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(seconds, self._leave)

    def watch_outcome(self, outcome: PrintOutcome | None) -> None:
        if outcome is None or not self.query("#print"):
            return
        note = self.query_one("#print", Static)
        if outcome.ok:
            note.update(i18n.text("kiosk.take_ticket", self.lang))
            return
        reason = outcome.message(self.lang)
        note.update(
            i18n.text("kiosk.print_failed", self.lang, reason=reason, number=self.ticket.number)
        )
        note.add_class("fault")
        self._restart(self.config.kiosk.idle_seconds * 2)

    @on(Button.Pressed, "#done")
    def _leave(self) -> None:
        if self.is_current:
            self.dismiss()
