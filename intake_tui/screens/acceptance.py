"""Acceptance mode (综合受理窗, also specialist windows): call, serve, finish.

F9 is kept for case intake (choosing the catalogue item, ticking materials,
accepting the case), which a later issue builds on this screen.
"""

from __future__ import annotations

from intake_tui.labels import tr
from intake_tui.screens.window_desk import WindowDesk


class AcceptanceScreen(WindowDesk):
    F9_ACTION = "case_intake"

    def action_case_intake(self) -> None:
        self.say(tr("msg.case_intake_later", self.lang))
