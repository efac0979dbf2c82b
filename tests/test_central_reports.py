"""District reports: real halls on a simulated clock, uplinked to a real centre.

Each hall's row at the centre must equal that hall's own report (queue_server.reports)
figure for figure; the district's row is worked out from every hall's visitors at once.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow import protocol as p
from onewindow.config import Config
from onewindow_cli.cli import main
from queue_server.http.app import create_app
from queue_server.reports import Period, compute
from tests.api_helpers import add_staff
from tests.centralserver import write_district
from tests.district_helpers import SUPERVISOR
from tests.reports_scenario import EVALUATOR, STAFF, Hall, hall_config, play
from tests.test_uplink import District, Factory, drained, until, with_uplink


class Halls:
    def __init__(self, town: District, config: Config, folder: Path) -> None:
        self.town, self.config, self.folder = town, hall_config(config), folder
        self.dbs: dict[str, Path] = {}

    async def open(self, code: str) -> Hall:
        db = self.folder / f"{code}.sqlite"
        add_staff(db, *STAFF)
        self.dbs[code] = db
        url = f"http://127.0.0.1:{self.town.port}"
        client: TestClient = await self.town.new_client(
            create_app(with_uplink(self.config, url, hall=code), db, sim_clock=True)
        )
        return Hall(client)

    async def uplinked(self, hall: Hall) -> None:
        boss = hall.staff["9001"]
        await until(lambda: drained(hall.client, boss), "the hall's events to reach the centre")

    async def report(self, query: str, status: int = 200, lang: str = "zh") -> Any:
        url = f"http://127.0.0.1:{self.town.port}/api/reports?{query}"
        headers = {**SUPERVISOR, "Accept-Language": lang}
        async with self.town.session.get(url, headers=headers) as resp:
            assert resp.status == status, await resp.text()
            return await resp.json()


@pytest.fixture
async def halls(
    pg_dsn: str, aiohttp_server: Factory, aiohttp_client: Factory, config: Config, tmp_path: Path
) -> AsyncIterator[Halls]:
    town = District(aiohttp_server, aiohttp_client, pg_dsn)
    await town.start_centre()
    yield Halls(town, config, tmp_path)
    await town.session.close()


async def small_day(hall: Hall, waits_min: list[int], scores: list[int]) -> None:
    """Tickets A001.. issued a minute apart from 08:00 on 28 Sep 2040, called one after
    another at window 5 after the given waits, each served 4 minutes; the first
    `len(scores)` of them rated on the window's tablet."""
    await hall.at("2040-09-28 08:00:00")
    await hall.login("1005", 5)
    for i in range(len(waits_min)):
        await hall.at(f"2040-09-28 08:{i:02d}:00")
        await hall.issue("A")
    for i, wait in enumerate(waits_min):
        await hall.at(f"2040-09-28 {8 + (i + wait) // 60:02d}:{(i + wait) % 60:02d}:00")
        await hall.call("1005", 5, f"A{i + 1:03d}")
        await hall.at(f"2040-09-28 {8 + (i + wait + 4) // 60:02d}:{(i + wait + 4) % 60:02d}:00")
        await hall.window("1005", 5, "finish")
        if i < len(scores):
            await hall.post("/api/ratings", {"score": scores[i]}, EVALUATOR)


def figures(group: dict[str, Any]) -> dict[str, Any]:
    return {part: group[part] for part in ("tickets", "cases", "ratings")}


def hall_own(db: Path, config: Config, period: Period) -> dict[str, Any]:
    report = compute(db, config, period)
    return figures(p.decode(p.encode(report.hall_figures), dict[str, Any]))


async def test_each_halls_row_equals_its_own_report_figure_for_figure(halls: Halls) -> None:
    hz, jn = await halls.open("HZ"), await halls.open("JN")
    await asyncio.gather(play(hz), small_day(jn, [3, 9, 13], [3, 5]))
    await asyncio.gather(halls.uplinked(hz), halls.uplinked(jn))

    periods = {
        "month=2040-09": Period.month(2040, 9),
        "month=2040-10": Period.month(2040, 10),
        "day=2040-09-28": Period.day(dt.date(2040, 9, 28)),
        "from=2040-09-01&to=2040-11-30": Period(dt.date(2040, 9, 1), dt.date(2040, 11, 30)),
    }
    for query, period in periods.items():
        report = await halls.report(query)
        rows = {row["code"]: figures(row["figures"]) for row in report["halls"]}
        for code in ("HZ", "JN"):
            assert rows[code] == hall_own(halls.dbs[code], halls.config, period), (query, code)
    # The scenario's own figures (tests/test_reports_figures.py) came through the events:
    # the early case (MZ-003), the late and the open overdue ones, the followed-up bad rating.
    whole = await halls.report("from=2040-09-01&to=2040-11-30")
    hz_row = next(r for r in whole["halls"] if r["code"] == "HZ")["figures"]
    assert (hz_row["cases"]["finished_early"], hz_row["cases"]["overdue"]) == (1, 2)
    assert (hz_row["ratings"]["bad"], hz_row["ratings"]["bad_followed_up"]) == (1, 1)


async def test_district_row_is_worked_out_from_every_hall_at_once(halls: Halls) -> None:
    hz, jn = await halls.open("HZ"), await halls.open("JN")
    await asyncio.gather(small_day(hz, [1], [5]), small_day(jn, [4, 10], [3]))
    await asyncio.gather(halls.uplinked(hz), halls.uplinked(jn))

    report = await halls.report("month=2040-09")
    district = report["district_figures"]
    t, r = district["tickets"], district["ratings"]
    assert (t["issued"], t["visitors"], t["served"]) == (3, 3, 3)
    # Waits of 60, 240 (A001 at JN: issued 08:00, called 08:04) and 600 s (A002 at JN:
    # issued 08:01, called 08:11): the mean of all three, not of the halls' means (240).
    assert (t["wait"]["count"], t["wait"]["mean_s"]) == (3, 300.0)
    assert (t["wait"]["median_s"], t["wait"]["p90_s"]) == (240.0, 600.0)
    assert t["service"]["mean_s"] == 240.0  # every visitor is served 4 minutes
    assert (r["count"], r["score_5"], r["score_3"], r["satisfaction_rate"]) == (2, 1, 1, 0.5)
    assert [row["code"] for row in report["halls"]] == ["HZ", "JN"]
    assert report["halls"][1]["figures"]["tickets"]["wait"]["mean_s"] == 420.0
    assert sum(d["issued"] for d in report["days"]) == 3


async def test_cli_writes_the_html_and_a_csv_row_per_hall_and_the_district(
    halls: Halls, tmp_path: Path
) -> None:
    hz, jn = await halls.open("HZ"), await halls.open("JN")
    await asyncio.gather(small_day(hz, [1], [5]), small_day(jn, [4, 10], [3]))
    await asyncio.gather(halls.uplinked(hz), halls.uplinked(jn))
    district_toml = write_district(tmp_path, halls.town.dsn, halls.town.port)
    out = tmp_path / "out"

    argv = [
        "central",
        "report",
        "--config",
        str(district_toml),
        "--month",
        "2040-09",
        "--out",
        str(out),
    ]
    assert await asyncio.to_thread(main, argv) == 0

    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "按大厅" in page and "区政务服务数据中心 统计报表" in page
    with (out / "halls.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["大厅", "名称", "取号量"]
    assert [r[0] for r in rows[1:]] == ["HZ", "JN", "district"]
    assert [r[2] for r in rows[1:]] == ["1", "2", "3"]
    assert {f.name for f in out.iterdir()} >= {"report.html", "halls.csv", "days.csv"}


async def test_cli_refuses_a_bad_month_in_words(
    halls: Halls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district_toml = write_district(tmp_path, halls.town.dsn, halls.town.port)
    argv = [
        "central",
        "report",
        "--config",
        str(district_toml),
        "--month",
        "2040-13",
        "--out",
        str(tmp_path / "out"),
    ]
    assert main(argv) == 2
    assert "月份“2040-13”无效" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


async def test_reports_route_refuses_a_bad_month_and_other_tokens(halls: Halls) -> None:
    body = await halls.report("month=2040-13", status=400)
    assert body["error"]["code"] == "bad_period" and "2040-13" in body["error"]["message"]
    body = await halls.report("month=nope", status=400, lang="en")
    assert body["error"]["message"].startswith("The period is not valid: The month")
    url = f"http://127.0.0.1:{halls.town.port}/api/reports?month=2040-09"
    async with halls.town.session.get(url) as resp:
        assert resp.status == 401
    async with halls.town.session.get(url, headers=hall_token("HZ")) as resp:
        assert resp.status == 403
    async with halls.town.session.get(f"http://127.0.0.1:{halls.town.port}/api/openapi.json") as r:
        assert "/api/reports" in (await r.json())["paths"]


def hall_token(code: str) -> dict[str, str]:
    from tests.district_helpers import hall_auth

    return hall_auth(code)
