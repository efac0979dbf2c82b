"""Sign-in limits under concurrent guessing, and refusals that say nothing about an id."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server import auth
from queue_server.http.app import create_app
from queue_server.store import staff as staff_store
from tests.api_helpers import PIN, add_staff, error_code


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"), ("1006", "clerk"))
    return await aiohttp_client(create_app(config, db_path))


async def _attempt(session: Any, url: str, staff_id: str, pin: str, window: int) -> int:
    body = {"staff_id": staff_id, "pin": pin, "window": window}
    async with session.post(url, json=body) as resp:
        await resp.read()
        return int(resp.status)


async def test_parallel_wrong_pins_check_at_most_the_limit(client: TestClient) -> None:
    url = str(client.make_url("/api/login"))
    async with aiohttp.ClientSession() as attacker:
        guesses = [_attempt(attacker, url, "1005", f"{n:04d}", 5) for n in range(2000, 2200)]
        statuses = await asyncio.gather(*guesses)
    assert 200 not in statuses
    # A 401 is a PIN that was checked; the rest were refused before any check.
    assert statuses.count(401) <= auth.MAX_WRONG_PINS
    assert statuses.count(401) + statuses.count(429) == len(statuses)
    # The clerk at another address is not kept out by the guessing address.
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
    async with aiohttp.ClientSession(connector=connector) as clerk:
        assert await _attempt(clerk, url, "1005", PIN, 5) == 200


async def test_refusals_look_alike_and_each_costs_one_hash(
    client: TestClient, db_path: Path
) -> None:
    from queue_server.store.storage import Storage

    storage = Storage(db_path)
    storage.open()
    storage.write_now(lambda c: staff_store.set_disabled(c, "1006"))
    storage.close()

    async def refusal(staff_id: str, pin: str) -> tuple[int, str, int]:
        before = auth.pin_checks
        resp = await client.post("/api/login", json={"staff_id": staff_id, "pin": pin, "window": 6})
        return resp.status, await error_code(resp), auth.pin_checks - before

    assert await refusal("nobody", PIN) == (401, "bad_credentials", 1)
    assert await refusal("1006", PIN) == (401, "bad_credentials", 1)
    assert await refusal("1005", "9999") == (401, "bad_credentials", 1)
    # After the limit a known id and an unknown id lock alike, still at one hash each.
    for staff_id in ("1005", "nobody"):
        while (await refusal(staff_id, "9999"))[0] == 401:
            pass
        assert await refusal(staff_id, "9999") == (429, "account_locked", 1)
