"""The centre's ingest: once by (hall, seq), in order, only a hall's own stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient

from central.app import create_central_app
from tests.api_helpers import error_code
from tests.district_helpers import SUPERVISOR, batch, district, hall_auth, issued


@pytest.fixture
async def centre(aiohttp_client: Any, pg_dsn: str) -> AsyncIterator[TestClient]:
    yield await aiohttp_client(create_central_app(district(pg_dsn)))


def stored(dsn: str, hall: str) -> list[int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT seq FROM events WHERE hall = %s ORDER BY seq", (hall,))
        return [r[0] for r in rows]


async def post(centre: TestClient, hall: str, body: Any, auth: str | None = None) -> Any:
    return await centre.post(
        f"/api/halls/{hall}/events", json=body, headers=hall_auth(auth or hall)
    )


async def test_batch_is_stored_and_acked(centre: TestClient, pg_dsn: str) -> None:
    resp = await post(centre, "HZ", batch(*(issued(s, f"A{s:03}") for s in range(1, 6))))
    assert resp.status == 200, await resp.text()
    assert await resp.json() == {"acked": 5}
    assert stored(pg_dsn, "HZ") == [1, 2, 3, 4, 5]


async def test_same_batch_sent_twice_at_once_is_stored_once(
    centre: TestClient, pg_dsn: str
) -> None:
    body = batch(*(issued(s, f"A{s:03}") for s in range(1, 51)))
    first, second = await asyncio.gather(post(centre, "HZ", body), post(centre, "HZ", body))
    assert [first.status, second.status] == [200, 200]
    assert await first.json() == await second.json() == {"acked": 50}
    again = await post(centre, "HZ", body)
    assert await again.json() == {"acked": 50}
    assert stored(pg_dsn, "HZ") == list(range(1, 51))


async def test_gap_is_never_acked_past_until_filled(centre: TestClient, pg_dsn: str) -> None:
    await post(centre, "HZ", batch(issued(1, "A001"), issued(2, "A002")))
    resp = await post(centre, "HZ", batch(issued(4, "A004"), issued(5, "A005")))
    assert await resp.json() == {"acked": 2}  # 3 is missing: kept past it, not acked
    assert stored(pg_dsn, "HZ") == [1, 2, 4, 5]
    resp = await post(centre, "HZ", batch(issued(3, "A003")))
    assert await resp.json() == {"acked": 5}


async def test_token_of_another_hall_cannot_write_its_stream(
    centre: TestClient, pg_dsn: str
) -> None:
    resp = await post(centre, "HZ", batch(issued(1, "A001")), auth="JN")
    assert resp.status == 403
    assert await error_code(resp) == "wrong_hall"
    resp = await centre.post("/api/halls/HZ/events", json=batch(), headers=SUPERVISOR)
    assert resp.status == 403
    resp = await centre.post("/api/halls/HZ/events", json=batch(issued(1, "A001")))
    assert resp.status == 401
    assert stored(pg_dsn, "HZ") == []


async def test_streams_of_two_halls_are_kept_apart(centre: TestClient, pg_dsn: str) -> None:
    await post(centre, "HZ", batch(issued(1, "A001"), issued(2, "A002")))
    resp = await post(centre, "JN", batch(issued(1, "A001")))
    assert await resp.json() == {"acked": 1}
    assert stored(pg_dsn, "JN") == [1]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (batch(issued(2, "A002"), issued(1, "A001")), 422, "batch_out_of_order"),
        (batch(issued(1, "A001"), issued(1, "A001")), 422, "batch_out_of_order"),
        ({"events": [{"seq": 1, "type": "ticket.issued", "at": "x"}]}, 422, "invalid_body"),
        ({"events": [{"seq": 1, "type": "applicant.added", "name": "张三"}]}, 422, "invalid_body"),
        ({"events": [], "extra": 1}, 422, "invalid_body"),
    ],
)
async def test_what_does_not_decode_is_refused_whole(
    centre: TestClient, pg_dsn: str, body: Any, status: int, code: str
) -> None:
    resp = await post(centre, "HZ", body)
    assert resp.status == status
    assert await error_code(resp) == code
    assert stored(pg_dsn, "HZ") == []


async def test_fields_outside_the_event_shapes_are_never_stored(
    centre: TestClient, pg_dsn: str
) -> None:
    nested = issued(1, "A001")
    nested["ticket"]["phone"] = "13800138000"
    resp = await post(centre, "HZ", batch(nested))
    assert resp.status == 422  # a ticket's shape admits no extra field at all
    event = issued(1, "A001")
    event["applicant_name"] = "张三"
    resp = await post(centre, "HZ", batch(event))
    assert await resp.json() == {"acked": 1}
    with psycopg.connect(pg_dsn) as conn:
        (body,) = conn.execute("SELECT body::text FROM events").fetchone() or ("",)
    assert "张三" not in body and "applicant_name" not in body and "A001" in body


async def test_bad_json_and_unknown_hall_answer_in_the_error_shape(centre: TestClient) -> None:
    resp = await centre.post("/api/halls/HZ/events", data=b"{", headers=hall_auth("HZ"))
    assert resp.status == 400 and await error_code(resp) == "bad_json"
    resp = await centre.get("/api/halls/NOPE", headers=SUPERVISOR)
    assert resp.status == 404 and await error_code(resp) == "unknown_hall"
    resp = await centre.get("/api/halls/HZ", headers={**SUPERVISOR, "Accept-Language": "en"})
    assert resp.status == 200
    resp = await centre.get("/api/halls", headers={"Accept-Language": "en"})
    assert resp.status == 401
    assert (await resp.json())["error"]["message"].startswith("Missing or unknown token")


async def test_openapi_document_lists_the_centre_routes(centre: TestClient) -> None:
    resp = await centre.get("/api/openapi.json")
    doc = await resp.json()
    assert {"/api/halls", "/api/halls/{code}", "/api/halls/{code}/events"} <= set(doc["paths"])
    assert "EventBatch" in doc["components"]["schemas"]
