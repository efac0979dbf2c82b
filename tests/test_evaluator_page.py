"""The evaluator tablet at a window (`/rate/window/<n>`): headless Chromium against a real
server process, plus the faults of a wrong address over plain HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Page, WebSocketRoute, async_playwright, expect

from onewindow import protocol as p
from onewindow.client import ApiFailure, HallClient
from onewindow.config import Config
from queue_server.http.app import create_app
from tests.hallserver import DEMO_PIN, ROOT, HallServer

EVALUATOR = "demo-evaluator-token"  # config.toml: the tablet at window 5
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.mark.parametrize(
    ("address", "status", "zh", "en"),
    [
        ("/rate/window/5", 401, "评价器地址缺少令牌", "has no token"),
        ("/rate/window/5?token=nope", 401, "评价器令牌无效", "token is not valid"),
        ("/rate/window/5?token=demo-display-token", 403, "不是评价器令牌", "not an evaluator"),
        (
            f"/rate/window/6?token={EVALUATOR}",
            403,
            "属于 5 号窗口，不能用于 6 号窗口",
            "open /rate/window/5",
        ),
        (f"/rate/window/99?token={EVALUATOR}", 404, "没有 99 号窗口", "no window 99"),
        ("/rate/window/x%3Cb%3E?token=nope", 404, "没有 x&lt;b&gt; 号窗口", "no window x&lt;b&gt;"),
    ],
)
async def test_a_wrong_address_says_what_is_wrong_in_both_languages(
    aiohttp_client: Any,
    config: Config,
    db_path: Path,
    address: str,
    status: int,
    zh: str,
    en: str,
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    reply = await client.get(address)
    page = await reply.text()
    assert reply.status == status and reply.content_type == "text/html"
    fault = page.split('<div id="fault" >')[1].split("</div>")[0]
    assert zh in fault and en in fault
    assert "<b>" not in page


async def test_the_right_address_serves_the_idle_tablet(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    reply = await client.get(f"/rate/window/5?token={EVALUATOR}")
    page = await reply.text()
    assert reply.status == 200 and '<div id="fault" hidden>' in page
    assert "5 号窗口" in page and "请为我们的服务评价" in page and "非常不满意" in page
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    english = await (await client.get(f"/rate/window/5?token={EVALUATOR}&lang=en")).text()
    assert "Window 5" in english and "Please rate our service" in english
    doc = await (await client.get("/api/openapi.json")).json()
    assert "security" not in doc["paths"]["/rate/window/{n}"]["get"]


@pytest.fixture
def hall(db_path: Path) -> Iterator[HallServer]:
    server = HallServer(db_path)
    server.add_staff([("1001", "clerk"), ("1005", "clerk"), ("9001", "supervisor")])
    yield server.start()
    server.stop()


@pytest.fixture
async def tablet() -> AsyncIterator[Page]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
        page = await context.new_page()
        yield page
        await browser.close()


async def serve_one(clerk: HallClient, window: int) -> p.TicketView:
    """The clerk at `window` calls the next visitor and finishes with them."""
    called = await clerk.call_next(window)
    assert called is not None
    finished = await clerk.window_action(window, "finish")
    assert finished is not None and finished.state == "done"
    return finished


async def test_tablet_lights_up_when_window_5_finishes_and_rates_that_ticket_once(
    hall: HallServer, tablet: Page
) -> None:
    errors: list[str] = []
    tablet.on("pageerror", lambda e: errors.append(str(e)))
    await tablet.goto(f"{hall.url}/rate/window/5?token={EVALUATOR}")
    await expect(tablet.locator("#idle")).to_contain_text("请为我们的服务评价")
    await expect(tablet.locator("#window-title")).to_have_text("5 号窗口")
    await expect(tablet.locator("#ask")).to_be_hidden()
    # Record every number the tablet ever asks about, to prove window 6's never shows.
    await tablet.evaluate("""() => {
        window.asked = [];
        new MutationObserver(() => window.asked.push(
            document.getElementById('ticket-line').textContent)
        ).observe(document.getElementById('ticket-line'), {childList: true});
    }""")
    async with (
        HallClient(hall.url, "demo-kiosk-token") as kiosk,
        HallClient(hall.url) as clerk5,
        HallClient(hall.url) as clerk6,
        HallClient(hall.url) as boss,
    ):
        await clerk5.login("1005", DEMO_PIN, 5)
        await clerk6.login("1001", DEMO_PIN, 6)
        await boss.login("9001", DEMO_PIN, None)
        for _ in range(3):
            await kiosk.issue_ticket("A")
        first = await serve_one(clerk5, 5)
        await expect(tablet.locator("#ticket-line")).to_have_text(f"{first.number} 号，您好")
        very_satisfied = tablet.locator('[data-score="5"]')
        await expect(very_satisfied).to_be_enabled()
        await expect(very_satisfied).to_have_text("非常满意5")
        await expect(tablet.locator('[data-score="1"]')).to_have_text("非常不满意1")
        await tablet.screenshot(path=str(ARTIFACTS / "evaluator.png"))
        await very_satisfied.click()
        await expect(tablet.locator("#thanks-text")).to_have_text("感谢您的评价！")
        await expect(tablet.locator("#idle")).to_be_visible(timeout=10_000)

        other = await serve_one(clerk6, 6)  # another window's visitor: not for this tablet
        second = await serve_one(clerk5, 5)
        await expect(tablet.locator("#ticket-line")).to_have_text(f"{second.number} 号，您好")
        # The same ticket is rated somewhere else first: the tablet's tap answers politely.
        async with HallClient(hall.url, EVALUATOR) as elsewhere:
            await elsewhere.rate(2, ticket=second.id)
        await tablet.locator('[data-score="4"]').click()
        await expect(tablet.locator("#thanks-text")).to_have_text(
            "本次服务已经评价过了，感谢您的反馈。"
        )
        with pytest.raises(ApiFailure) as again:
            await HallClient(hall.url, EVALUATOR).rate(5, ticket=first.id)
        assert again.value.status == 409 and again.value.code == "already_rated"

        ratings = (await boss.request("GET", "/api/ratings", p.RatingList)).ratings  # type: ignore[union-attr]
    assert sorted((r.ticket_number, r.score, r.window) for r in ratings) == [
        (first.number, 5, 5),
        (second.number, 2, 5),
    ]
    asked = await tablet.evaluate("window.asked")
    assert f"{second.number} 号，您好" in asked and not any(other.number in a for a in asked)
    assert errors == []


async def test_a_ticket_finished_while_the_link_is_down_still_lights_the_tablet(
    hall: HallServer, tablet: Page
) -> None:
    """The tablet resumes with `since=`: the missed ticket.finished comes with the backlog."""
    blocked = asyncio.Event()
    live: list[WebSocketRoute] = []
    urls: list[str] = []

    async def route(ws: WebSocketRoute) -> None:
        urls.append(ws.url)
        if blocked.is_set():
            await ws.close()  # the network is down: every reconnection fails
            return
        ws.connect_to_server()
        live.append(ws)

    await tablet.route_web_socket("**/api/ws*", route)
    await tablet.goto(f"{hall.url}/rate/window/5?token={EVALUATOR}")
    await expect(tablet.locator("#idle")).to_be_visible()
    async with (
        HallClient(hall.url, "demo-kiosk-token") as kiosk,
        HallClient(hall.url) as clerk5,
    ):
        await clerk5.login("1005", DEMO_PIN, 5)
        await kiosk.issue_ticket("A")
        while not live:  # the tablet's first connection, passed through
            await asyncio.sleep(0.05)
        blocked.set()
        await live[0].close()
        await expect(tablet.locator("#link")).to_be_visible()
        finished = await serve_one(clerk5, 5)
        blocked.clear()
        await expect(tablet.locator("#ticket-line")).to_have_text(
            f"{finished.number} 号，您好", timeout=15_000
        )
    assert "since=" not in urls[0] and "since=" in urls[-1]


async def test_a_tap_after_the_window_moved_on_is_answered_politely(
    hall: HallServer, tablet: Page
) -> None:
    """The next visitor was finished while the tablet was cut off: the old ticket's tap is
    refused by the server (only the window's last ticket may be rated) and said so."""
    blocked = asyncio.Event()
    live: list[WebSocketRoute] = []

    async def route(ws: WebSocketRoute) -> None:
        if blocked.is_set():
            await ws.close()
            return
        ws.connect_to_server()
        live.append(ws)

    await tablet.route_web_socket("**/api/ws*", route)
    await tablet.goto(f"{hall.url}/rate/window/5?token={EVALUATOR}")
    async with (
        HallClient(hall.url, "demo-kiosk-token") as kiosk,
        HallClient(hall.url) as clerk5,
    ):
        await clerk5.login("1005", DEMO_PIN, 5)
        for _ in range(2):
            await kiosk.issue_ticket("A")
        first = await serve_one(clerk5, 5)
        await expect(tablet.locator("#ticket-line")).to_have_text(f"{first.number} 号，您好")
        blocked.set()
        await live[-1].close()
        await serve_one(clerk5, 5)
        await tablet.locator('[data-score="5"]').click()
        await expect(tablet.locator("#thanks-text")).to_have_text(
            "本窗口已在为下一位办理，这张号票不能再在这里评价。"
        )
        await expect(tablet.locator("#fault")).to_be_hidden()


async def test_an_english_browser_still_gets_the_chinese_tablet_unless_asked(
    hall: HallServer,
) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="en-US", timezone_id="America/New_York")
        page = await context.new_page()
        await page.goto(f"{hall.url}/rate/window/5?token={EVALUATOR}")
        await expect(page.locator("body")).to_contain_text("请为我们的服务评价")
        assert await page.evaluate("document.documentElement.lang") == "zh-CN"
        await page.goto(f"{hall.url}/rate/window/5?token={EVALUATOR}&lang=en")
        await expect(page.locator("body")).to_contain_text("Please rate our service")
        await browser.close()
