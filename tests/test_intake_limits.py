"""The progress query's limit on wrong pairs holds under many requests at once.

Real clients on real TCP connections fire together at a real server process: the
limit must count every guess it lets through, whatever the interleaving.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp

from tests.hallserver import HallServer

KIOSK = {"Authorization": "Bearer demo-kiosk-token"}
LIMIT = 10  # config.toml [cases] progress_attempts
KIOSK_LIMIT = 10 * LIMIT  # api_cases.KIOSK_ALLOWANCE
GUESS = "/api/progress?case_no=209901010001&phone4={:04d}"


async def _fire(url: str, count: int, headers: dict[str, str] | None = None) -> Counter[int]:
    """`count` different wrong guesses, all in flight at the same time."""
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(url, connector=connector, headers=headers) as session:
        start = asyncio.Event()

        async def one(n: int) -> int:
            await start.wait()
            async with session.get(GUESS.format(n)) as resp:
                await resp.read()
                return resp.status

        tasks = [asyncio.create_task(one(n)) for n in range(count)]
        await asyncio.sleep(0)
        start.set()
        return Counter(await asyncio.gather(*tasks))


async def test_parallel_wrong_guesses_from_one_address_stop_at_the_limit(
    hall_server: HallServer,
) -> None:
    statuses = await _fire(hall_server.url, 400)
    assert statuses == {404: LIMIT, 429: 400 - LIMIT}


async def test_parallel_wrong_guesses_from_one_kiosk_stop_at_its_limit(
    hall_server: HallServer,
) -> None:
    statuses = await _fire(hall_server.url, 400, KIOSK)
    assert statuses == {404: KIOSK_LIMIT, 429: 400 - KIOSK_LIMIT}
    # The kiosk's guesses are its own: the address behind it still has all of its tries.
    async with (
        aiohttp.ClientSession(hall_server.url) as stranger,
        stranger.get(GUESS.format(1)) as resp,
    ):
        assert resp.status == 404
