"""The live monitor with a real hall uplinking to a real centre: websocket and Chromium."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from onewindow import protocol as p
from onewindow.config import Config
from onewindow.protocol import monitor as pm
from tests import test_uplink
from tests.api_helpers import act, issue, login
from tests.district_helpers import SUPERVISOR
from tests.test_display_pages import CHROMIUM, CHROMIUM_ARGS
from tests.test_uplink import District

town = test_uplink.town  # a real centre and a real hall with an uplink to it
TOKEN = SUPERVISOR["Authorization"].removeprefix("Bearer ")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def test_a_call_in_a_hall_reaches_the_monitor_websocket_well_under_a_second(
    town: District, config: Config, db_path: Path
) -> None:
    hall = await town.hall(config, db_path)
    url = f"http://127.0.0.1:{town.port}/monitor/ws"
    async with town.session.ws_connect(url, headers=SUPERVISOR) as ws:
        first = p.decode((await ws.receive()).data, pm.MonitorSnapshot)
        assert [t.hall.code for t in first.halls] == ["HZ", "JN"]
        ticket = await issue(hall, "A")
        clerk = await login(hall, "1005", 5)
        sent = time.monotonic()
        assert (await act(hall, clerk, 5, "call-next") or {})["number"] == ticket["number"]
        while True:
            message = await asyncio.wait_for(ws.receive(), timeout=2.0)
            update = p.decode(message.data, pm.MonitorUpdate)
            hz = [t for t in update.halls if t.hall.code == "HZ"]
            if hz and [(w.number, w.serving) for w in hz[0].windows] == [(5, ticket["number"])]:
                break
        assert time.monotonic() - sent < 1.0
        assert hz[0].hall.tickets_today == 1 and hz[0].hall.serving == 1


async def test_monitor_page_drops_the_token_and_shows_a_call_made_in_the_hall(
    town: District, config: Config, db_path: Path, browser: Browser
) -> None:
    hall = await town.hall(config, db_path)
    await issue(hall, "A")
    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = await page.goto(f"http://127.0.0.1:{town.port}/monitor?token={TOKEN}")
    assert response is not None and response.status == 200
    assert TOKEN not in page.url and TOKEN not in await page.evaluate("location.href")
    assert await page.evaluate("document.cookie") == ""  # HttpOnly: no script can read it
    await page.locator("#conn.up").wait_for(timeout=5000)  # live (no eval: the CSP holds)
    assert await page.text_content("h1") == "区级政务服务实时监控"
    tile = page.locator('article.tile[data-hall="HZ"]')
    await tile.locator("dd.tickets").filter(has_text="1").wait_for(timeout=5000)

    clerk = await login(hall, "1005", 5)
    called = await act(hall, clerk, 5, "call-next")
    assert called is not None
    await tile.click()
    serving = page.locator('#windows-body tr[data-window="5"] td.serving')
    await serving.filter(has_text=called["number"]).wait_for(timeout=2000)
    assert await page.locator("#detail").is_visible()
    assert not await page.locator("#tiles").is_visible()

    # Next call on the open drill-down, and back to the district.
    await issue(hall, "A")
    await act(hall, clerk, 5, "start")
    await act(hall, clerk, 5, "finish")
    again = await act(hall, clerk, 5, "call-next")
    assert again is not None
    await serving.filter(has_text=again["number"]).wait_for(timeout=2000)
    await page.click("#back")
    await tile.locator("dd.tickets").filter(has_text="2").wait_for(timeout=2000)
    assert errors == []


async def test_monitor_page_in_english_and_its_warnings(
    town: District, config: Config, db_path: Path, browser: Browser
) -> None:
    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
    await page.goto(f"http://127.0.0.1:{town.port}/monitor?lang=en&token={TOKEN}")
    assert page.url.endswith("/monitor?lang=en")
    await page.locator("#conn.up").wait_for(timeout=5000)  # live (no eval: the CSP holds)
    assert await page.text_content("h1") == "District service halls — live monitor"
    # Neither hall has reached the centre yet: both are warned at the top.
    items = page.locator('#warnings li[data-kind="offline"]')
    assert await items.count() == 2
    assert "has never reached the centre" in (await items.first.text_content() or "")


async def test_monitor_page_without_a_token_says_why(town: District, browser: Browser) -> None:
    page = await browser.new_page()
    response = await page.goto(f"http://127.0.0.1:{town.port}/monitor")
    assert response is not None and response.status == 401
    fault = await page.text_content("#fault") or ""
    assert "缺少令牌" in fault and "Missing or unknown token" in fault
