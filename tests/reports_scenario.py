"""A hall's days played through the real API on a simulated clock, for the report tests.

Fri 28 Sep 2040, then the National Day holiday (1–5 Oct; Sat 29 Sep and Sat 13 Oct are
make-up working days), then October. Every time is set on the clock, so each wait and
service time below is exact; test_reports_figures.py holds the hand-computed figures.

    28 Sep  A001 served at 5 (case MZ-003, 10 days → 17 Oct), rated 5
            B001 called at 13 (it calls B first), recalled twice, no-show
            A002 called at 13, transferred to B, served at 5 (immediate case), rated 2,
                 followed up
            F001 consulted at 1 (pre-check SJ-102), referred: special ticket T001
            T001 served at 9 (case SJ-102, 3 days → 9 Oct)
            H001 cancelled while waiting;  A003 served at 13 (case returned), rated 4
            A004 priority, served at 5
     8 Oct  A001 served at 5 (case SJ-109, 5 days → 13 Oct, left open: overdue);
            case MZ-003 approved (early);  10 Oct: case SJ-102 approved (late)
     2 Nov  the clock moves on: SJ-109 is flagged overdue
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from onewindow.config import Config, load_config
from queue_server.http.app import create_app
from tests.api_helpers import KIOSK, add_staff
from tests.hallserver import SAMPLE_CONFIG

TZ = dt.timezone(dt.timedelta(hours=8))
HOLIDAYS = tuple(dt.date(2040, 10, d) for d in range(1, 6))
WORKDAYS = (dt.date(2040, 9, 29), dt.date(2040, 10, 13))
EVALUATOR = {"Authorization": "Bearer demo-evaluator-token"}  # the tablet at window 5
APPLICANT = {
    "name": "王小明",
    "id_type": "id_card",
    "id_number": "440105199001011239",
    "phone": "13812345678",
}
STAFF = (
    ("1001", "clerk"),
    ("1002", "clerk"),
    ("1003", "clerk"),
    ("1005", "clerk"),
    ("9001", "supervisor"),
)


def hall_config(config: Config) -> Config:
    """The sample hall with the year 2040's holidays."""
    return dataclasses.replace(config, holidays=HOLIDAYS, workdays=WORKDAYS)


class Hall:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.staff: dict[str, dict[str, str]] = {}
        self.tickets: dict[str, str] = {}  # number -> id
        self.day: dt.date | None = None

    async def at(self, when: str) -> None:
        """Move the clock; a new day ends every session, so the supervisor signs in again."""
        now = dt.datetime.fromisoformat(when).replace(tzinfo=TZ)
        if "9001" not in self.staff:
            await self.login("9001", None)
        await self.post("/api/sim/clock", {"now": now.isoformat()}, "9001")
        if now.date() != self.day:
            self.day = now.date()
            await self.login("9001", None)

    async def login(self, staff_id: str, window: int | None) -> None:
        resp = await self.client.post(
            "/api/login", json={"staff_id": staff_id, "pin": "1234", "window": window}
        )
        assert resp.status == 200, await resp.text()
        self.staff[staff_id] = {"Authorization": f"Bearer {(await resp.json())['token']}"}

    async def post(
        self, path: str, body: Any, who: str | dict[str, str], status: int | None = None
    ) -> Any:
        headers = self.staff[who] if isinstance(who, str) else who
        resp = await self.client.post(path, json=body, headers=headers)
        assert resp.status < 300 if status is None else resp.status == status, await resp.text()
        return await resp.json() if resp.status not in (204,) else None

    async def issue(self, service: str, kind: str = "normal") -> str:
        ticket = await self.post("/api/tickets", {"service": service, "kind": kind}, KIOSK)
        self.tickets[ticket["number"]] = ticket["id"]
        return str(ticket["number"])

    async def window(self, clerk: str, n: int, action: str, body: Any = None) -> Any:
        return await self.post(f"/api/windows/{n}/{action}", body, clerk)

    async def call(self, clerk: str, n: int, expect: str) -> None:
        called = await self.window(clerk, n, "call-next")
        assert called["number"] == expect, called

    async def materials(self, item: str) -> list[str]:
        resp = await self.client.get(f"/api/catalogue/{item}", headers=KIOSK)
        return [m["name"] for m in (await resp.json())["materials"] if m["required"]]

    async def case(self, clerk: str, item: str, complete: bool = True) -> dict[str, Any]:
        names = await self.materials(item)
        body = {
            "item": item,
            "materials": names if complete else names[:-1],
            "applicant": APPLICANT,
        }
        case: dict[str, Any] = await self.post("/api/cases", body, clerk)
        return case


async def play(hall: Hall) -> dict[str, dict[str, Any]]:
    """Everything in the module docstring; returns the cases by item code."""
    cases: dict[str, dict[str, Any]] = {}
    await hall.at("2040-09-28 08:00:00")
    for staff_id, window in (("1001", 1), ("1005", 5), ("1002", 13), ("1003", 9)):
        await hall.login(staff_id, window)
    for minute, service in enumerate("AABFHA"):
        await hall.at(f"2040-09-28 08:0{minute}:00")
        await hall.issue(service)  # A001 A002 B001 F001 H001 A003
    await hall.at("2040-09-28 08:10:00")
    await hall.call("1005", 5, "A001")
    await hall.at("2040-09-28 08:10:30")
    await hall.window("1005", 5, "start")
    await hall.at("2040-09-28 08:11:00")
    await hall.call("1002", 13, "B001")
    await hall.at("2040-09-28 08:12:00")
    await hall.window("1002", 13, "recall")
    await hall.call("1001", 1, "F001")
    await hall.at("2040-09-28 08:13:00")
    await hall.window("1002", 13, "recall")
    food = await hall.materials("440105-SJ-102")
    precheck = await hall.post(
        "/api/cases", {"item": "440105-SJ-102", "materials": food, "precheck": True}, "1001"
    )
    await hall.at("2040-09-28 08:14:00")
    await hall.window("1002", 13, "no-show")
    await hall.at("2040-09-28 08:15:00")
    cases["MZ-003"] = await hall.case("1005", "440105-MZ-003")
    await hall.call("1002", 13, "A002")
    await hall.at("2040-09-28 08:16:00")
    await hall.window("1002", 13, "start")
    await hall.at("2040-09-28 08:20:00")
    special = await hall.post(
        "/api/special-tickets",
        {"from_ticket": hall.tickets["F001"], "case": precheck["id"]},
        "1001",
    )
    assert special["number"] == "T001"
    await hall.at("2040-09-28 08:20:30")
    await hall.window("1005", 5, "finish")
    await hall.at("2040-09-28 08:21:00")
    await hall.post("/api/ratings", {"score": 5}, EVALUATOR)
    await hall.window("1002", 13, "transfer", {"service": "B"})
    await hall.call("1003", 9, "T001")
    await hall.at("2040-09-28 08:22:00")
    await hall.call("1005", 5, "A002")
    await hall.window("1003", 9, "start")
    await hall.at("2040-09-28 08:25:00")
    cases["RS-001"] = await hall.case("1005", "440105-RS-001")
    cases["SJ-102"] = await hall.post(
        f"/api/cases/{precheck['id']}/submit", {"applicant": APPLICANT}, "1003"
    )
    await hall.at("2040-09-28 08:30:00")
    await hall.window("1005", 5, "finish")
    await hall.post(f"/api/tickets/{hall.tickets['H001']}/cancel", {}, "9001")
    await hall.at("2040-09-28 08:31:00")
    bad = await hall.post("/api/ratings", {"score": 2, "comment": "王先生说等太久"}, EVALUATOR)
    await hall.at("2040-09-28 08:35:00")
    await hall.call("1002", 13, "A003")
    await hall.at("2040-09-28 08:36:00")
    await hall.window("1002", 13, "start")
    await hall.at("2040-09-28 08:40:00")
    cases["GA-002"] = await hall.case("1002", "440105-GA-002", complete=False)
    await hall.window("1003", 9, "finish")
    await hall.at("2040-09-28 08:46:00")
    await hall.window("1002", 13, "finish")
    await hall.at("2040-09-28 08:47:00")
    await hall.post("/api/ratings", {"score": 4, "ticket": hall.tickets["A003"]}, KIOSK)
    await hall.at("2040-09-28 08:50:00")
    await hall.issue("A", "priority")
    await hall.at("2040-09-28 08:55:00")
    await hall.call("1005", 5, "A004")
    await hall.at("2040-09-28 09:00:00")
    await hall.window("1005", 5, "finish")
    await hall.at("2040-09-28 10:00:00")
    await hall.post(f"/api/ratings/{bad['id']}/follow-up", {"note": "电话致歉并说明原因"}, "9001")
    await october(hall, cases)
    return cases


async def october(hall: Hall, cases: dict[str, dict[str, Any]]) -> None:
    await hall.at("2040-10-08 09:00:00")  # sessions ended with the day: sign in again
    await hall.login("1005", 5)
    await hall.issue("A")
    await hall.at("2040-10-08 09:05:00")
    await hall.call("1005", 5, "A001")
    await hall.at("2040-10-08 09:10:00")
    cases["SJ-109"] = await hall.case("1005", "440105-SJ-109")
    await hall.at("2040-10-08 09:15:00")
    await hall.window("1005", 5, "finish")
    await hall.at("2040-10-08 10:00:00")
    await hall.post(f"/api/cases/{cases['MZ-003']['id']}/approve", {}, "1005")
    await hall.at("2040-10-10 10:00:00")
    await hall.post(f"/api/cases/{cases['SJ-102']['id']}/approve", {}, "9001")
    await hall.at("2040-11-02 09:00:00")


async def build(config: Config, db_path: Path) -> dict[str, dict[str, Any]]:
    """The database at `db_path` after `play`, through a real app on loopback."""
    add_staff(db_path, *STAFF)
    client = TestClient(TestServer(create_app(hall_config(config), db_path, sim_clock=True)))
    await client.start_server()
    try:
        return await play(Hall(client))
    finally:
        await client.close()


_PLAYED: list[tuple[Path, Config, dict[str, Any]]] = []


def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Config, dict[str, Any]]:
    """The played database (built once per test run), its config and its cases."""
    if not _PLAYED:
        db_path = tmp_path_factory.mktemp("reports") / "hall.sqlite"
        cases = asyncio.run(build(load_config(SAMPLE_CONFIG), db_path))
        _PLAYED.append((db_path, hall_config(load_config(SAMPLE_CONFIG)), cases))
    return _PLAYED[0]
