"""Guide desk mode (导办台): tickets on a visitor's behalf, look-ups and reprints.

Pick a service with the arrow keys; F1 issues a normal ticket, F2 a priority one
(elderly, disabled, pregnant...), F3 a special-call ticket for a visitor whose
materials were pre-checked. F4 looks a number up; F5 prints the shown ticket again.
The guide desk may also reinstate, reassign and cancel tickets.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from intake_tui.labels import tr
from intake_tui.printing import desk_has_printer
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.screens.number_dialog import NumberDialog
from intake_tui.screens.special_dialog import SpecialDialog
from intake_tui.screens.supervision import Supervision
from intake_tui.widgets.service_picker import ServicePicker
from intake_tui.widgets.ticket_card import TicketCard
from onewindow import protocol as p

GUIDE_KEYS = [
    ("f1", "issue_normal"),
    ("f2", "issue_priority"),
    ("f3", "issue_special"),
    ("f4", "lookup"),
    ("f5", "reprint"),
    ("f6", "reinstate"),
    ("f7", "reassign"),
    ("f8", "cancel_ticket"),
]


class GuideScreen(Supervision):
    BINDINGS: ClassVar[list[BindingType]] = [
        *DeskScreen.BINDINGS,
        *(Binding(key, action, show=False) for key, action in GUIDE_KEYS),
    ]
    KEYS: ClassVar[list[tuple[str, str]]] = [*GUIDE_KEYS, *DeskScreen.KEYS]

    def __init__(self) -> None:
        super().__init__()
        self.card: p.TicketView | None = None
        self.card_heading = "guide.issued"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="desk"):
            with Vertical(id="desk-left"):
                yield ServicePicker(id="services")
            with Vertical(id="desk-right"):
                yield TicketCard(id="card")

    def on_mount(self) -> None:
        # Textual runs DeskScreen's on_mount too (each class's handler in the MRO).
        self.query_one(ServicePicker).focus()

    def redraw_body(self, now: dt.datetime) -> None:
        names = self.service_names()
        model = self.desk.model
        picker = self.query_one(ServicePicker)
        picker.border_title = tr("guide.pick_service", self.lang)
        picker.show(
            [
                (
                    code,
                    tr(
                        "guide.service_line",
                        self.lang,
                        code=code,
                        name=names.get(code, ""),
                        waiting=s.waiting,
                    ),
                )
                for code, s in model.services.items()
            ]
        )
        card = self.query_one(TicketCard)
        card.heading = tr(self.card_heading, self.lang)
        card.empty_hint = tr("guide.card_hint", self.lang)
        card.ticket = self.card
        if self.card is not None:
            card.service_label = names.get(self.card.service, "")

    def shown(self, ticket: p.TicketView, heading: str = "guide.changed") -> None:
        self.card, self.card_heading = ticket, heading
        self.redraw()

    # -- issuing --

    def _issue(self, kind: str) -> None:
        service = self.query_one(ServicePicker).chosen
        if service is None:
            self.say(tr("msg.pick_service", self.lang))
            return

        def done(t: p.TicketView) -> None:
            self.say(tr("msg.issued", self.lang, number=t.number, ahead=t.people_ahead or 0))
            self.shown(t, "guide.issued")
            self.run_worker(self.print_at_desk(t), group="print")

        self.perform("issue", lambda: self.desk.issue_ticket(service, kind), done)

    def action_issue_normal(self) -> None:
        self._issue("normal")

    def action_issue_priority(self) -> None:
        self._issue("priority")

    def action_issue_special(self) -> None:
        names = self.service_names()
        windows = self.desk.model.windows.values()
        served = {c for w in windows if w.role in ("acceptance", "specialist") for c in w.services}
        goals = {code: name for code, name in names.items() if code in served}
        number = self.card.number if self.card and self.card.kind != "special" else ""

        def chosen(answer: tuple[str, str | None] | None) -> None:
            if answer is None:
                return
            source, service = answer

            def done(t: p.TicketView) -> None:
                self.say(
                    tr(
                        "msg.special_issued",
                        self.lang,
                        number=t.number,
                        service=names.get(t.service, t.service),
                        original=source,
                    )
                )
                self.shown(t, "guide.issued")
                self.run_worker(self.print_at_desk(t), group="print")

            self.perform("special", lambda: self.desk.issue_special(source, service), done)

        self.app.push_screen(SpecialDialog(self.lang, goals, number), chosen)

    # -- looking up and reprinting --

    def action_lookup(self) -> None:
        def chosen(number: str | None) -> None:
            if number is None:
                return

            def done(found: list[p.TicketView]) -> None:
                if not found:
                    self.say(tr("msg.not_found", self.lang, number=number), error=True)
                    return
                self.say(tr("msg.found", self.lang, number=number))
                self.shown(found[0], "guide.looked_up")

            self.perform("lookup", lambda: self.desk.lookup(number), done)

        self.app.push_screen(NumberDialog(self.lang, "dialog.lookup_title"), chosen)

    def action_reprint(self) -> None:
        """Print the shown ticket again, as it stands now (its place in line moves)."""
        if self.card is None:
            self.say(tr("msg.reprint_needs_ticket", self.lang))
            return
        if not desk_has_printer(self.config, self.desk.window):
            self.say(tr("print.no_printer", self.lang), error=True)
            return
        number = self.card.number

        def done(found: list[p.TicketView]) -> None:
            if found:
                self.shown(found[0], "guide.looked_up")
                self.run_worker(
                    self.print_at_desk(found[0], reprint=True), group="print", exclusive=True
                )

        self.perform("lookup", lambda: self.desk.lookup(number), done)
