"""Consultation pre-check → special ticket → the acceptance window opens the case filled in.

Two clerk terminals in turn against one real server: the consultation clerk records
the pre-check and issues the special ticket that carries it; the acceptance clerk
calls that ticket and submits the very same case. The receipt goes to a TCP test
printer and is read back with the ESC/POS decoder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Label

from intake_tui.screens.confirm_dialog import ConfirmDialog
from intake_tui.screens.consultation import ConsultationScreen
from intake_tui.screens.intake import IntakeScreen
from intake_tui.screens.precheck import PrecheckScreen
from intake_tui.widgets.applicant_form import ApplicantForm
from intake_tui.widgets.case_outcome import CaseOutcome
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.material_checklist import MaterialChecklist
from intake_tui.widgets.ticket_card import TicketCard
from onewindow.client import HallClient
from tests.hallserver import HallServer
from tests.printer_support import FakePrinter, decode
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    clerk_app,
    hall_with_desk_printer,
    issue,
    signed_in,
    start_hall,
    status,
    wait_for,
)
from tests.test_clerk_intake import assert_nothing_personal, pick_item, type_applicant

ITEM = "440105-BDC-001"  # 存量房买卖转移登记（二手房）: consult first, 4 of 6 materials required
MATERIALS = [
    "不动产登记申请书",
    "买卖双方身份证明",
    "不动产权属证书",
    "存量房买卖合同",
    "完税凭证",
    "婚姻状况证明",
]


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    device = FakePrinter()
    yield device
    device.close()


@pytest.fixture
def hall(tmp_path: Path, printer: FakePrinter) -> Iterator[HallServer]:
    server = start_hall(tmp_path, hall_with_desk_printer(tmp_path, 5, printer))  # type: ignore[arg-type]
    yield server
    server.stop()


async def test_a_precheck_travels_with_the_special_ticket_to_acceptance(
    hall: HallServer, printer: FakePrinter
) -> None:
    (d001,) = await issue(hall, "D")
    consultation = clerk_app(hall, 1)
    async with consultation.run_test(size=SIZE) as pilot:
        desk = await signed_in(pilot, "1001")
        assert isinstance(desk, ConsultationScreen)
        await pilot.press("f1")
        await wait_for(pilot, lambda: desk.query_one(CurrentTicket).ticket is not None, "call")
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(consultation.screen, PrecheckScreen), "pre-check")
        precheck = consultation.screen
        assert isinstance(precheck, PrecheckScreen)
        await wait_for(pilot, lambda: precheck.index is not None, "the catalogue")
        assert not precheck.query(ApplicantForm)  # no applicant at consultation
        await pick_item(pilot, precheck, "bdc", ITEM)

        await pilot.press("space", "f9")  # one material only: the clerk is asked first
        await wait_for(pilot, lambda: isinstance(consultation.screen, ConfirmDialog), "question")
        await pilot.press("escape")
        assert consultation.screen is precheck

        await pilot.press("f2")
        # a double press: the second F9 must not issue a second special ticket
        consultation.post_message(events.Key("f9", None))
        consultation.post_message(events.Key("f9", None))
        await wait_for(pilot, lambda: consultation.screen is desk, "back at the desk")
        card = desk.query_one(TicketCard)
        await wait_for(pilot, lambda: card.ticket is not None, "the special ticket")
        special = card.ticket
        assert special is not None and special.case is not None
        assert (special.number, special.kind, special.service) == ("T001", "special", "D")

    async with HallClient(hall.url) as supervisor:
        await supervisor.login("9001", PIN, None)
        prechecked = await supervisor.case(special.case)
        (original,) = await supervisor.find_tickets(number="D001")
        today = await supervisor.find_tickets()
    assert (prechecked.state, prechecked.item, prechecked.ticket) == ("prechecked", ITEM, "D001")
    assert prechecked.materials_received == MATERIALS and prechecked.window == 1
    assert (original.id, original.outcome) == (d001.id, "referred")
    assert sorted(t.number for t in today) == ["D001", "T001"]  # one special ticket only

    acceptance = clerk_app(hall, 5)
    async with acceptance.run_test(size=SIZE) as pilot:
        desk = await signed_in(pilot, "1005")
        await pilot.press("f1")  # the special ticket is called before everyone else
        await wait_for(pilot, lambda: desk.query_one(CurrentTicket).ticket is not None, "call")
        assert desk.query_one(CurrentTicket).ticket.number == "T001"  # type: ignore[union-attr]
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(acceptance.screen, IntakeScreen), "intake")
        screen = acceptance.screen
        assert isinstance(screen, IntakeScreen)
        await wait_for(pilot, lambda: screen.carried is not None, "the pre-check filled in")
        assert screen.item is not None and screen.item.code == ITEM
        assert screen.query_one(MaterialChecklist).ticked == MATERIALS
        assert "带有预审记录" in status(acceptance)
        await type_applicant(pilot, screen)
        await pilot.press("f9")
        outcome = screen.query_one(CaseOutcome)
        await wait_for(pilot, lambda: outcome.case is not None, "the accepted case")
        case = outcome.case
        assert case is not None and case.state == "accepted" and case.case_no
        assert case.id == special.case  # the pre-check and the case are one record
        assert (case.ticket, case.window, case.staff_id) == ("T001", 5, "1005")
        await wait_for(pilot, lambda: "受理回执已打印" in status(acceptance), "the receipt")

    (data,) = [chunk for chunk in printer.received if chunk]
    receipt = decode(data).text()
    assert case.case_no in receipt and "存量房买卖转移登记" in receipt
    assert_nothing_personal(receipt)


async def test_missing_materials_question_keeps_its_count_on_one_line(hall: HallServer) -> None:
    await issue(hall, "D")
    consultation = clerk_app(hall, 1)
    async with consultation.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "1001")
        await pilot.press("f1")
        await pilot.pause(0.3)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(consultation.screen, PrecheckScreen), "pre-check")
        precheck = consultation.screen
        assert isinstance(precheck, PrecheckScreen)
        await wait_for(pilot, lambda: precheck.index is not None, "the catalogue")
        await pick_item(pilot, precheck, "bdc", ITEM)
        await pilot.press("space", "f9")
        await wait_for(pilot, lambda: isinstance(consultation.screen, ConfirmDialog), "question")
        await pilot.pause()
        title = consultation.screen.query_one("#dialog-title", Label)
        lines = [s.text.replace(" ", "") for s in title.render_lines(title.size.region)]
        assert any("还缺3项必交材料" in line for line in lines), lines
