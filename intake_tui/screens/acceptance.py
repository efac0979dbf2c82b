"""Acceptance mode (综合受理窗, also specialist windows): call, serve, take the case in.

F9 opens case intake (`IntakeScreen`) for the ticket in hand: pick the item, tick
the materials, type the applicant, submit; a special ticket that carries a
consultation pre-check opens it already filled in.
"""

from __future__ import annotations

from intake_tui.case_labels import it
from intake_tui.screens.intake import IntakeScreen
from intake_tui.screens.window_desk import WindowDesk


class AcceptanceScreen(WindowDesk):
    F9_ACTION = "case_intake"

    def action_case_intake(self) -> None:
        t = self.ticket
        if t is None:
            self.say(it("msg.no_ticket", self.lang))
            return
        self.app.push_screen(IntakeScreen(t))
