"""The small modal every dialog is: a title, a few fields, a line for what is wrong.

Enter submits (from any field), Escape cancels, Tab moves between fields. A
subclass says which fields it has and turns their values into a result, or into a
message that tells the clerk what to correct; the dialog stays open until the values
are right.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from intake_tui.labels import tr

R = TypeVar("R")


class Invalid(Exception):
    """A value the clerk must correct; the text says how."""


class Dialog(ModalScreen[R | None], Generic[R]):
    # Tab is a priority binding, acted on as the key is read, so a fast burst of keys
    # never lands in the field that was focused before the Tab (see LoginScreen)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def heading(self) -> str:
        raise NotImplementedError

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> R:
        """The dialog's answer from its fields; raises `Invalid` to keep it open."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.heading(), id="dialog-title")
            yield from self.fields()
            yield Static("", id="dialog-error")
            yield Static(tr("dialog.hint", self.lang), id="dialog-hint")

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            answer = self.result()
        except Invalid as e:
            self.query_one("#dialog-error", Static).update(str(e))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
