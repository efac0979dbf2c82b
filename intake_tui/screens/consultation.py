"""Consultation mode (综合咨询窗): call from the consultation queue, pre-check, refer.

The clerk calls the next visitor, picks the item the visitor goes on to with the
arrow keys (it starts at the ticket's own service), and when the materials are
complete presses F9: the server issues a special-call ticket (特呼号) for the
acceptance windows and closes the visitor's ticket as done with referral. The
special ticket is printed at the desk when the desk has a printer.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from intake_tui.labels import tr
from intake_tui.screens.window_desk import WindowDesk
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.queue_panel import QueuePanel
from intake_tui.widgets.recent_calls import RecentCalls
from intake_tui.widgets.service_picker import ServicePicker
from intake_tui.widgets.ticket_card import TicketCard
from onewindow import protocol as p


class ConsultationScreen(WindowDesk):
    F9_ACTION = "special"

    def __init__(self) -> None:
        super().__init__()
        self._ticket_id: str | None = None  # the ticket the picker was last set for
        self.last_special: p.TicketView | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="desk"):
            with Vertical(id="desk-left"):
                yield CurrentTicket(id="current")
                yield ServicePicker(id="referral")
            with Vertical(id="desk-right"):
                yield QueuePanel(id="queue")
                yield TicketCard(id="special-card")
                yield RecentCalls(id="calls")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ServicePicker).focus()

    def referable(self) -> list[str]:
        """Services some acceptance or specialist window serves: a special ticket's goal."""
        windows = self.desk.model.windows.values()
        served = {c for w in windows if w.role in ("acceptance", "specialist") for c in w.services}
        return [code for code in self.desk.model.services if code in served]

    def redraw_body(self, now: dt.datetime) -> None:
        super().redraw_body(now)
        names = self.service_names()
        picker = self.query_one(ServicePicker)
        picker.border_title = tr("consult.refer_to", self.lang)
        picker.show([(code, f"{code} {names.get(code, '')}") for code in self.referable()])
        t = self.ticket
        if t is not None and t.id != self._ticket_id:
            picker.choose(t.service)  # the visitor's own service is the usual goal
        self._ticket_id = t.id if t else None
        card = self.query_one(TicketCard)
        card.heading = tr("consult.last_special", self.lang)
        card.empty_hint = tr("consult.special_hint", self.lang)
        card.ticket = self.last_special
        if self.last_special is not None:
            card.service_label = names.get(self.last_special.service, "")

    def action_special(self) -> None:
        t = self.ticket
        if t is None:
            self.say(tr("msg.no_ticket", self.lang))
            return
        service = self.query_one(ServicePicker).chosen
        if service is None:
            self.say(tr("msg.pick_service", self.lang))
            return

        def done(special: p.TicketView) -> None:
            self.last_special = special
            name = self.service_names().get(special.service, special.service)
            self.say(tr("msg.special_issued", self.lang, number=special.number,
                        service=name, original=t.number))  # fmt: skip
            self.redraw()
            self.run_worker(self.print_at_desk(special), group="print")

        self.perform("special", lambda: self.desk.issue_special(t.id, service), done)
