"""Exactly once at the centre when the hall or the centre is killed (-9) mid-stream."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest

from tests.api_helpers import KIOSK, PIN
from tests.centralserver import CentralServer, write_district, write_hall_config
from tests.district_helpers import SUPERVISOR
from tests.hallserver import HallServer, free_port

TICKETS = 200  # ten batches of 20


@pytest.fixture
def centre(tmp_path: Path, pg_dsn: str) -> Iterator[CentralServer]:
    port = free_port()
    server = CentralServer(write_district(tmp_path, pg_dsn, port), port=port).start()
    yield server
    server.stop()


@pytest.fixture
def hall(tmp_path: Path, centre: CentralServer) -> Iterator[HallServer]:
    server = HallServer(tmp_path / "hall.sqlite", config=write_hall_config(tmp_path, centre.port))
    server.add_staff()
    server.start()
    yield server
    server.stop()


async def issue_many(session: aiohttp.ClientSession, hall: HallServer, n: int) -> None:
    for _ in range(n):
        async with session.post(
            f"{hall.url}/api/tickets", json={"service": "A"}, headers=KIOSK
        ) as resp:
            assert resp.status == 201, await resp.text()


_tokens: dict[str, str] = {}


async def uplink(session: aiohttp.ClientSession, hall: HallServer) -> dict[str, Any]:
    if hall.url not in _tokens:  # a supervisor's session outlives a restart of the hall
        async with session.post(
            f"{hall.url}/api/login", json={"staff_id": "9001", "pin": PIN, "window": None}
        ) as resp:
            _tokens[hall.url] = (await resp.json())["token"]
    async with session.get(
        f"{hall.url}/api/uplink", headers={"Authorization": f"Bearer {_tokens[hall.url]}"}
    ) as resp:
        result: dict[str, Any] = await resp.json()
        return result


async def wait_for(session: aiohttp.ClientSession, hall: HallServer, mid: bool) -> None:
    """Until the uplink is part-way (some acked, some not) or, with mid=False, done."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while True:
        s = await uplink(session, hall)
        if mid and 0 < s["acked_seq"] < s["last_seq"]:
            return
        if not mid and s["last_seq"] > 0 and s["acked_seq"] == s["last_seq"]:
            return
        assert loop.time() < deadline, f"uplink stuck: {s}"
        await asyncio.sleep(0.02)


def check_exactly_once(dsn: str, last_seq: int) -> None:
    with psycopg.connect(dsn) as conn:
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE hall = 'HZ' ORDER BY seq")]
        tickets = conn.execute("SELECT count(*) FROM hall_tickets WHERE hall = 'HZ'").fetchone()
        acked = conn.execute("SELECT acked_seq FROM halls WHERE code = 'HZ'").fetchone()
    assert seqs == list(range(1, last_seq + 1))
    assert tickets == (TICKETS,) and acked == (last_seq,)


async def figures(session: aiohttp.ClientSession, centre: CentralServer) -> dict[str, Any]:
    async with session.get(f"{centre.url}/api/halls/HZ", headers=SUPERVISOR) as resp:
        result: dict[str, Any] = (await resp.json())["hall"]
        return result


async def test_centre_killed_mid_stream_keeps_every_event_once(
    centre: CentralServer, hall: HallServer, pg_dsn: str
) -> None:
    # No keep-alive: a connection to a killed server must not be reused.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        centre.kill()  # let a backlog build, so the kill below falls mid-stream
        await issue_many(session, hall, TICKETS)
        centre.start()
        await wait_for(session, hall, mid=True)
        centre.kill()
        centre.start()
        await wait_for(session, hall, mid=False)
        last = (await uplink(session, hall))["last_seq"]
        check_exactly_once(pg_dsn, last)
        assert (await figures(session, centre))["tickets_today"] == TICKETS


async def test_hall_killed_mid_stream_resends_and_the_centre_keeps_each_event_once(
    centre: CentralServer, hall: HallServer, pg_dsn: str
) -> None:
    # No keep-alive: a connection to a killed server must not be reused.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        centre.kill()
        await issue_many(session, hall, TICKETS)
        centre.start()
        await wait_for(session, hall, mid=True)
        hall.kill()
        hall.start()
        await wait_for(session, hall, mid=False)
        last = (await uplink(session, hall))["last_seq"]
        check_exactly_once(pg_dsn, last)
        assert (await figures(session, centre))["tickets_today"] == TICKETS
