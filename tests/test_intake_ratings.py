"""Who may rate which ticket: the kiosk by the ticket's opaque id only, the evaluator only
the ticket its own window served last. Through the real app with a real SQLite file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config, DeviceConfig
from queue_server.http.app import create_app
from tests.api_helpers import KIOSK, act, add_staff, error_code, issue, login

EVALUATOR_5 = {"Authorization": "Bearer demo-evaluator-token"}  # config.toml: window 5
UNBOUND = {"Authorization": "Bearer unbound-evaluator-token"}


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1001", "clerk"), ("1005", "clerk"))
    loose = DeviceConfig(name="evaluator-x", role="evaluator", token="unbound-evaluator-token")
    config = dataclasses.replace(config, devices=(*config.devices, loose))
    return await aiohttp_client(create_app(config, db_path))


async def _serve(client: TestClient, clerk: dict[str, str], window: int) -> dict[str, Any]:
    """Issue a ticket, serve it at `window`, and return it as the kiosk issued it."""
    ticket = await issue(client, "A")
    called = await act(client, clerk, window, "call-next")
    assert called is not None and called["id"] == ticket["id"]
    await act(client, clerk, window, "finish")
    return ticket


async def _rate(client: TestClient, headers: dict[str, str], **body: Any) -> tuple[int, str]:
    resp = await client.post("/api/ratings", json={"score": 1, **body}, headers=headers)
    return resp.status, "" if resp.status == 201 else await error_code(resp)


async def test_the_kiosk_rates_by_the_tickets_id_never_by_its_number(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    served = await _serve(client, clerk, 5)
    assert served["number"] == "A001"
    assert await _rate(client, KIOSK, ticket="A001") == (422, "rating_by_number")
    assert await _rate(client, KIOSK, ticket="a001") == (422, "rating_by_number")
    assert await _rate(client, KIOSK, ticket="no-such-ticket-id") == (404, "unknown_ticket")
    # The visitor, with the id from the ticket's QR code, still has their say.
    assert await _rate(client, KIOSK, ticket=served["id"], score=5) == (201, "")
    assert await _rate(client, KIOSK, ticket=served["id"]) == (409, "already_rated")
    assert await _rate(client, KIOSK) == (422, "rating_needs_ticket")


async def test_the_evaluator_rates_only_the_ticket_its_window_served_last(
    client: TestClient,
) -> None:
    clerk5, clerk6 = await login(client, "1005", 5), await login(client, "1001", 6)
    earlier = await _serve(client, clerk5, 5)
    other_window = await _serve(client, clerk6, 6)
    last = await _serve(client, clerk5, 5)
    in_hand = await issue(client, "A")
    await act(client, clerk5, 5, "call-next")

    assert await _rate(client, EVALUATOR_5, ticket=other_window["id"]) == (409, "not_last_served")
    assert await _rate(client, EVALUATOR_5, ticket=earlier["id"]) == (409, "not_last_served")
    assert await _rate(client, EVALUATOR_5, ticket=in_hand["id"]) == (409, "ticket_not_served")
    assert await _rate(client, EVALUATOR_5, ticket=last["number"]) == (422, "rating_by_number")
    assert await _rate(client, EVALUATOR_5, ticket=last["id"], score=4) == (201, "")
    # The ones it may not rate are still the kiosk's to rate, by their visitors.
    assert await _rate(client, KIOSK, ticket=earlier["id"]) == (201, "")
    assert await _rate(client, KIOSK, ticket=other_window["id"]) == (201, "")


async def test_the_evaluator_without_a_ticket_rates_its_windows_last_one(
    client: TestClient,
) -> None:
    clerk5 = await login(client, "1005", 5)
    assert await _rate(client, EVALUATOR_5) == (409, "nothing_to_rate")
    await _serve(client, clerk5, 5)
    resp = await client.post("/api/ratings", json={"score": 3}, headers=EVALUATOR_5)
    assert resp.status == 201 and (await resp.json())["ticket_number"] == "A001"


async def test_an_evaluator_bound_to_no_window_rates_nothing(client: TestClient) -> None:
    clerk5 = await login(client, "1005", 5)
    served = await _serve(client, clerk5, 5)
    assert await _rate(client, UNBOUND, ticket=served["id"]) == (403, "evaluator_unbound")
    assert await _rate(client, UNBOUND) == (403, "evaluator_unbound")
    page = await client.get("/rate/window/5?token=unbound-evaluator-token")
    assert page.status == 403 and "没有绑定窗口" in await page.text()


async def test_the_openapi_document_says_a_rating_names_the_ticket_by_its_id(
    client: TestClient,
) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    ticket = doc["components"]["schemas"]["RatingRequest"]["properties"]["ticket"]
    described = " ".join(str(part.get("description", "")) for part in ticket.get("anyOf", [ticket]))
    assert "opaque id" in described and "not its number" in described
    answers = doc["paths"]["/api/ratings"]["post"]["responses"]
    assert {"201", "403", "404", "409", "422"} <= set(answers)
