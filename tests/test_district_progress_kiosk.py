"""A kiosk of hall JN asked about a case of hall HZ, driven with Textual's Pilot.

Real hall servers, a real centre and PostgreSQL, as in test_district_progress.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from textual.pilot import Pilot

from onewindow.config import Config, PrinterConfig
from tests.test_district_progress import PERSONAL, District, Factory, accept_case
from tests.test_kiosk_progress import KIOSK, SIZE, entry, open_progress, text, until
from ticket_printer.kiosk.app import KioskApp
from ticket_printer.kiosk.screens.progress import ProgressScreen


@pytest.fixture
async def town(
    pg_dsn: str, aiohttp_server: Factory, aiohttp_client: Factory, tmp_path: Path
) -> AsyncIterator[District]:
    place = District(aiohttp_server, aiohttp_client, pg_dsn, tmp_path)
    await place.start_centre()
    yield place
    await place.session.close()


def kiosk(config: Config, hall: TestClient, tmp_path: Path) -> KioskApp:
    settings = dataclasses.replace(config.kiosk, idle_seconds=30.0)
    cfg = dataclasses.replace(config, printer=PrinterConfig(backend="dummy"), kiosk=settings)
    url = str(hall.make_url("")).rstrip("/")
    return KioskApp(cfg, url, KIOSK, journal_dir=str(tmp_path / "journal"))


async def tap(pilot: Pilot[None], case_no: str) -> None:
    for key in case_no:
        await pilot.click(f"#letter-{key}" if key.isalpha() else f"#key-{key}")


async def test_the_kiosk_of_hall_jn_answers_a_case_of_hall_hz_typed_on_its_keys(
    town: District, config: Config, tmp_path: Path
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    case = await accept_case(hz)
    assert case.case_no and case.deadline
    await town.known(case.case_no)
    app = kiosk(config, jn, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_progress(pilot, app)
        await tap(pilot, "HZX")
        await pilot.click("#key-back_key")  # a wrong letter, taken back
        assert screen.hall_code == "HZ" and "大厅代码：HZ" in text(app, "#progress-code")
        await tap(pilot, case.case_no[2:])
        await pilot.click("#letter-Q")  # letters only come before the digits
        assert screen.hall_code + screen.case_no == case.case_no
        assert entry(app) == " ".join(case.case_no[i : i + 4] for i in (2, 6, 10))
        await pilot.click("#progress-go")
        await tap(pilot, "5678")
        await pilot.click("#progress-go")
        await until(pilot, lambda: screen.step == "answer")
        answer = text(app, "#progress-answer")
        assert "已受理，正在办理" in answer and f"办件编号：{case.case_no}" in answer
        assert "受理大厅：海珠区政务服务中心" in answer and "申请事项：居住证申领" in answer
        assert f"承诺办结日期：{case.deadline.isoformat()}" in answer and "个工作日" in answer
        assert not any(secret in answer for secret in PERSONAL)


async def test_the_kiosk_says_other_halls_cases_cannot_be_looked_up_while_the_centre_is_down(
    town: District, config: Config, tmp_path: Path
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    case = await accept_case(hz)
    assert case.case_no and town.centre is not None
    await town.centre.close()
    app = kiosk(config, jn, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        await pilot.click("#language")
        screen = await open_progress(pilot, app)
        assert isinstance(screen, ProgressScreen)
        await pilot.press(*case.case_no.lower(), "enter", *"5678", "enter")
        await until(pilot, lambda: "other halls" in text(app, "#progress-note"))
        assert "Cases accepted in other halls cannot be looked up" in text(app, "#progress-note")
