"""Ask for a case number: a visitor comes back with the materials a notice listed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from intake_tui.case_labels import it
from intake_tui.screens.dialog import Dialog, Invalid

CASE_NO_DIGITS = 12


def case_number(raw: str, lang: str) -> str:
    """A case number as typed (stray spaces allowed, as it is printed in groups)."""
    number = raw.replace(" ", "")
    if len(number) != CASE_NO_DIGITS or not number.isdigit():
        raise Invalid(it("dialog.case_no_invalid", lang))
    return number


class CaseNumberDialog(Dialog[str]):
    def heading(self) -> str:
        return it("dialog.case_title", self.lang)

    def fields(self) -> ComposeResult:
        yield Label(it("dialog.case_no", self.lang))
        yield Input(id="case-no", placeholder="202603020001", max_length=16,
                    restrict=r"[0-9 ]*")  # fmt: skip

    def result(self) -> str:
        return case_number(self.value("case-no"), self.lang)
