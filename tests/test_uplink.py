"""The hall's uplink against a real centre on loopback with a real PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from central.app import create_central_app
from onewindow.config import Config, UplinkConfig
from queue_server.http.app import create_app
from queue_server.store.storage import Storage, last_seq, uplink_position
from tests.api_helpers import act, add_staff, issue, login
from tests.district_helpers import HALL_TOKENS, SUPERVISOR, district

Factory = Callable[..., Awaitable[Any]]
STAFF = (("1005", "clerk"), ("9001", "supervisor"))


def with_uplink(config: Config, url: str, hall: str = "HZ", token: str = "") -> Config:
    link = UplinkConfig(
        url=url,
        hall=hall,
        token=token or HALL_TOKENS[hall],
        batch=20,
        interval_s=0.02,
        heartbeat_s=0.5,
        retry_max_s=0.2,
        timeout_s=2.0,
    )
    return dataclasses.replace(config, uplink=link)


async def until(check: Callable[[], Awaitable[bool]], what: str, limit: float = 15.0) -> None:
    """Wait for `check` (the uplink works on its own time); fail naming `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not await check():
        assert loop.time() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.05)


def stored(dsn: str, hall: str = "HZ") -> list[int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT seq FROM events WHERE hall = %s ORDER BY seq", (hall,))
        return [r[0] for r in rows]


def hall_log(db_path: Path) -> tuple[int, int]:
    """(last seq of the hall's log, seq the centre acked) as the hall's file holds them."""
    storage = Storage(db_path)
    return storage.read_now(last_seq), storage.read_now(uplink_position)[0]


class District:
    """A real centre (restartable on its port) and a real hall app with an uplink to it."""

    def __init__(self, aiohttp_server: Factory, aiohttp_client: Factory, dsn: str) -> None:
        self.new_server, self.new_client, self.dsn = aiohttp_server, aiohttp_client, dsn
        self.centre: TestServer | None = None
        self.port = 0
        self.session = aiohttp.ClientSession()

    async def start_centre(self) -> None:
        kwargs = {"port": self.port} if self.port else {}
        self.centre = await self.new_server(create_central_app(district(self.dsn)), **kwargs)
        self.port = self.centre.port

    async def stop_centre(self) -> None:
        assert self.centre is not None
        await self.centre.close()

    async def hall(self, config: Config, db_path: Path, **link: str) -> TestClient:
        url = f"http://127.0.0.1:{self.port}"
        client: TestClient = await self.new_client(
            create_app(with_uplink(config, url, **link), db_path)
        )
        return client

    async def figures(self, code: str = "HZ") -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.port}/api/halls/{code}"
        async with self.session.get(url, headers=SUPERVISOR) as resp:
            assert resp.status == 200, await resp.text()
            result: dict[str, Any] = await resp.json()
            return result


@pytest.fixture
async def town(
    pg_dsn: str, aiohttp_server: Factory, aiohttp_client: Factory, db_path: Path
) -> AsyncIterator[District]:
    # pg_dsn first: its database is dropped only after the servers have stopped.
    add_staff(db_path, *STAFF)
    place = District(aiohttp_server, aiohttp_client, pg_dsn)
    await place.start_centre()
    yield place
    await place.session.close()


async def status(hall: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    resp = await hall.get("/api/uplink", headers=headers)
    assert resp.status == 200, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def drained(hall: TestClient, boss: dict[str, str]) -> bool:
    s = await status(hall, boss)
    return s["last_seq"] > 0 and s["backlog"] == 0 and s["acked_seq"] == s["last_seq"]


async def test_tickets_issued_and_called_in_a_hall_show_at_the_centre(
    town: District, config: Config, db_path: Path
) -> None:
    hall = await town.hall(config, db_path)
    boss = await login(hall, "9001", None)
    for _ in range(3):
        await issue(hall, "A")
    clerk = await login(hall, "1005", 5)
    called = await act(hall, clerk, 5, "call-next")
    assert called is not None

    await until(lambda: drained(hall, boss), "the uplink to catch up")
    detail = await town.figures()
    figures = detail["hall"]
    assert (figures["tickets_today"], figures["serving"], figures["open_windows"]) == (3, 1, 1)
    assert {w["service"]: w["waiting"] for w in figures["waiting"]}["A"] == 2
    assert figures["online"] is True and figures["lag_events"] == 0
    window5 = next(w for w in detail["windows"] if w["number"] == 5)
    assert (window5["state"], window5["serving"]) == ("open", called["number"])
    last, acked = hall_log(db_path)
    assert stored(town.dsn) == list(range(1, last + 1)) and acked == last


async def test_hall_goes_on_while_the_centre_is_down_and_the_backlog_drains_after(
    town: District, config: Config, db_path: Path
) -> None:
    hall = await town.hall(config, db_path)
    boss = await login(hall, "9001", None)
    await issue(hall, "A")
    await until(lambda: drained(hall, boss), "the first delivery")
    await town.stop_centre()

    for _ in range(45):  # more than two batches of 20 pile up
        await issue(hall, "A")
    clerk = await login(hall, "1005", 5)
    assert await act(hall, clerk, 5, "call-next") is not None

    async def failing() -> bool:
        s = await status(hall, boss)
        return s["last_error"] is not None and s["backlog"] > 40

    await until(failing, "the uplink to notice the centre is gone")

    await town.start_centre()
    await until(lambda: drained(hall, boss), "the backlog to drain")
    assert (await status(hall, boss))["last_error"] is None
    last, _ = hall_log(db_path)
    assert stored(town.dsn) == list(range(1, last + 1))
    assert (await town.figures())["hall"]["tickets_today"] == 46


async def test_a_restarted_hall_resends_only_what_the_centre_lacks(
    town: District, config: Config, db_path: Path, aiohttp_client: Factory
) -> None:
    hall = await town.hall(config, db_path)
    boss = await login(hall, "9001", None)
    for _ in range(5):
        await issue(hall, "A")
    await until(lambda: drained(hall, boss), "the first run to deliver")
    await hall.close()
    first_last, first_acked = hall_log(db_path)
    assert first_acked == first_last  # the ack is on disk, not only in memory
    with psycopg.connect(town.dsn) as conn:
        conn.execute("CREATE TABLE seen AS SELECT seq, received_at FROM events")

    hall = await town.hall(config, db_path)
    boss = await login(hall, "9001", None)
    await issue(hall, "A")
    await until(lambda: drained(hall, boss), "the second run to deliver")
    with psycopg.connect(town.dsn) as conn:
        resent = conn.execute(
            "SELECT count(*) FROM events e JOIN seen s USING (seq) "
            "WHERE e.received_at <> s.received_at"
        ).fetchone()
    assert resent == (0,)
    last, _ = hall_log(db_path)
    assert stored(town.dsn) == list(range(1, last + 1)) and last > first_last


async def test_a_hall_with_another_halls_token_is_refused_and_keeps_its_events(
    town: District, config: Config, db_path: Path
) -> None:
    hall = await town.hall(config, db_path, token=HALL_TOKENS["JN"])
    boss = await login(hall, "9001", None)
    await issue(hall, "A")

    async def refused() -> bool:
        return "403 wrong_hall" in ((await status(hall, boss))["last_error"] or "")

    await until(refused, "the centre's refusal")
    s = await status(hall, boss)
    assert s["acked_seq"] == 0 and s["backlog"] == s["last_seq"] > 0
    assert stored(town.dsn) == [] and stored(town.dsn, "JN") == []


async def test_uplink_status_is_for_supervisors_and_says_when_there_is_none(
    aiohttp_client: Factory, config: Config, db_path: Path
) -> None:
    add_staff(db_path, *STAFF)
    hall = await aiohttp_client(create_app(config, db_path))
    boss = await login(hall, "9001", None)
    assert (await status(hall, boss))["configured"] is False
    clerk = await login(hall, "1005", 5)
    resp = await hall.get("/api/uplink", headers=clerk)
    assert resp.status == 403
