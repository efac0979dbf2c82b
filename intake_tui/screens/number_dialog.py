"""Ask for one ticket number: to call it, look it up, cancel or reinstate it."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.widgets import Input, Label

from intake_tui.labels import tr
from intake_tui.screens.dialog import Dialog, Invalid

TICKET_NUMBER = re.compile(r"^([A-Z]{1,2})([0-9]{1,6})$")


def ticket_number(raw: str, lang: str) -> str:
    """A ticket number as typed (any case, stray spaces) in its canonical form."""
    number = raw.replace(" ", "").upper()
    if not number:
        raise Invalid(tr("dialog.number_required", lang))
    match = TICKET_NUMBER.match(number)
    if match is None:
        raise Invalid(tr("dialog.number_invalid", lang, number=raw[:12]))
    # visitors say "A12" for A012: numbers have at least three digits
    return match[1] + match[2].zfill(3)


class NumberDialog(Dialog[str]):
    def __init__(self, lang: str, title_key: str = "dialog.call_title") -> None:
        super().__init__(lang)
        self.title_key = title_key

    def heading(self) -> str:
        return tr(self.title_key, self.lang)

    def fields(self) -> ComposeResult:
        yield Label(tr("dialog.number", self.lang))
        yield Input(id="number", placeholder="A012", max_length=8, restrict=r"[A-Za-z0-9 ]*")

    def result(self) -> str:
        return ticket_number(self.value("number"), self.lang)
