"""The ticket status page behind the QR code: `/t/<id>`, in headless Chromium and over HTTP."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import zoneinfo
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Page, async_playwright, expect

from onewindow import protocol as p
from onewindow.client import HallClient
from onewindow.config import Config
from queue_server.http.app import create_app
from tests.hallserver import DEMO_PIN, HallServer

KIOSK = {"Authorization": "Bearer demo-kiosk-token", "Idempotency-Key": "status-page-test"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AiohttpClient = Callable[[Any], Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def http(
    aiohttp_client: AiohttpClient, config: Config, db_path: Path
) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(config, db_path))


async def issue(http: TestClient[Any, Any], service: str = "A") -> p.TicketView:
    body = p.encode(p.IssueTicketRequest(service=service))
    reply = await http.post("/api/tickets", data=body, headers=KIOSK)
    assert reply.status == 201
    return p.decode(await reply.read(), p.TicketView)


async def test_page_shows_the_ticket_and_keeps_it_private(http: TestClient[Any, Any]) -> None:
    ticket = await issue(http)
    reply = await http.get(f"/t/{ticket.id}")
    page = await reply.text()
    assert reply.status == 200 and reply.content_type == "text/html"
    assert '<p class="number" id="number">A001</p>' in page
    assert "综合受理" in page and "排队等候中" in page and "即将叫号" in page
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in reply.headers["X-Robots-Tag"]
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    english = await (await http.get(f"/t/{ticket.id}?lang=en")).text()
    assert "General intake" in english and 'lang="en"' in english and "Your number" in english
    by_browser = await http.get(f"/t/{ticket.id}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Your number" in await by_browser.text()


@pytest.mark.parametrize("guess", ["A001", "1", secrets.token_urlsafe(12), "<script>x"])
async def test_numbers_and_guesses_do_not_open_a_ticket(
    http: TestClient[Any, Any], guess: str
) -> None:
    await issue(http)
    reply = await http.get(f"/t/{guess}")
    page = await reply.text()
    assert reply.status == 404
    assert "找不到这张号票" in page
    assert "A001" not in page.replace(guess, "") and "<script>x" not in page


async def test_page_is_in_the_api_document(http: TestClient[Any, Any]) -> None:
    doc = await (await http.get("/api/openapi.json")).json()
    operation = doc["paths"]["/t/{id}"]["get"]
    assert "security" not in operation and "404" in operation["responses"]


@pytest.fixture
async def browser_page() -> AsyncIterator[Page]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="zh-CN")
        yield await context.new_page()
        await browser.close()


@pytest.fixture
def hall(db_path: Path) -> Iterator[HallServer]:
    """A real server with one clerk (the shared fixture signs up six: slower)."""
    server = HallServer(db_path)
    server.add_staff([("1001", "clerk")])
    yield server.start()
    server.stop()


async def test_page_follows_the_ticket_until_it_is_called_and_served(
    hall: HallServer, browser_page: Page
) -> None:
    async with HallClient(hall.url, "demo-kiosk-token") as kiosk:
        ahead = await kiosk.issue_ticket("A")
        ticket = await kiosk.issue_ticket("A")
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{hall.url}/t/{ticket.id}")
    await expect(page.locator("#number")).to_have_text("A002")
    await expect(page.locator("#ahead")).to_have_text("1 人")
    await expect(page.locator("#state")).to_have_text("排队等候中，请留意叫号")

    async with HallClient(hall.url) as clerk:
        await clerk.login("1001", DEMO_PIN, 5)
        first = await clerk.call_next(5)
        assert first is not None and first.id == ahead.id
        await clerk.window_action(5, "finish")
        called = await clerk.call_next(5)
        assert called is not None and called.id == ticket.id
        await expect(page.locator("#state")).to_have_text("请到 5 号窗口办理", timeout=12_000)
        await expect(page.locator("#card")).to_have_class(re.compile("state-called"))
        await expect(page).to_have_title(re.compile("请到 5 号窗口办理"))
        await expect(page.locator("#facts")).to_be_hidden()
        await clerk.window_action(5, "start")
        await clerk.window_action(5, "finish")
        await expect(page.locator("#state")).to_have_text(
            "已办结，感谢您的耐心等候", timeout=12_000
        )
    assert errors == []
    assert "1001" not in await page.content(), "no staff id on the visitor's page"


async def test_page_says_when_the_server_cannot_be_reached(
    tmp_path: Path, browser_page: Page
) -> None:
    hall_server = HallServer(tmp_path / "hall.sqlite").start()
    try:
        async with HallClient(hall_server.url, "demo-kiosk-token") as kiosk:
            ticket = await kiosk.issue_ticket("B")
        await browser_page.goto(f"{hall_server.url}/t/{ticket.id}?lang=en")
        await expect(browser_page.locator("#state")).to_have_text("Waiting: watch for your number")
        hall_server.kill()
        await expect(browser_page.locator("#link")).to_be_visible(timeout=12_000)
        await expect(browser_page.locator("#link")).to_contain_text("trying again")
        await expect(browser_page.locator("#number")).to_have_text("B001")
    finally:
        hall_server.stop()


async def test_page_tells_the_time_in_the_halls_zone_on_a_24_hour_clock(
    hall: HallServer,
) -> None:
    async with HallClient(hall.url, "demo-kiosk-token") as kiosk:
        ticket = await kiosk.issue_ticket("A")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="en-US", timezone_id="America/New_York")
        page = await context.new_page()
        await page.goto(f"{hall.url}/t/{ticket.id}")
        await expect(page.locator("#updated")).to_have_text(re.compile(r"^Updated \d\d:\d\d:\d\d$"))
        shown = await page.locator("#updated").inner_text()
        hall_hour = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).hour
        assert int(shown.split()[1][:2]) in (hall_hour, (hall_hour + 1) % 24)
        await browser.close()
