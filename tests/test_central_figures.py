"""The centre's live figures follow the streams, each event projected once, in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient

from central.app import create_central_app
from tests.district_helpers import (
    SUPERVISOR,
    TZ,
    batch,
    called,
    case_accepted,
    district,
    hall_auth,
    issued,
    window_opened,
)


@pytest.fixture
async def centre(aiohttp_client: Any, pg_dsn: str) -> AsyncIterator[TestClient]:
    yield await aiohttp_client(create_central_app(district(pg_dsn)))


async def deliver(centre: TestClient, hall: str, *events: dict[str, Any], head: int = 0) -> int:
    resp = await centre.post(
        f"/api/halls/{hall}/events", json=batch(*events, head=head), headers=hall_auth(hall)
    )
    assert resp.status == 200, await resp.text()
    acked: int = (await resp.json())["acked"]
    return acked


async def figures(centre: TestClient) -> dict[str, dict[str, Any]]:
    resp = await centre.get("/api/halls", headers=SUPERVISOR)
    assert resp.status == 200, await resp.text()
    return {h["code"]: h for h in (await resp.json())["halls"]}


async def test_halls_show_windows_serving_waiting_and_tickets_today(centre: TestClient) -> None:
    await deliver(centre, "HZ", issued(1, "A001"), issued(2, "A002"), issued(3, "B001"))
    await deliver(centre, "HZ", window_opened(4, 3), called(5, "A001", 3), head=9)
    hz = (await figures(centre))["HZ"]
    assert (hz["open_windows"], hz["serving"], hz["waiting_total"]) == (1, 1, 2)
    assert [(w["service"], w["waiting"]) for w in hz["waiting"]] == [("A", 1), ("B", 1)]
    assert (hz["tickets_today"], hz["acked_seq"], hz["head_seq"], hz["lag_events"]) == (3, 5, 9, 4)
    assert hz["online"] is True and hz["last_event_at"] is not None
    resp = await centre.get("/api/halls/HZ", headers=SUPERVISOR)
    detail = await resp.json()
    assert [(w["number"], w["state"], w["serving"]) for w in detail["windows"]] == [
        (3, "open", "A001")
    ]


async def test_hall_never_heard_from_is_offline_with_nothing(centre: TestClient) -> None:
    jn = (await figures(centre))["JN"]
    assert jn["online"] is False and jn["tickets_today"] == 0 and jn["last_contact_at"] is None


async def test_events_past_a_gap_count_once_the_gap_is_filled(centre: TestClient) -> None:
    await deliver(centre, "HZ", issued(1, "A001"))
    assert await deliver(centre, "HZ", issued(3, "A003"), window_opened(4, 3)) == 1
    hz = (await figures(centre))["HZ"]
    assert (hz["tickets_today"], hz["open_windows"]) == (1, 0)  # not counted past the gap
    assert await deliver(centre, "HZ", issued(2, "A002")) == 4
    assert await deliver(centre, "HZ", issued(2, "A002"), issued(3, "A003")) == 4
    hz = (await figures(centre))["HZ"]
    assert (hz["tickets_today"], hz["open_windows"], hz["waiting_total"]) == (3, 1, 3)


async def test_cases_today_count_only_todays_acceptances(centre: TestClient) -> None:
    yesterday = dt.datetime.now(TZ) - dt.timedelta(days=1)
    await deliver(centre, "HZ", case_accepted(1, "HZ-001", yesterday), case_accepted(2, "HZ-002"))
    assert (await figures(centre))["HZ"]["cases_today"] == 1


async def test_longest_wait_is_the_oldest_waiting_ticket(centre: TestClient) -> None:
    long_ago = dt.datetime.now(TZ) - dt.timedelta(minutes=20)
    old = issued(1, "A001")
    old["ticket"]["issued_at"] = long_ago.isoformat()
    await deliver(centre, "HZ", old, issued(2, "B001"))
    hz = (await figures(centre))["HZ"]
    assert 20 * 60 <= hz["longest_wait_s"] < 21 * 60
    assert [w["longest_wait_s"] < 60 for w in hz["waiting"]] == [False, True]


async def test_hall_silent_past_the_offline_limit_shows_offline(
    centre: TestClient, pg_dsn: str
) -> None:
    await deliver(centre, "HZ", issued(1, "A001"))
    assert (await figures(centre))["HZ"]["online"] is True
    with psycopg.connect(pg_dsn) as conn:  # as if its last contact were two minutes ago
        conn.execute("UPDATE halls SET last_contact_at = now() - interval '2 minutes'")
    assert (await figures(centre))["HZ"]["online"] is False
