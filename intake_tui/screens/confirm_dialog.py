"""Ask once before a move that cannot be taken back (sign out, cancel a ticket)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from intake_tui.labels import tr


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", show=False),
        Binding("escape", "answer(False)", show=False),
    ]

    def __init__(self, lang: str, question: str) -> None:
        super().__init__()
        self.lang = lang
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, id="dialog-title")
            yield Static(tr("dialog.confirm_hint", self.lang), id="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
