"""GET /api/reports: supervisors only, today's figures live by default, bad periods refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow import protocol as p
from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, KIOSK, act, add_staff, error_code, issue, login

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"), ("9001", "supervisor"))
    return await aiohttp_client(create_app(config, db_path, sim_clock=True))


async def _at(client: TestClient, boss: dict[str, str], when: dt.datetime) -> dict[str, str]:
    resp = await client.post("/api/sim/clock", json={"now": when.isoformat()}, headers=boss)
    assert resp.status == 200, await resp.text()
    return await login(client, "9001", None)  # a new day ended the old sign-in


async def _report(client: TestClient, headers: dict[str, str], query: str = "") -> p.Report:
    resp = await client.get(f"/api/reports{query}", headers=headers)
    assert resp.status == 200, await resp.text()
    return p.decode(await resp.read(), p.Report)


async def test_today_live_by_default_and_any_period_on_request(client: TestClient) -> None:
    boss = await _at(
        client, await login(client, "9001", None), dt.datetime(2040, 6, 4, 9, 0, tzinfo=TZ)
    )
    clerk = await login(client, "1005", 5)
    await issue(client, "A")
    await _at(client, boss, dt.datetime(2040, 6, 4, 9, 4, tzinfo=TZ))
    await act(client, clerk, 5, "call-next")
    await _at(client, boss, dt.datetime(2040, 6, 4, 9, 10, tzinfo=TZ))
    await act(client, clerk, 5, "finish")
    await issue(client, "B")  # still waiting: issued, not yet called
    today = await _report(client, boss)
    assert today.live and (today.first_day, today.last_day) == (dt.date(2040, 6, 4),) * 2
    assert today.as_of == dt.datetime(2040, 6, 4, 9, 10, tzinfo=TZ)
    tickets = today.hall_figures.tickets
    assert tickets is not None and (tickets.issued, tickets.called, tickets.served) == (2, 1, 1)
    assert tickets.wait.mean_s == 240.0 and tickets.service.mean_s == 360.0
    month = await _report(client, boss, "?month=2040-06")
    assert not month.live and (month.first_day, month.last_day) == (
        dt.date(2040, 6, 1),
        dt.date(2040, 6, 30),
    )
    assert month.hall_figures == today.hall_figures
    earlier = await _report(client, boss, "?from=2040-05-01&to=2040-06-03")
    assert earlier.hall_figures.tickets.issued == 0  # type: ignore[union-attr]
    assert (await _report(client, boss, "?day=2040-06-04")).hall_figures == today.hall_figures


async def test_only_supervisors_see_reports(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    assert (await client.get("/api/reports")).status == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert (await client.get("/api/reports", headers=bad)).status == 401
    for who in (clerk, KIOSK, DISPLAY):
        resp = await client.get("/api/reports", headers=who)
        assert resp.status == 403 and await error_code(resp) == "forbidden"


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("?month=2040-13", "bad_month", "月份“2040-13”无效"),
        ("?month=june", "bad_month", "YYYY-MM"),
        ("?day=2040-02-30", "bad_day", "日期“2040-02-30”无效"),
        ("?from=2040-06-01", "range_needs_both", "同时给出"),
        ("?from=2040-06-09&to=2040-06-01", "range_backwards", "早于开始日期"),
        ("?from=2000-01-01&to=2040-01-01", "range_too_long", "不能超过"),
        ("?day=2040-06-04&month=2040-06", "period_conflict", "只给出一种"),
    ],
)
async def test_a_bad_period_is_refused_in_the_callers_language(
    client: TestClient, query: str, code: str, message: str
) -> None:
    boss = await login(client, "9001", None)
    resp = await client.get(f"/api/reports{query}", headers=boss)
    assert resp.status == 422 and await error_code(resp) == code
    assert message in (await resp.json())["error"]["message"]
    english = await client.get(f"/api/reports{query}", headers={**boss, "Accept-Language": "en"})
    assert english.status == 422 and (await english.json())["error"]["message"].isascii()


async def test_the_route_is_in_the_openapi_document(client: TestClient) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    op = doc["paths"]["/api/reports"]["get"]
    assert {q["name"] for q in op["parameters"]} == {"day", "month", "from", "to"}
    assert set(op["responses"]) == {"200", "401", "403", "422"}
    assert "Report" in doc["components"]["schemas"]
