"""The guide desk issues a special-call ticket (特呼号) for a pre-checked visitor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from intake_tui.labels import tr
from intake_tui.screens.dialog import Dialog, Invalid
from intake_tui.screens.number_dialog import ticket_number


class SpecialDialog(Dialog[tuple[str, str | None]]):
    """Answers (the visitor's current ticket number, the service or None for its own)."""

    def __init__(self, lang: str, services: dict[str, str], number: str = "") -> None:
        super().__init__(lang)
        self.services = services  # code -> name, of services a special ticket may go to
        self.number = number

    def heading(self) -> str:
        return tr("dialog.special_title", self.lang)

    def fields(self) -> ComposeResult:
        yield Label(tr("dialog.from_number", self.lang))
        yield Input(
            self.number, id="number", placeholder="D003", max_length=8, restrict=r"[A-Za-z0-9 ]*"
        )
        yield Label(tr("dialog.special_service", self.lang))
        yield Input(id="service", placeholder="D", max_length=2, restrict=r"[A-Za-z]*")
        codes = " · ".join(f"{code} {name}" for code, name in self.services.items())
        yield Static(codes, classes="dialog-choices")

    def result(self) -> tuple[str, str | None]:
        number = ticket_number(self.value("number"), self.lang)
        service = self.value("service").upper() or None
        if service is not None and service not in self.services:
            raise Invalid(tr("dialog.unknown_service", self.lang, service=service))
        return number, service
