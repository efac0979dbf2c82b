"""Case intake at an acceptance window, driven through the keys against a real server,
with the slips printed to a TCP test printer and read back with the ESC/POS decoder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from intake_tui.app import ClerkApp
from intake_tui.screens.case_screen import CaseScreen
from intake_tui.screens.intake import IntakeScreen
from intake_tui.widgets.applicant_form import ApplicantForm
from intake_tui.widgets.case_outcome import CaseOutcome
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.item_search import ItemSearch
from intake_tui.widgets.material_checklist import MaterialChecklist
from onewindow.client import HallClient
from tests.hallserver import HallServer
from tests.printer_support import FakePrinter, Slip, decode
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    clerk_app,
    hall_with_desk_printer,
    issue,
    signed_in,
    start_hall,
    status,
    type_text,
    wait_for,
)

NAME, ID_NUMBER, PHONE = "王小明", "11010519491231002X", "13800138000"


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    device = FakePrinter()
    yield device
    device.close()


@pytest.fixture
def hall(tmp_path: Path, printer: FakePrinter) -> Iterator[HallServer]:
    """The sample hall with a printer at acceptance window 5."""
    server = start_hall(tmp_path, hall_with_desk_printer(tmp_path, 5, printer))  # type: ignore[arg-type]
    yield server
    server.stop()


async def open_intake(pilot: Pilot[None]) -> IntakeScreen:
    """Call the next ticket at the window and press F9 with it in hand."""
    app = pilot.app
    assert isinstance(app, ClerkApp)
    desk = await signed_in(pilot, "1005")
    await pilot.press("f1")
    await wait_for(pilot, lambda: desk.query_one(CurrentTicket).ticket is not None, "call")
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake screen")
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    await wait_for(pilot, lambda: screen.index is not None, "the catalogue")
    return screen


async def pick_item(pilot: Pilot[None], screen: CaseScreen, typed: str, code: str) -> None:
    await type_text(pilot, typed)
    search = screen.query_one(ItemSearch)
    await wait_for(pilot, lambda: search.highlighted_code == code, f"{code} to come first")
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.item is not None and screen.item.code == code, code)


async def type_applicant(pilot: Pilot[None], screen: IntakeScreen) -> None:
    screen.query_one(ApplicantForm).first_field().focus()
    await type_text(pilot, NAME)
    await pilot.press("tab", "tab")  # over the ID type: 居民身份证 is the default
    await type_text(pilot, ID_NUMBER)
    await pilot.press("tab")
    await type_text(pilot, PHONE)


def slips(printer: FakePrinter) -> list[Slip]:
    return [decode(data) for data in printer.received if data]


def assert_nothing_personal(text: str) -> None:
    for secret in (NAME, ID_NUMBER, PHONE, ID_NUMBER[-4:] + PHONE[-4:]):
        assert secret not in text


async def test_accepting_a_complete_case_prints_the_receipt(
    hall: HallServer, printer: FakePrinter
) -> None:
    (a001,) = await issue(hall, "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        await pick_item(pilot, screen, "jzz", "440105-GA-002")  # 居住证申领, pinyin initials
        checklist = screen.query_one(MaterialChecklist)
        assert checklist.has_focus
        await pilot.press("f2")  # everything brought
        assert checklist.missing_required == []
        await type_applicant(pilot, screen)
        await pilot.press("f9")
        outcome = screen.query_one(CaseOutcome)
        await wait_for(pilot, lambda: outcome.case is not None, "the case")
        case = outcome.case
        assert case is not None and case.state == "accepted" and case.case_no
        assert case.deadline is not None and case.promised_days == 7
        assert f"办件编号 {case.case_no}" in status(app)
        # what was typed is gone from the screen; the server's copy is masked
        form = screen.query_one(ApplicantForm)
        assert all(not field.value for field in form.query("Input"))
        assert case.applicant is not None and case.applicant.name == "王**"
        await wait_for(pilot, lambda: "受理回执已打印" in status(app), "the receipt")

        # the same visitor also needs an immediate item (即办件): finished on the spot
        await pick_item(pilot, screen, "hjzm", "440105-GA-003")  # 户籍证明开具
        assert outcome.case is None and form.display  # a new case, the form is back
        await pilot.press("f2")
        await type_applicant(pilot, screen)
        await pilot.press("f9")
        await wait_for(pilot, lambda: outcome.case is not None, "the immediate case")
        issued = outcome.case
        assert issued is not None and issued.state == "issued" and issued.case_no != case.case_no
        assert "已当场办结" in status(app)
        printed = f"受理回执已打印（办件 {issued.case_no}）"
        await wait_for(pilot, lambda: printed in status(app), "the second receipt")

    slip, immediate = slips(printer)
    assert "即办件，已当场办结" in immediate.text()
    text = slip.text()
    assert case.case_no in text and "居住证申领" in text and "受理回执" in text
    assert case.deadline.isoformat() in text
    assert_nothing_personal(text)
    async with HallClient(hall.url) as supervisor:
        await supervisor.login("9001", PIN, None)
        stored, _ = sorted(await supervisor.cases(ticket="A001"), key=lambda c: c.case_no or "")
    assert (stored.id, stored.state, stored.window) == (case.id, "accepted", 5)
    assert stored.materials_received == [
        "居住证申领登记表",
        "申请人身份证件",
        "居住证明",
        "就业或就读证明",
        "近期照片",
    ]
    assert stored.ticket == a001.number


async def test_missing_materials_print_the_notice_and_the_case_continues_later(
    hall: HallServer, printer: FakePrinter
) -> None:
    await issue(hall, "A", "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        await pick_item(pilot, screen, "MZ-003", "440105-MZ-003")  # 临时救助申请, by code
        await pilot.press("space")  # only the application form (临时救助申请书)
        await type_applicant(pilot, screen)
        await pilot.press("f9")
        outcome = screen.query_one(CaseOutcome)
        await wait_for(pilot, lambda: outcome.case is not None, "the case")
        returned = outcome.case
        assert returned is not None and returned.state == "returned" and returned.case_no
        missing = ["申请人身份证件", "遭遇困难的相关证明", "家庭经济状况核对授权书"]
        assert returned.missing == missing
        await wait_for(pilot, lambda: "一次性告知单已打印" in status(app), "the notice")
        await pilot.press("f9")  # again: the case is in, nothing is sent twice
        assert "不会重复提交" in status(app)

        # the visitor comes back with the rest: continue the case by its number
        await pilot.press("f7")
        await type_text(pilot, returned.case_no)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.returned is not None, "the returned case")
        checklist = screen.query_one(MaterialChecklist)
        assert checklist.ticked == ["临时救助申请书"] and checklist.locked == {"临时救助申请书"}
        await pilot.press("f9")
        assert "请勾选本次补交的材料" in status(app)
        await pilot.press("f2")
        assert checklist.newly_ticked == missing
        await pilot.press("f9")
        await wait_for(pilot, lambda: outcome.case is not None, "the accepted case")
        accepted = outcome.case
        assert accepted is not None and accepted.state == "accepted"
        assert accepted.case_no == returned.case_no and accepted.deadline is not None
        await wait_for(pilot, lambda: "受理回执已打印" in status(app), "the receipt")

    notice, receipt = slips(printer)
    text = notice.text()
    assert "一次性告知单" in text and "申请事项：临时救助申请" in text and returned.case_no in text
    listed = [line.text for line in notice.lines if line.text[:2] in ("1.", "2.", "3.", "4.")]
    assert listed == [
        "1. 申请人身份证件  原件核验",
        "2. 遭遇困难的相关证明  1 份",
        "3. 家庭经济状况核对授权书  1 份",
    ]  # every missing one, and only those
    assert notice.qr == [(f"{hall.url}/progress?case_no={returned.case_no}", "center")]
    assert_nothing_personal(text)
    assert "受理回执" in receipt.text() and returned.case_no in receipt.text()
    assert_nothing_personal(receipt.text())
