"""Pause the window with a reason the supervisor sees (lunch, system fault...)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from intake_tui.labels import tr
from intake_tui.screens.dialog import Dialog

REASON_MAX = 200  # the server's limit on a pause reason


class PauseDialog(Dialog[str]):
    def heading(self) -> str:
        return tr("dialog.pause_title", self.lang)

    def fields(self) -> ComposeResult:
        yield Label(tr("dialog.reason", self.lang))
        yield Input(
            id="reason", placeholder=tr("dialog.reason_example", self.lang), max_length=REASON_MAX
        )

    def result(self) -> str:
        return self.value("reason")
