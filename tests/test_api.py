"""The HTTP API against the real app on loopback: the contract and every refusal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, KIOSK, PIN, act, add_staff, error_code, issue, login


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(
        db_path,
        ("1005", "clerk"),
        ("1006", "clerk"),
        ("1001", "clerk"),
        ("2001", "guide"),
        ("9001", "supervisor"),
    )
    return await aiohttp_client(create_app(config, db_path))


# --- issuing and looking up ------------------------------------------------------------


async def test_kiosk_issues_a_ticket_with_the_contract_fields(client: TestClient) -> None:
    first = await issue(client, "A")
    second = await issue(client, "A")
    assert first["number"] == "A001" and second["number"] == "A002"
    for field in (
        "id",
        "number",
        "service",
        "kind",
        "state",
        "people_ahead",
        "estimated_wait_s",
        "issued_at",
    ):
        assert field in second
    assert second["state"] == "waiting" and second["kind"] == "normal"
    assert second["people_ahead"] == 1 and second["channel"] == "kiosk"
    assert first["id"] != second["id"] and len(first["id"]) >= 16


async def test_repeated_idempotency_key_returns_the_same_ticket(client: TestClient) -> None:
    headers = {**KIOSK, "Idempotency-Key": "tap-42"}
    one = await client.post("/api/tickets", json={"service": "B"}, headers=headers)
    two = await client.post("/api/tickets", json={"service": "B"}, headers=headers)
    assert (one.status, two.status) == (201, 200)
    assert (await one.json())["id"] == (await two.json())["id"]
    other = await issue(client, "B")
    assert other["number"] == "B002"


async def test_public_status_by_id_but_never_by_number(client: TestClient) -> None:
    ticket = await issue(client)
    resp = await client.get(f"/api/tickets/{ticket['id']}")
    assert resp.status == 200
    assert (await resp.json())["number"] == ticket["number"]
    resp = await client.get(f"/api/tickets/{ticket['number']}")
    assert resp.status == 404 and await error_code(resp) == "unknown_ticket"


async def test_staff_look_a_number_up(client: TestClient) -> None:
    await issue(client)
    guide = await login(client, "2001", 4)
    resp = await client.get("/api/tickets?number=a001", headers=guide)
    assert [t["number"] for t in (await resp.json())["tickets"]] == ["A001"]
    resp = await client.get("/api/tickets?number=A001", headers=KIOSK)
    assert resp.status == 403


# --- a clerk's day ---------------------------------------------------------------------


async def test_login_call_serve_finish_and_the_state_snapshot(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    ticket = await issue(client, "A")
    called = await act(client, clerk, 5, "call-next")
    assert called and called["number"] == ticket["number"] and called["window"] == 5
    assert called["state"] == "called" and called["call_count"] == 1
    recalled = await act(client, clerk, 5, "recall")
    assert recalled and recalled["call_count"] == 2
    assert (await act(client, clerk, 5, "start"))["state"] == "serving"  # type: ignore[index]
    state = await (await client.get("/api/state", headers=DISPLAY)).json()
    window5 = next(w for w in state["windows"] if w["number"] == 5)
    assert window5["state"] == "open" and window5["current"]["number"] == ticket["number"]
    assert [c["number"] for c in state["recent_calls"]] == ["A001", "A001"]
    assert (await act(client, clerk, 5, "finish"))["state"] == "done"  # type: ignore[index]
    await act(client, clerk, 5, "call-next", status=204)


async def test_no_show_only_after_the_configured_recalls(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    await issue(client)
    await act(client, clerk, 5, "call-next")
    resp = await client.post("/api/windows/5/no-show", headers=clerk)
    assert resp.status == 409 and await error_code(resp) == "recalls_left"
    await act(client, clerk, 5, "recall")
    await act(client, clerk, 5, "recall")
    assert (await act(client, clerk, 5, "no-show"))["state"] == "no_show"  # type: ignore[index]


async def test_transfer_and_call_a_chosen_number(client: TestClient) -> None:
    clerk5 = await login(client, "1005", 5)
    clerk13 = await login(client, "1006", 13)
    first = await issue(client, "A")
    await issue(client, "B")
    await act(client, clerk5, 5, "call", {"ticket": first["number"]})
    moved = await act(client, clerk5, 5, "transfer", {"service": "B"})
    assert moved and (moved["number"], moved["service"], moved["state"]) == ("A001", "B", "waiting")
    assert (await act(client, clerk13, 13, "call-next"))["number"] == "A001"  # type: ignore[index]


async def test_pause_and_resume_answer_the_window(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    paused = await act(client, clerk, 5, "pause", {"reason": "午休"})
    assert paused and paused["state"] == "paused" and paused["pause_reason"] == "午休"
    await issue(client)
    resp = await client.post("/api/windows/5/call-next", headers=clerk)
    assert resp.status == 409 and await error_code(resp) == "window_not_open"
    assert (await act(client, clerk, 5, "resume"))["state"] == "open"  # type: ignore[index]


async def test_consultation_issues_a_special_ticket_called_first(client: TestClient) -> None:
    consult = await login(client, "1001", 1)
    accept = await login(client, "1005", 5)
    await issue(client, "A")
    d = await issue(client, "D")
    await act(client, consult, 1, "call-next")
    resp = await client.post("/api/special-tickets", json={"from_ticket": d["id"]}, headers=consult)
    assert resp.status == 201
    special = await resp.json()
    assert (
        special["number"] == "T001" and special["kind"] == "special" and special["service"] == "D"
    )
    assert (await act(client, accept, 5, "call-next"))["number"] == "T001"  # type: ignore[index]
    original = await (await client.get(f"/api/tickets/{d['id']}")).json()
    assert (original["state"], original["outcome"]) == ("done", "referred")


async def test_acceptance_clerk_may_not_issue_special_tickets(client: TestClient) -> None:
    accept = await login(client, "1005", 5)
    d = await issue(client, "D")
    resp = await client.post("/api/special-tickets", json={"from_ticket": d["id"]}, headers=accept)
    assert resp.status == 403


async def test_supervisor_cancels_and_reassigns(client: TestClient) -> None:
    boss = await login(client, "9001", None)
    a = await issue(client, "A")
    b = await issue(client, "A")
    resp = await client.post(f"/api/tickets/{a['id']}/cancel", headers=boss)
    assert (await resp.json())["state"] == "cancelled"
    resp = await client.post(
        f"/api/tickets/{b['number']}/reassign", json={"window": 6}, headers=boss
    )
    assert (await resp.json())["target_window"] == 6
    resp = await client.post(f"/api/tickets/{a['id']}/cancel", headers=boss)
    assert resp.status == 409 and await error_code(resp) == "ticket_closed"


async def test_logout_closes_the_window_and_ends_the_token(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    assert (await client.post("/api/logout", headers=clerk)).status == 204
    state = await (await client.get("/api/state", headers=DISPLAY)).json()
    assert next(w for w in state["windows"] if w["number"] == 5)["state"] == "closed"
    assert (await client.post("/api/windows/5/call-next", headers=clerk)).status == 401


# --- every refusal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"service": "A"', 400, "bad_json"),
        (b"not json", 400, "bad_json"),
        (b'{"service": 5}', 422, "invalid_body"),
        (b'{"service": "A", "extra": 1}', 422, "invalid_body"),
        (b'{"service": "Q"}', 422, "unknown_service"),
        (b'{"service": "A", "kind": "vip"}', 422, "invalid_body"),
        (b"[]", 422, "invalid_body"),
    ],
)
async def test_bad_bodies_are_refused_clearly(
    client: TestClient, body: bytes, status: int, code: str
) -> None:
    resp = await client.post("/api/tickets", data=body, headers=KIOSK)
    assert resp.status == status
    assert await error_code(resp) == code


async def test_body_over_64_kib_is_413(client: TestClient) -> None:
    resp = await client.post("/api/tickets", data=b"x" * (65 * 1024), headers=KIOSK)
    assert resp.status == 413 and await error_code(resp) == "body_too_large"


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope-nope-nope"}, {"Authorization": "Basic abc"}]
)
async def test_missing_or_bad_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    resp = await client.post("/api/tickets", json={"service": "A"}, headers=headers)
    assert resp.status == 401 and await error_code(resp) == "unauthorized"


async def test_wrong_role_or_wrong_window_is_403(client: TestClient) -> None:
    resp = await client.post("/api/tickets", json={"service": "A"}, headers=DISPLAY)
    assert resp.status == 403
    resp = await client.post(
        "/api/tickets", json={"service": "A", "kind": "special"}, headers=KIOSK
    )
    assert resp.status == 403
    clerk = await login(client, "1005", 5)
    resp = await client.post("/api/windows/6/call-next", headers=clerk)
    assert resp.status == 403 and await error_code(resp) == "wrong_window"
    resp = await client.post("/api/windows/5/call-next", headers=KIOSK)
    assert resp.status == 403


async def test_unknown_window_or_ticket_is_404(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    for path in ("/api/windows/99/call-next", "/api/windows/x/call-next"):
        resp = await client.post(path, headers=clerk)
        assert resp.status == 404 and await error_code(resp) == "unknown_window"
    resp = await client.post("/api/windows/5/call", json={"ticket": "A999"}, headers=clerk)
    assert resp.status == 404 and await error_code(resp) == "unknown_ticket"
    resp = await client.get("/api/nowhere")
    assert resp.status == 404 and await error_code(resp) == "not_found"


async def test_forbidden_moves_are_409(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    resp = await client.post("/api/windows/5/finish", headers=clerk)
    assert resp.status == 409 and await error_code(resp) == "no_ticket_in_hand"


async def test_login_refusals(client: TestClient) -> None:
    async def attempt(body: dict[str, Any]) -> tuple[int, str]:
        resp = await client.post("/api/login", json=body)
        return resp.status, await error_code(resp)

    assert await attempt({"staff_id": "nobody", "pin": PIN, "window": 5}) == (
        401,
        "bad_credentials",
    )
    assert await attempt({"staff_id": "1005", "pin": PIN, "window": 99}) == (404, "unknown_window")
    assert await attempt({"staff_id": "1005", "pin": PIN}) == (422, "window_required")
    await login(client, "1005", 5)
    assert await attempt({"staff_id": "1006", "pin": PIN, "window": 5}) == (409, "window_taken")


async def test_five_wrong_pins_lock_the_staff_id(client: TestClient) -> None:
    wrong = {"staff_id": "1006", "pin": "9999", "window": 6}
    statuses = [(await client.post("/api/login", json=wrong)).status for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 401, 429]
    resp = await client.post("/api/login", json={**wrong, "pin": PIN})
    assert resp.status == 429 and await error_code(resp) == "account_locked"
    assert int(resp.headers["Retry-After"]) > 0


async def test_errors_speak_the_callers_language(client: TestClient) -> None:
    zh = await client.post("/api/tickets", json={"service": "Q"}, headers=KIOSK)
    en = await client.post(
        "/api/tickets", json={"service": "Q"}, headers={**KIOSK, "Accept-Language": "en-US,en"}
    )
    assert "没有业务" in (await zh.json())["error"]["message"]
    assert "There is no service" in (await en.json())["error"]["message"]


async def test_openapi_documents_every_route_the_server_has(client: TestClient) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in client.app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith(("/api", "/t", "/display", "/rate", "/progress"))
        and route.method != "HEAD"
    }
    documented = {(m, path) for path, ops in doc["paths"].items() for m in ops}
    assert served == documented
    issue_op = doc["paths"]["/api/tickets"]["post"]
    assert {"201", "400", "401", "403", "413", "422"} <= set(issue_op["responses"])
    schema_ref = issue_op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/IssueTicketRequest")
    assert "TicketCalled" in doc["components"]["schemas"]


async def test_yesterdays_calls_leave_the_screens_at_the_rollover(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    add_staff(db_path, ("1005", "clerk"), ("9001", "supervisor"))
    client = await aiohttp_client(create_app(config, db_path, sim_clock=True))
    clerk = await login(client, "1005", 5)
    boss = await login(client, "9001", None)
    await issue(client)
    await act(client, clerk, 5, "call-next")
    state = await (await client.get("/api/state", headers=DISPLAY)).json()
    assert [c["number"] for c in state["recent_calls"]] == ["A001"]
    tomorrow = dt.datetime.fromisoformat(state["at"]) + dt.timedelta(days=1)
    resp = await client.post("/api/sim/clock", json={"now": tomorrow.isoformat()}, headers=boss)
    assert resp.status == 200
    state = await (await client.get("/api/state", headers=DISPLAY)).json()
    assert state["recent_calls"] == [] and state["business_day"] == tomorrow.date().isoformat()


async def test_a_simulated_day_already_on_disk_continues_its_numbering(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    add_staff(db_path, ("9001", "supervisor"))
    future = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for expected in (["A001", "A002"], ["A003"]):
        # A second server on the same file starts on today's real date, then is set forward.
        client = await aiohttp_client(create_app(config, db_path, sim_clock=True))
        boss = await login(client, "9001", None)
        resp = await client.post("/api/sim/clock", json={"now": future.isoformat()}, headers=boss)
        assert resp.status == 200
        numbers = [(await issue(client))["number"] for _ in expected]
        assert numbers == expected
        await client.close()
        future += dt.timedelta(hours=1)
