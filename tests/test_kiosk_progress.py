"""Case progress on the kiosk, driven with Textual's Pilot against a real hall server."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Digits, Static

from onewindow import protocol as p
from onewindow.client import HallClient
from onewindow.config import Config, PrinterConfig
from tests.hallserver import DEMO_PIN, HallServer
from ticket_printer.kiosk.app import KioskApp
from ticket_printer.kiosk.screens.progress import ProgressScreen

KIOSK = "demo-kiosk-token"
SIZE = (120, 40)
RESIDENCE = "440105-GA-002"  # 居住证申领, queued under A
REQUIRED = ["居住证申领登记表", "申请人身份证件", "居住证明"]
APPLICANT = p.Applicant(
    name="王小明", id_type="id_card", id_number="440105199001011239", phone="13812345678"
)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    server = HallServer(tmp_path_factory.mktemp("kiosk-progress") / "hall.sqlite")
    server.add_staff([("1005", "clerk")])
    yield server.start()
    server.stop()


@pytest.fixture(scope="module")
def cases(hall: HallServer) -> dict[str, p.CaseView]:
    return asyncio.run(make_cases(hall))


async def make_cases(hall: HallServer) -> dict[str, p.CaseView]:
    """An accepted case and a returned one, made at window 5 through the API."""
    made = {}
    async with HallClient(hall.url, KIOSK) as kiosk, HallClient(hall.url) as clerk:
        await clerk.login("1005", DEMO_PIN, 5)
        for state, materials in (("accepted", REQUIRED), ("returned", REQUIRED[:1])):
            await kiosk.issue_ticket("A")
            await clerk.call_next(5)
            body = p.NewCaseRequest(item=RESIDENCE, materials=materials, applicant=APPLICANT)
            case = await clerk.request("POST", "/api/cases", p.CaseView, body)
            await clerk.window_action(5, "finish")
            assert case is not None and case.state == state and case.case_no
            made[state] = case
    return made


def kiosk(config: Config, hall: HallServer, tmp_path: Path, idle_seconds: float = 30.0) -> KioskApp:
    settings = dataclasses.replace(config.kiosk, idle_seconds=idle_seconds)
    cfg = dataclasses.replace(config, printer=PrinterConfig(backend="dummy"), kiosk=settings)
    return KioskApp(cfg, hall.url, KIOSK, journal_dir=str(tmp_path / "journal"))


async def until(pilot: Pilot[None], condition: Callable[[], object], timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def text(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def entry(app: KioskApp) -> str:
    return app.screen.query_one("#progress-entry", Digits).value


async def tap_digits(pilot: Pilot[None], digits: str) -> None:
    for digit in digits:
        await pilot.click(f"#key-{digit}")


async def open_progress(pilot: Pilot[None], app: KioskApp) -> ProgressScreen:
    await until(pilot, lambda: app.start.online)
    await pilot.click("#progress-query")
    await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
    assert isinstance(app.screen, ProgressScreen)
    return app.screen


async def test_keypad_query_shows_state_and_dates_and_no_personal_data(
    config: Config, hall: HallServer, cases: dict[str, p.CaseView], tmp_path: Path
) -> None:
    case = cases["accepted"]
    assert case.case_no and case.accepted_at and case.deadline
    app = kiosk(config, hall, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        button = app.start.query_one("#progress-query", Button)
        assert str(button.label) == "办件进度查询 Case progress"
        screen = await open_progress(pilot, app)
        assert "第一步" in text(app, "#progress-step") and entry(app) == "____ ____ ____"
        assert app.screen.query_one("#progress-go", Button).disabled
        await tap_digits(pilot, case.case_no[:11] + "9")
        await pilot.click("#key-back_key")  # a slip of the finger, corrected
        await tap_digits(pilot, case.case_no[-1])
        assert entry(app) == " ".join(case.case_no[i : i + 4] for i in (0, 4, 8))
        await pilot.click("#progress-go")
        assert "第二步" in text(app, "#progress-step")
        await tap_digits(pilot, "5678")
        assert entry(app) == "- - - -"  # the phone digits are not shown to the queue behind
        await pilot.click("#progress-go")
        await until(pilot, lambda: screen.step == "answer")
        answer = text(app, "#progress-answer")
        assert "已受理，正在办理" in answer and f"办件编号：{case.case_no}" in answer
        assert f"受理日期：{case.accepted_at.date().isoformat()}" in answer
        assert f"承诺办结日期：{case.deadline.isoformat()}" in answer
        assert "申请事项：居住证申领" in answer
        for secret in ("王", "5678", "13812345678", "440105199001011239"):
            assert secret not in answer
        await pilot.click("#progress-start")
        await until(pilot, lambda: app.screen is app.start)


async def test_wrong_pair_by_keyboard_then_a_returned_case_in_english(
    config: Config, hall: HallServer, cases: dict[str, p.CaseView], tmp_path: Path
) -> None:
    returned = cases["returned"].case_no
    assert returned
    app = kiosk(config, hall, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        await pilot.click("#language")
        screen = await open_progress(pilot, app)
        assert "Step 1" in text(app, "#progress-step")
        await pilot.press(*returned, "enter", *"0000", "enter")
        await until(pilot, lambda: "No such case" in text(app, "#progress-note"))
        # Back at the case number, kept, to check it or go on with other digits.
        assert screen.step == "case" and screen.case_no == returned and screen.phone4 == ""
        await pilot.press("enter", *"5678", "enter")
        await until(pilot, lambda: screen.step == "answer")
        answer = text(app, "#progress-answer")
        assert "Materials missing" in answer and "1. 申请人身份证件" in answer
        assert "2. 居住证明" in answer
        await pilot.click("#progress-go")  # another case
        assert screen.step == "case" and entry(app) == "____ ____ ____"


async def test_an_unattended_screen_goes_back_to_the_start_in_chinese(
    config: Config, hall: HallServer, tmp_path: Path
) -> None:
    app = kiosk(config, hall, tmp_path, idle_seconds=1.5)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        await pilot.click("#language")
        await open_progress(pilot, app)
        await until(pilot, lambda: app.screen is app.start, timeout=6)
        assert app.lang == "zh" and app.start.lang == "zh"
