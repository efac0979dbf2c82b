"""Consultation mode (综合咨询窗): call from the consultation queue, pre-check, refer.

The clerk calls the next visitor and answers the questions; when the materials are
complete, F9 opens the pre-check (`PrecheckScreen`): pick the item,
tick the materials checked, F9 again. The server records the pre-check, issues a
special-call ticket (特呼号) carrying it for the windows that take the item (its
service), and closes the visitor's ticket as done with referral. The acceptance clerk
who calls the special ticket finds the case already filled in. The special ticket is
printed at the desk when the desk has a printer.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from intake_tui.case_labels import it
from intake_tui.labels import tr
from intake_tui.screens.precheck import PrecheckScreen
from intake_tui.screens.window_desk import WindowDesk
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.queue_panel import QueuePanel
from intake_tui.widgets.recent_calls import RecentCalls
from intake_tui.widgets.ticket_card import TicketCard
from onewindow import protocol as p


class ConsultationScreen(WindowDesk):
    F9_ACTION = "special"

    def __init__(self) -> None:
        super().__init__()
        self.last_special: p.TicketView | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="desk"):
            with Vertical(id="desk-left"):
                yield CurrentTicket(id="current")
            with Vertical(id="desk-right"):
                yield QueuePanel(id="queue")
                yield TicketCard(id="special-card")
                yield RecentCalls(id="calls")

    def redraw_body(self, now: dt.datetime) -> None:
        super().redraw_body(now)
        card = self.query_one(TicketCard)
        card.heading = tr("consult.last_special", self.lang)
        card.empty_hint = tr("consult.special_hint", self.lang)
        card.ticket = self.last_special
        if self.last_special is not None:
            names = self.service_names()
            card.service_label = names.get(self.last_special.service, "")

    def action_special(self) -> None:
        t = self.ticket
        if t is None:
            self.say(tr("msg.no_ticket", self.lang))
            return

        def referred(special: p.TicketView | None) -> None:
            if special is None:
                return  # the clerk went back without referring
            self.last_special = special
            name = self.service_names().get(special.service, special.service)
            self.say(
                it(
                    "msg.special_issued",
                    self.lang,
                    number=special.number,
                    service=name,
                    original=t.number,
                )
            )
            self.redraw()
            self.run_worker(self.print_at_desk(special), group="print")

        self.app.push_screen(PrecheckScreen(t), referred)
