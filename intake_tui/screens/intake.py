"""受理办件: case intake at an acceptance or specialist window.

Over the shared item and materials panes (`CaseScreen`) the clerk types the applicant,
and F9 submits. The case comes back accepted (case number, promised date; the
receipt prints), issued at once for an immediate item (已当场办结), or returned with
the one-time notice of everything missing (the notice prints). A ticket that carries
a consultation pre-check opens with that item and its materials ticked and submits
that very case. F7 continues a returned case by its number: tick what the visitor
brought now. F6 prints the last slip again.

What the clerk typed is cleared as soon as the server has the case; the outcome
shows the server's masked copy.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from intake_tui.applicant import ApplicantProblem
from intake_tui.case_labels import case_state, it
from intake_tui.desk import describe
from intake_tui.item_index import ItemIndex, item_name
from intake_tui.printing import print_case_slip
from intake_tui.screens.case_number_dialog import CaseNumberDialog
from intake_tui.screens.case_screen import CaseScreen
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.widgets.applicant_form import ApplicantForm
from intake_tui.widgets.case_outcome import CaseOutcome
from intake_tui.widgets.item_search import ItemSearch
from intake_tui.widgets.material_checklist import MaterialChecklist
from onewindow import protocol as p
from onewindow.client import ClientError

OUTCOME_MESSAGES = {"accepted": "msg.accepted", "issued": "msg.issued", "returned": "msg.returned"}


class IntakeScreen(CaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        *CaseScreen.BINDINGS,
        Binding("f6", "reprint", show=False),
        Binding("f7", "continue_case", show=False),
    ]
    KEYS_HERE: ClassVar[list[tuple[str, str]]] = [
        ("f9", "submit"),
        ("f2", "all_materials"),
        ("f7", "continue_case"),
        ("f6", "reprint"),
        ("esc", "back"),
    ]

    def __init__(self, ticket: p.TicketView) -> None:
        super().__init__(ticket)
        self.carried: p.CaseView | None = None  # the pre-check the ticket carries
        self.returned: p.CaseView | None = None  # a returned case being continued
        self.result: tuple[p.CaseView, p.CatalogueItemView] | None = None

    def compose_extra(self) -> ComposeResult:
        yield ApplicantForm(id="applicant")
        yield CaseOutcome(id="outcome")

    def on_mount(self) -> None:
        self.query_one(CaseOutcome).display = False

    async def loaded(self, index: ItemIndex) -> None:
        if self.ticket.case is None:
            await super().loaded(index)
            return
        try:
            case = await self.cases.case(self.ticket.case)
        except ClientError as e:
            self.say(describe(e, self.lang, self.desk.server), error=True)
            return
        item = index.get(case.item)
        if case.state not in ("prechecked", "returned") or item is None:
            state = case_state(case.state, self.lang)
            self.say(it("msg.precheck_used", self.lang, number=self.ticket.number, state=state))
            return
        self.carried = case
        self.pick(item, ticked=case.materials_received)
        self.query_one(ApplicantForm).first_field().focus()  # item and materials are done
        self.say(
            it(
                "msg.prefilled",
                self.lang,
                number=self.ticket.number,
                count=len(case.materials_received),
            )
        )

    def ticket_note(self) -> str:
        if self.returned is not None:
            return it("screen.continuing", self.lang, case_no=self.returned.case_no)
        if self.carried is not None:
            c = self.carried
            name = c.item_name_en if self.lang == "en" else c.item_name_zh
            return it(
                "screen.precheck_of",
                self.lang,
                item=name,
                window=c.window or "—",
                staff=c.staff_id or "—",
            )
        return ""

    def picked(self, item: p.CatalogueItemView) -> None:
        if self.returned is not None:
            return  # a returned case keeps its item
        self._start_over()
        dropped = self.carried is not None and item.code != self.carried.item
        if dropped:
            self.carried = None
        super().picked(item)
        if self.carried is not None:  # the pre-checked item again: keep what was checked
            self.pick(item, ticked=self.carried.materials_received)
        if dropped:
            self.say(it("msg.precheck_dropped", self.lang))

    def _start_over(self) -> None:
        """A new case for the same ticket: the last outcome gives way to the form."""
        self.result = None
        self.query_one(CaseOutcome).case = None
        self.query_one(ApplicantForm).display = self.returned is None

    # -- submitting --

    def action_submit(self) -> None:
        if self.result is not None:
            self.say(it("msg.already_done", self.lang, case_no=self.result[0].case_no or "—"))
        elif self.returned is not None:
            self._add_materials(self.returned)
        else:
            self._take_in()

    def _take_in(self) -> None:
        item = self.need_item()
        if item is None:
            return
        try:
            applicant = self.query_one(ApplicantForm).applicant()
        except ApplicantProblem as problem:
            self.say(it(f"applicant.{problem.key}", self.lang, **problem.values), error=True)
            return
        materials = self.query_one(MaterialChecklist).ticked
        carried, ticket = self.carried, self.ticket
        self.perform(
            "case",
            lambda: self.cases.take_in(item.code, materials, applicant, ticket.id, carried),
            lambda case: self._submitted(case, item),
        )

    def _add_materials(self, case: p.CaseView) -> None:
        new, item = self.query_one(MaterialChecklist).newly_ticked, self.item
        if not new or item is None:
            self.say(it("msg.nothing_new", self.lang), error=True)
            return
        self.perform(
            "materials",
            lambda: self.cases.add_materials(case.id, new),
            lambda answer: self._submitted(answer, item),
        )

    def _submitted(self, case: p.CaseView, item: p.CatalogueItemView) -> None:
        form = self.query_one(ApplicantForm)
        form.clear()  # typed values leave the screen; the outcome shows the masked copy
        form.display = False
        self.result, self.carried, self.returned = (case, item), None, None
        search = self.query_one(ItemSearch)
        search.set_locked(False)
        search.query_field.focus()  # ready for the visitor's next item, if any
        self.query_one(CaseOutcome).case = case
        key = OUTCOME_MESSAGES.get(case.state, "msg.accepted")
        deadline = case.deadline.isoformat() if case.deadline else "—"
        said = it(
            key, self.lang, case_no=case.case_no or "—", deadline=deadline, count=len(case.missing)
        )
        self.say(said, error=case.state == "returned")
        self.redraw()
        self.app.run_worker(self._print(case, item, said), group="slip")

    async def _print(self, case: p.CaseView, item: p.CatalogueItemView, said: str) -> None:
        """Runs on the app, so the slip still prints if the clerk leaves the screen at once."""
        outcome = self.query_one(CaseOutcome)
        outcome.print_note = it("print.printing", self.lang)
        now = await self.cases.server_now() if case.state == "returned" else None
        printed = await print_case_slip(
            self.config, self.desk.window, case, item, self.lang, self.desk.server, now=now
        )
        if self.is_attached:
            outcome.print_note = printed.message
            message = " ".join(part for part in (said, printed.message) if part)
            self.say(message, error=not printed.ok or case.state == "returned")
        elif isinstance(self.app.screen, DeskScreen):
            self.app.screen.say(printed.message, error=not printed.ok)

    def action_reprint(self) -> None:
        if self.result is None:
            self.say(it("msg.reprint_nothing", self.lang))
            return
        case, item = self.result
        self.app.run_worker(self._print(case, item, ""), group="slip")

    # -- a returned case --

    def action_continue_case(self) -> None:
        def chosen(case_no: str | None) -> None:
            if case_no is not None:
                self.perform("find", lambda: self.cases.find_case(case_no), self._continue)

        if self.index is not None:
            self.app.push_screen(CaseNumberDialog(self.lang), chosen)

    def _continue(self, case: p.CaseView) -> None:
        item = self.index.get(case.item) if self.index else None
        if case.state != "returned" or item is None:
            state = case_state(case.state, self.lang)
            self.say(it("msg.not_returned", self.lang, case_no=case.case_no, state=state))
            return
        self.returned, self.carried = case, None
        self._start_over()
        self.query_one(ItemSearch).set_locked(True)
        self.pick(item, locked=case.materials_received)
        self.query_one(MaterialChecklist).focus()
        self.say(
            it(
                "msg.continue_loaded",
                self.lang,
                case_no=case.case_no,
                item=item_name(item, self.lang),
            )
        )
