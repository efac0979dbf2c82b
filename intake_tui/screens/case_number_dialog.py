"""Ask for a case number: a visitor comes back with the materials a notice listed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from intake_tui.case_labels import it
from intake_tui.screens.dialog import Dialog, Invalid
from onewindow import case_numbers


def case_number(raw: str, lang: str) -> str:
    """A case number as typed (stray spaces allowed, as it is printed in groups; the
    hall's letters in either case)."""
    number = case_numbers.normalise(raw)
    if number is None:
        raise Invalid(it("dialog.case_no_invalid", lang))
    return number


class CaseNumberDialog(Dialog[str]):
    def heading(self) -> str:
        return it("dialog.case_title", self.lang)

    def fields(self) -> ComposeResult:
        yield Label(it("dialog.case_no", self.lang))
        yield Input(
            id="case-no", placeholder="HZ202603020001", max_length=24, restrict=r"[A-Za-z0-9 -]*"
        )

    def result(self) -> str:
        return case_number(self.value("case-no"), self.lang)
