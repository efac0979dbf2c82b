"""Staff view of the printer (F2): where tickets go, how the last print went, and a
reprint button for each ticket of today that this kiosk could not print."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from onewindow import i18n
from ticket_printer.journal import Entry


class StaffScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("escape,f2", "dismiss", "")]

    class Reprint(Message):
        def __init__(self, ticket_id: str) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    def __init__(self, target: str, state: str, unprinted: list[Entry], lang: str) -> None:
        super().__init__(id="staff")
        self.target = target
        self.state = state
        self.unprinted = unprinted
        self.lang = lang

    def compose(self) -> ComposeResult:
        t, lang = i18n.text, self.lang
        with Vertical(id="panel"):
            yield Static(t("kiosk.staff_title", lang), id="staff-title")
            yield Static(t("kiosk.staff_target", lang, target=self.target))
            yield Static(t("kiosk.staff_last", lang, state=self.state), id="staff-state")
            yield Static(t("kiosk.staff_unprinted", lang), classes="heading")
            with VerticalScroll(id="unprinted"):
                if not self.unprinted:
                    yield Static(t("kiosk.staff_none", lang), id="staff-none")
                for entry in self.unprinted:
                    with Horizontal(classes="unprinted"):
                        reason = t(f"printer.fault.{entry.reason}", lang)
                        yield Static(f"{entry.number}  {entry.at:%H:%M}  {reason}")
                        yield Button(
                            t("kiosk.staff_reprint", lang),
                            id=f"reprint-{entry.number}",
                            classes="reprint",
                            name=entry.id,
                        )
            yield Button(t("kiosk.staff_close", lang), id="close")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss()

    @on(Button.Pressed, ".reprint")
    def _reprint(self, event: Button.Pressed) -> None:
        event.button.disabled = True
        assert event.button.name is not None
        self.post_message(self.Reprint(event.button.name))
