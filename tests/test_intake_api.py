"""The one-window intake through the real API: from ticket to case, ratings, progress."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, KIOSK, act, add_staff, error_code, issue, login

APPLICANT = {
    "name": "王小明",
    "id_type": "id_card",
    "id_number": "440105199001011239",
    "phone": "13812345678",
}
EVALUATOR = {"Authorization": "Bearer demo-evaluator-token"}  # the tablet at window 5
FOOD = "440105-SJ-101"  # 食品经营许可（新办）: consult-first, queued under F


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1001", "clerk"), ("1005", "clerk"), ("9001", "supervisor"))
    return await aiohttp_client(create_app(config, db_path, sim_clock=True))


async def _item(client: TestClient, code: str) -> dict[str, Any]:
    resp = await client.get(f"/api/catalogue/{code}", headers=DISPLAY)
    assert resp.status == 200
    result: dict[str, Any] = await resp.json()
    return result


async def _first_direct_item(client: TestClient, service: str) -> dict[str, Any]:
    items = (await (await client.get("/api/catalogue", headers=DISPLAY)).json())["items"]
    return next(i for i in items if i["service"] == service and not i["immediate"])


async def _post(
    client: TestClient, path: str, body: Any, headers: dict[str, str], status: int = 200
) -> dict[str, Any]:
    resp = await client.post(path, json=body, headers=headers)
    assert resp.status == status, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def test_catalogue_search_by_code_name_and_pinyin(client: TestClient) -> None:
    for query in ("440105-SJ-1", "食品", "spjy"):
        resp = await client.get(f"/api/catalogue?q={query}", headers=DISPLAY)
        items = (await resp.json())["items"]
        assert any(i["code"] == FOOD for i in items), query
    food = await _item(client, FOOD)
    assert food["mode"] == "consult_first" and food["materials"]


async def test_window_ticket_to_accepted_case_then_approved_and_issued(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    item = await _first_direct_item(client, "A")
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    required = [m["name"] for m in item["materials"] if m["required"]]
    case = await _post(
        client,
        "/api/cases",
        {"item": item["code"], "materials": required, "applicant": APPLICANT},
        clerk,
        201,
    )
    assert case["state"] == "accepted" and case["ticket"] == "A001"
    assert len(case["case_no"]) == 12 and case["deadline"] is not None
    masked = {
        "name": "王**",
        "id_type": "id_card",
        "id_number": "**************1239",
        "phone": "*******5678",
    }
    assert case["applicant"] == masked
    approved = await _post(client, f"/api/cases/{case['id']}/approve", {}, clerk)
    assert approved["state"] == "approved" and approved["decided_at"]
    issued = await _post(client, f"/api/cases/{case['case_no']}/issue", {}, clerk)
    assert issued["state"] == "issued"


async def test_missing_material_gives_a_notice_and_later_materials_restart_the_clock(
    client: TestClient,
) -> None:
    clerk = await login(client, "1005", 5)
    item = await _first_direct_item(client, "A")
    required = [m["name"] for m in item["materials"] if m["required"]]
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    case = await _post(
        client,
        "/api/cases",
        {"item": item["code"], "materials": required[:-1], "applicant": APPLICANT},
        clerk,
        201,
    )
    assert case["state"] == "returned" and case["missing"] == required[-1:]
    assert case["case_no"] and case["deadline"] is None
    later = await _post(
        client, f"/api/cases/{case['id']}/materials", {"received": required[-1:]}, clerk
    )
    assert later["state"] == "accepted" and later["deadline"] and later["missing"] == []


async def test_consultation_pre_check_fills_the_acceptance_windows_case(client: TestClient) -> None:
    consult = await login(client, "1001", 1)
    accept = await login(client, "1005", 5)  # window 5 does not serve F...
    food = await _item(client, FOOD)
    names = [m["name"] for m in food["materials"]]
    visitor = await issue(client, "F")
    await act(client, consult, 1, "call-next")
    pre = await _post(
        client, "/api/cases", {"item": FOOD, "materials": names, "precheck": True}, consult, 201
    )
    assert pre["state"] == "prechecked" and pre["case_no"] is None and pre["applicant"] is None
    special = await _post(
        client,
        "/api/special-tickets",
        {"from_ticket": visitor["id"], "case": pre["id"]},
        consult,
        201,
    )
    assert special["service"] == "F" and special["case"] == pre["id"]
    # ...so the visitor is called at window 9, which serves F.
    clerk9 = await login(client, "9001", 9)
    called = await act(client, clerk9, 9, "call-next")
    assert called and called["number"] == "T001" and called["case"] == pre["id"]
    opened = await (await client.get(f"/api/cases/{called['case']}", headers=clerk9)).json()
    assert opened["materials_received"] == names
    done = await _post(client, f"/api/cases/{pre['id']}/submit", {"applicant": APPLICANT}, clerk9)
    assert done["state"] == "accepted" and done["ticket"] == "T001" and done["window"] == 9
    assert accept  # the acceptance clerk at 5 never saw the consult-first visitor


async def test_immediate_item_is_issued_on_the_spot(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    items = (await (await client.get("/api/catalogue", headers=DISPLAY)).json())["items"]
    item = next(i for i in items if i["immediate"] and i["service"] in ("A", "B"))
    await issue(client, item["service"])
    await act(client, clerk, 5, "call-next")
    names = [m["name"] for m in item["materials"]]
    case = await _post(
        client,
        "/api/cases",
        {"item": item["code"], "materials": names, "applicant": APPLICANT},
        clerk,
        201,
    )
    assert case["state"] == "issued" and case["deadline"] == case["accepted_at"][:10]


async def test_bad_case_requests(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    item = await _first_direct_item(client, "A")
    body = {"item": item["code"], "materials": [], "applicant": APPLICANT}
    resp = await client.post("/api/cases", json=body, headers=clerk)
    assert resp.status == 409 and await error_code(resp) == "no_ticket_in_hand"
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    for bad, code in [
        ({**body, "item": "NOPE-1"}, "unknown_item"),
        ({**body, "materials": ["不存在的材料"]}, "unknown_material"),
        ({**body, "applicant": None}, "applicant_required"),
    ]:
        resp = await client.post("/api/cases", json=bad, headers=clerk)
        assert resp.status == 422 and await error_code(resp) == code
    resp = await client.post(
        "/api/cases", json={**body, "applicant": {**APPLICANT, "phone": "x"}}, headers=clerk
    )
    assert resp.status == 422
    resp = await client.post("/api/cases/nope/approve", json={}, headers=clerk)
    assert resp.status == 404


async def test_case_events_and_the_log_carry_no_personal_data(
    client: TestClient, db_path: Path
) -> None:
    clerk = await login(client, "1005", 5)
    item = await _first_direct_item(client, "A")
    async with client.ws_connect("/api/ws?token=demo-display-token") as ws:
        await ws.receive()
        await issue(client, "A")
        await act(client, clerk, 5, "call-next")
        required = [m["name"] for m in item["materials"] if m["required"]]
        await _post(
            client,
            "/api/cases",
            {"item": item["code"], "materials": required, "applicant": APPLICANT},
            clerk,
            201,
        )
        seen = []
        while not any(m.get("type") == "case.accepted" for m in seen):
            seen.append(json.loads((await asyncio.wait_for(ws.receive(), 5)).data))
    with sqlite3.connect(db_path) as db:
        log = " ".join(body for (body,) in db.execute("SELECT body FROM events"))
    for secret in ("王小明", "440105199001011239", "13812345678", "5678"):
        assert secret not in json.dumps(seen, ensure_ascii=False) and secret not in log


async def test_progress_query_privacy_and_rate_limit(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    item = await _first_direct_item(client, "A")
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    required = [m["name"] for m in item["materials"] if m["required"]]
    case = await _post(
        client,
        "/api/cases",
        {"item": item["code"], "materials": required, "applicant": APPLICANT},
        clerk,
        201,
    )
    ok = await client.get(f"/api/progress?case_no={case['case_no']}&phone4=5678")
    view = await ok.json()
    assert ok.status == 200 and view["state"] == "accepted" and view["deadline"] == case["deadline"]
    assert "王" not in json.dumps(view, ensure_ascii=False) and "1381" not in json.dumps(view)
    wrong_phone = await client.get(f"/api/progress?case_no={case['case_no']}&phone4=0000")
    wrong_case = await client.get("/api/progress?case_no=209901010001&phone4=5678")
    assert wrong_phone.status == wrong_case.status == 404
    assert (await wrong_phone.json()) == (await wrong_case.json())
    for _ in range(8):  # ten wrong pairs in all (the config's limit)
        await client.get("/api/progress?case_no=209901010001&phone4=1111")
    limited = await client.get(f"/api/progress?case_no={case['case_no']}&phone4=5678")
    assert limited.status == 429 and await error_code(limited) == "progress_limited"


async def test_rating_once_per_served_ticket_and_bad_ones_are_followed_up(
    client: TestClient,
) -> None:
    clerk = await login(client, "1005", 5)
    boss = await login(client, "9001", None)
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    resp = await client.post("/api/ratings", json={"score": 5}, headers=EVALUATOR)
    assert resp.status == 409 and await error_code(resp) == "nothing_to_rate"
    await act(client, clerk, 5, "finish")
    rating = await _post(client, "/api/ratings", {"score": 2, "comment": "等太久"}, EVALUATOR, 201)
    assert rating["ticket_number"] == "A001" and rating["staff_id"] == "1005"
    again = await client.post("/api/ratings", json={"score": 5}, headers=EVALUATOR)
    assert again.status == 409 and await error_code(again) == "already_rated"
    resp = await client.post("/api/ratings", json={"score": 6}, headers=EVALUATOR)
    assert resp.status == 422
    bad = (await (await client.get("/api/ratings?bad=1", headers=boss)).json())["ratings"]
    assert [(r["ticket_number"], r["score"], r["followed_up_at"]) for r in bad] == [
        ("A001", 2, None)
    ]
    done = await _post(
        client, f"/api/ratings/{bad[0]['id']}/follow-up", {"note": "已电话回访，致歉"}, boss
    )
    assert done["followed_up_at"] and done["follow_up_note"] == "已电话回访，致歉"
    assert (await client.post("/api/ratings", json={"score": 5}, headers=KIOSK)).status == 422


async def test_warnings_follow_the_simulated_clock(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    boss = await login(client, "9001", None)
    item = await _first_direct_item(client, "A")
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    required = [m["name"] for m in item["materials"] if m["required"]]
    case = await _post(
        client,
        "/api/cases",
        {"item": item["code"], "materials": required, "applicant": APPLICANT},
        clerk,
        201,
    )
    deadline = dt.date.fromisoformat(case["deadline"])
    tz = dt.timezone(dt.timedelta(hours=8))
    after = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(10), tz)
    async with client.ws_connect("/api/ws?token=demo-display-token") as ws:
        await ws.receive()
        await _post(client, "/api/sim/clock", {"now": after.isoformat()}, boss)
        types = []
        while "case.overdue" not in types:
            types.append(json.loads((await asyncio.wait_for(ws.receive(), 5)).data)["type"])
    # A new business day began: yesterday's sign-ins ended with it.
    assert (await client.get("/api/cases", headers=boss)).status == 401
    boss = await login(client, "9001", None)
    overdue = (await (await client.get("/api/cases?alert=overdue", headers=boss)).json())["cases"]
    assert [c["case_no"] for c in overdue] == [case["case_no"]]
    back = await client.post(
        "/api/sim/clock", json={"now": "2020-01-01T00:00:00+08:00"}, headers=boss
    )
    assert back.status == 409


async def test_kiosk_progress_queries_are_limited_per_device_not_per_address(
    client: TestClient,
) -> None:
    for _ in range(12):
        resp = await client.get("/api/progress?case_no=209901010001&phone4=1111", headers=KIOSK)
        assert resp.status == 404
    # The same address without the kiosk's token is a stranger, with its own smaller limit.
    for _ in range(10):
        await client.get("/api/progress?case_no=209901010001&phone4=1111")
    assert (await client.get("/api/progress?case_no=209901010001&phone4=1111")).status == 429
    assert (await client.get("/api/progress?case_no=1&phone4=1", headers=KIOSK)).status == 404
