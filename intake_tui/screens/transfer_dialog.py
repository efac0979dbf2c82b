"""Where a ticket goes next: another service, a named window, or both.

Used by the clerk to transfer the ticket in hand and by supervisors and the guide
desk to reassign a waiting ticket (then the dialog also asks for its number).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from intake_tui.labels import tr
from intake_tui.screens.dialog import Dialog, Invalid
from intake_tui.screens.number_dialog import ticket_number
from onewindow import protocol as p


class TransferDialog(Dialog[tuple[str, p.TransferRequest]]):
    """Answers (ticket number or "", the target)."""

    def __init__(
        self,
        lang: str,
        services: Mapping[str, str],
        windows: Mapping[int, str],
        own_window: int | None,
        *,
        ask_number: bool = False,
    ) -> None:
        super().__init__(lang)
        self.services = services  # code -> name in `lang`
        self.windows = windows  # number -> role
        self.own_window = own_window
        self.ask_number = ask_number

    def heading(self) -> str:
        return tr(
            "dialog.reassign_title" if self.ask_number else "dialog.transfer_title", self.lang
        )

    def fields(self) -> ComposeResult:
        if self.ask_number:
            yield Label(tr("dialog.number", self.lang))
            yield Input(id="number", placeholder="A012", max_length=8, restrict=r"[A-Za-z0-9 ]*")
        yield Label(tr("dialog.to_service", self.lang))
        yield Input(id="service", placeholder="B", max_length=2, restrict=r"[A-Za-z]*")
        codes = " · ".join(f"{code} {name}" for code, name in self.services.items())
        yield Static(codes, classes="dialog-choices")
        yield Label(tr("dialog.to_window", self.lang))
        yield Input(id="window", placeholder="7", max_length=4, restrict=r"[0-9]*")

    def result(self) -> tuple[str, p.TransferRequest]:
        number = ticket_number(self.value("number"), self.lang) if self.ask_number else ""
        service = self.value("service").upper() or None
        raw_window = self.value("window")
        if service is None and not raw_window:
            raise Invalid(tr("dialog.target_required", self.lang))
        if service is not None and service not in self.services:
            raise Invalid(tr("dialog.unknown_service", self.lang, service=service))
        window = int(raw_window) if raw_window else None
        if window is not None:
            if window not in self.windows:
                raise Invalid(tr("dialog.unknown_window", self.lang, window=window))
            if window == self.own_window:
                raise Invalid(tr("dialog.own_window", self.lang))
            if self.windows[window] == "guide":
                raise Invalid(tr("dialog.guide_window", self.lang, window=window))
        return number, p.TransferRequest(service=service, window=window)
