"""A real server process under concurrency and kill -9: nothing duplicated, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections import Counter
from pathlib import Path

import aiohttp

from tests.hallserver import HallServer

KIOSK = {"Authorization": "Bearer demo-kiosk-token"}


def _seq(number: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", number))


async def _issue_many(url: str, issuers: int, each: int, results: list[dict[str, str]]) -> None:
    async def issuer(session: aiohttp.ClientSession, n: int) -> None:
        for i in range(each):
            headers = {**KIOSK, "Idempotency-Key": f"issuer{n}-{i}"}
            async with session.post(
                f"{url}/api/tickets", json={"service": "A"}, headers=headers
            ) as r:
                if r.status == 201:
                    results.append(await r.json())

    connector = aiohttp.TCPConnector(limit=issuers)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(issuer(session, n) for n in range(issuers)))


async def test_32_concurrent_issuers_never_share_a_number(hall_server: HallServer) -> None:
    results: list[dict[str, str]] = []
    await _issue_many(hall_server.url, 32, 2000, results)
    numbers = [t["number"] for t in results]
    assert len(numbers) == 64_000
    assert len(set(numbers)) == 64_000
    assert sorted(_seq(n) for n in numbers) == list(range(1, 64_001))
    with sqlite3.connect(hall_server.db) as db:
        assert db.execute("SELECT count(DISTINCT number) FROM tickets").fetchone()[0] == 64_000


async def _clerk(
    session: aiohttp.ClientSession, url: str, staff: str, window: int
) -> dict[str, str]:
    body = {"staff_id": staff, "pin": "1234", "window": window}
    async with session.post(f"{url}/api/login", json=body) as r:
        return {"Authorization": f"Bearer {(await r.json())['token']}"}


async def test_two_windows_racing_call_next_never_get_one_ticket(hall_server: HallServer) -> None:
    url = hall_server.url
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            async with session.post(
                f"{url}/api/tickets", json={"service": "A"}, headers=KIOSK
            ) as r:
                assert r.status == 201
        clerks = [await _clerk(session, url, "1005", 5), await _clerk(session, url, "1002", 6)]
        called: dict[int, list[str]] = {5: [], 6: []}

        async def work(window: int, headers: dict[str, str]) -> None:
            while True:
                async with session.post(
                    f"{url}/api/windows/{window}/call-next", headers=headers
                ) as r:
                    if r.status == 204:
                        return
                    assert r.status == 200, await r.text()
                    called[window].append((await r.json())["number"])
                async with session.post(f"{url}/api/windows/{window}/finish", headers=headers) as r:
                    assert r.status == 200

        await asyncio.gather(work(5, clerks[0]), work(6, clerks[1]))
    everything = called[5] + called[6]
    assert len(everything) == 200 and len(set(everything)) == 200
    assert called[5] and called[6], "both windows took part in the race"
    with sqlite3.connect(hall_server.db) as db:
        per_ticket = Counter(
            n for (n,) in db.execute("SELECT number FROM events WHERE type = 'ticket.called'")
        )
    assert set(per_ticket.values()) == {1}


async def test_kill_9_while_issuing_loses_no_answered_ticket(db_path: Path) -> None:
    server = HallServer(db_path)
    server.add_staff([("1005", "clerk")])
    server.start()
    answered: list[dict[str, str]] = []
    load = asyncio.create_task(_issue_many(server.url, 16, 10_000, answered))
    while len(answered) < 1500:
        await asyncio.sleep(0.01)
    server.kill()  # SIGKILL: no shutdown code runs
    with contextlib.suppress(aiohttp.ClientError, OSError):
        await asyncio.wait_for(load, 10)
    assert len(answered) >= 1500
    server.start()
    try:
        async with aiohttp.ClientSession() as session:
            for ticket in answered:
                async with session.get(f"{server.url}/api/tickets/{ticket['id']}") as r:
                    assert r.status == 200, ticket
                    assert (await r.json())["number"] == ticket["number"]
            async with session.post(
                f"{server.url}/api/tickets", json={"service": "A"}, headers=KIOSK
            ) as r:
                after = await r.json()
        highest = max(_seq(t["number"]) for t in answered)
        assert _seq(after["number"]) > highest, "numbering continues after the crash"
        with sqlite3.connect(db_path) as db:
            numbers = [n for (n,) in db.execute("SELECT number FROM tickets")]
        assert len(numbers) == len(set(numbers))
    finally:
        server.stop()
