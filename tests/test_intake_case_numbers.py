"""Every `case.accepted` (and `case.returned`) event carries the case's number, from the
very first case of a new database and the first case of a new business day on."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, act, add_staff, issue, login

APPLICANT = {
    "name": "王小明",
    "id_type": "id_card",
    "id_number": "440105199001011239",
    "phone": "13812345678",
}
FOOD = "440105-SJ-101"  # consult-first: pre-checked at window 1, submitted at window 9
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1001", "clerk"), ("1005", "clerk"), ("9001", "supervisor"))
    return await aiohttp_client(create_app(config, db_path, sim_clock=True))


async def _direct_item(client: TestClient) -> dict[str, Any]:
    items = (await (await client.get("/api/catalogue", headers=DISPLAY)).json())["items"]
    found: dict[str, Any] = next(i for i in items if i["service"] == "A" and not i["immediate"])
    return found


async def _case_at_window_5(
    client: TestClient, clerk: dict[str, str], complete: bool = True
) -> dict[str, Any]:
    item = await _direct_item(client)
    required = [m["name"] for m in item["materials"] if m["required"]]
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    body = {
        "item": item["code"],
        "materials": required if complete else required[:-1],
        "applicant": APPLICANT,
    }
    resp = await client.post("/api/cases", json=body, headers=clerk)
    assert resp.status == 201, await resp.text()
    case: dict[str, Any] = await resp.json()
    await act(client, clerk, 5, "finish")
    return case


async def _case_events(ws: ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = json.loads((await asyncio.wait_for(ws.receive(), 5)).data)
        if event.get("type") == kind:
            return event


def _logged_numbers(db_path: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT type, body FROM events WHERE type LIKE 'case.%' ORDER BY seq")
        return [(kind, json.loads(body)["case_no"]) for kind, body in rows]


async def test_first_case_of_a_new_database_and_of_a_new_day_carry_their_numbers(
    client: TestClient, db_path: Path
) -> None:
    clerk = await login(client, "1005", 5)
    async with client.ws_connect("/api/ws?token=demo-display-token") as ws:
        await ws.receive()  # the snapshot
        first = await _case_at_window_5(client, clerk)
        event = await _case_events(ws, "case.accepted")
        assert event["case_no"] == first["case_no"] and first["case_no"].endswith("0001")
        second = await _case_at_window_5(client, clerk)
        assert (await _case_events(ws, "case.accepted"))["case_no"] == second["case_no"]

        boss = await login(client, "9001", None)
        tomorrow = dt.datetime.now(TZ).date() + dt.timedelta(days=1)
        moved = await client.post(
            "/api/sim/clock", headers=boss, json={"now": f"{tomorrow}T09:00:00+08:00"}
        )
        assert moved.status == 200
        clerk = await login(client, "1005", 5)  # the new day ended yesterday's sign-ins
        next_day = await _case_at_window_5(client, clerk)
        assert next_day["case_no"] == f"{tomorrow:%Y%m%d}0001"
        assert (await _case_events(ws, "case.accepted"))["case_no"] == next_day["case_no"]
    assert _logged_numbers(db_path) == [
        ("case.accepted", first["case_no"]),
        ("case.accepted", second["case_no"]),
        ("case.accepted", next_day["case_no"]),
    ]


async def test_returned_then_completed_and_pre_checked_cases_carry_their_numbers(
    client: TestClient, db_path: Path
) -> None:
    clerk = await login(client, "1005", 5)
    returned = await _case_at_window_5(client, clerk, complete=False)
    assert returned["state"] == "returned" and returned["case_no"]
    item = await _direct_item(client)
    resp = await client.post(
        f"/api/cases/{returned['id']}/materials",
        headers=clerk,
        json={"received": [m["name"] for m in item["materials"]]},
    )
    assert resp.status == 200 and (await resp.json())["state"] == "accepted"

    consult, special_desk = await login(client, "1001", 1), await login(client, "9001", 9)
    visitor = await issue(client, "F")
    await act(client, consult, 1, "call-next")
    food = await (await client.get(f"/api/catalogue/{FOOD}", headers=DISPLAY)).json()
    pre = await (
        await client.post(
            "/api/cases",
            headers=consult,
            json={
                "item": FOOD,
                "materials": [m["name"] for m in food["materials"]],
                "precheck": True,
            },
        )
    ).json()
    await client.post(
        "/api/special-tickets",
        headers=consult,
        json={"from_ticket": visitor["id"], "case": pre["id"]},
    )
    await act(client, special_desk, 9, "call-next")
    resp = await client.post(
        f"/api/cases/{pre['id']}/submit", json={"applicant": APPLICANT}, headers=special_desk
    )
    submitted = await resp.json()
    assert resp.status == 200 and submitted["state"] == "accepted"
    assert _logged_numbers(db_path) == [
        ("case.returned", returned["case_no"]),
        ("case.accepted", returned["case_no"]),
        ("case.accepted", submitted["case_no"]),
    ]
    assert submitted["case_no"] == returned["case_no"][:8] + "0002"


async def test_numbering_goes_on_after_a_restart_when_cases_were_decided(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    """A later change to a case (approval here) keeps the day its number belongs to."""
    add_staff(db_path, ("1005", "clerk"))
    before = await aiohttp_client(create_app(config, db_path))
    clerk = await login(before, "1005", 5)
    first = await _case_at_window_5(before, clerk)
    resp = await before.post(f"/api/cases/{first['id']}/approve", json={}, headers=clerk)
    assert resp.status == 200
    await before.close()

    after = await aiohttp_client(create_app(config, db_path))
    clerk = await login(after, "1005", 5)
    second = await _case_at_window_5(after, clerk)
    assert second["case_no"] == first["case_no"][:8] + "0002"
