"""The hall and window screens in headless Chromium against a real server process.

A headless browser has no voices, so the announcement queue is checked through what
the page exposes (`window.announcer.received` and `.log`), not by ear.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from onewindow.client import HallClient
from tests.hallserver import DEMO_PIN, ROOT, HallServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DISPLAY_TOKEN = "demo-display-token"
ARTIFACTS = ROOT / "tests" / "artifacts"
CLERKS = {5: "1001", 6: "1002", 7: "1003", 9: "1005"}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    # `launch` (not a persistent context) starts Chromium on a fresh temporary profile.
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


class Hall:
    """The people making calls: the kiosk issues tickets, clerks call at their windows."""

    def __init__(self, url: str) -> None:
        self.kiosk = HallClient(url, "demo-kiosk-token")
        self.clerks = {window: HallClient(url) for window in CLERKS}

    async def open(self, tickets: str = "AAAAAAAAAAAABBBB") -> None:
        for window, staff in CLERKS.items():
            await self.clerks[window].login(staff, DEMO_PIN, window)
        for service in tickets:
            await self.kiosk.issue_ticket(service)

    async def act(self, window: int, action: str) -> str:
        ticket = await self.clerks[window].window_action(window, action)
        assert ticket is not None
        return ticket.number

    async def close(self) -> None:
        for client in (self.kiosk, *self.clerks.values()):
            await client.close()


@pytest.fixture
async def hall(hall_server: HallServer) -> AsyncIterator[Hall]:
    people = Hall(hall_server.url)
    await people.open()
    yield people
    await people.close()


async def open_screen(browser: Browser, url: str, size: tuple[int, int] = (1920, 1080)) -> Page:
    # Playwright evaluates some string predicates with eval(), which the page's CSP forbids;
    # the CSP itself is checked in tests/test_edge_headers.py.
    page = await browser.new_page(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(url)
    await page.wait_for_function("window.hallScreen && window.hallScreen.feed.live", timeout=5000)
    assert errors == []
    return page


async def screen(page: Page, expression: str) -> Any:
    return await page.evaluate(expression)


async def shows(page: Page, element: str, text: str, timeout: float = 2000) -> None:
    """Wait until the element with id `element` reads `text`."""
    await page.wait_for_function(
        f"document.getElementById({element!r}).textContent === {text!r}", timeout=timeout
    )


async def test_a_call_appears_on_the_hall_screen_within_one_second(
    browser: Browser, hall_server: HallServer, hall: Hall
) -> None:
    page = await open_screen(browser, f"{hall_server.url}/display/hall?token={DISPLAY_TOKEN}")
    started = time.monotonic()
    number = await hall.act(5, "call-next")
    await shows(page, "hero-number", number, timeout=1000 - (time.monotonic() - started) * 1000)
    assert await page.text_content("#hero-sentence") == f"请 {number} 号到 5 号窗口办理"
    assert await page.text_content("#recent tr:first-child td.num") == number
    # 12 A tickets were issued and one is called; queue.changed follows the call.
    await page.wait_for_function(
        "hallScreen.model.state.services.find(s => s.code === 'A').waiting === 11", timeout=2000
    )
    assert await screen(page, "announcer.received") == [
        {"number": number, "window": 5, "call_count": 1}
    ]


async def test_calls_made_while_the_server_restarts_appear_in_order(
    browser: Browser, hall_server: HallServer, hall: Hall
) -> None:
    page = await open_screen(browser, f"{hall_server.url}/display/hall?token={DISPLAY_TOKEN}")
    first = await hall.act(5, "call-next")
    await page.wait_for_function(f"hallScreen.model.state.recent_calls[0]?.number === {first!r}")

    hall_server.stop()
    await page.wait_for_selector("#link:not([hidden])", timeout=3000)
    assert "正在重新连接" in (await page.text_content("#link") or "")
    hall_server.start()
    # Made at once, while the page is still backing off: it must fetch them on its own.
    second = await hall.act(6, "call-next")
    third = await hall.act(7, "call-next")
    recalled = await hall.act(5, "recall")

    await page.wait_for_function("hallScreen.feed.live", timeout=15000)
    assert await page.is_hidden("#link")
    await page.wait_for_function("announcer.received.length >= 4", timeout=5000)
    received = await screen(page, "announcer.received")
    assert received == [
        {"number": first, "window": 5, "call_count": 1},
        {"number": second, "window": 6, "call_count": 1},
        {"number": third, "window": 7, "call_count": 1},
        {"number": recalled, "window": 5, "call_count": 2},
    ]
    rows = await page.eval_on_selector_all("#recent td.num", "tds => tds.map(td => td.textContent)")
    assert rows == [first, third, second]  # the recall folds into the top row
    # Each call: the chime, the zh sentence `announce_repeat` (2) times, then English once.
    await page.wait_for_function("announcer.log.length >= 12 && !announcer.current", timeout=15000)
    spoken = await screen(page, "announcer.log.map(u => [u.number, u.lang])")
    expected = []
    for number in (first, second, third, recalled):
        expected += [[number, "zh-CN"], [number, "zh-CN"], [number, "en-US"]]
    assert spoken == expected
    assert await screen(page, "announcer.log[3].text") == f"请 {spaced(second)} 号，到 6 号窗口办理"


def spaced(number: str) -> str:
    digits = "零一二三四五六七八九"
    return " ".join(digits[int(ch)] if ch.isdigit() else ch for ch in number)


async def test_a_no_show_is_not_announced_but_each_recall_is(
    browser: Browser, hall_server: HallServer, hall: Hall
) -> None:
    page = await open_screen(browser, f"{hall_server.url}/display/hall?token={DISPLAY_TOKEN}")
    number = await hall.act(9, "call-next")
    await hall.act(9, "recall")
    await hall.act(9, "recall")
    await hall.act(9, "no-show")
    after = await hall.act(9, "call-next")
    await page.wait_for_function(f"announcer.received.at(-1)?.number === {after!r}")
    assert await screen(page, "announcer.received.map(c => [c.number, c.call_count])") == [
        [number, 1],
        [number, 2],
        [number, 3],
        [after, 1],
    ]


async def test_the_window_screen_shows_only_its_own_window(
    browser: Browser, hall_server: HallServer, hall: Hall
) -> None:
    page = await open_screen(browser, f"{hall_server.url}/display/window/6?token={DISPLAY_TOKEN}")
    assert await page.text_content("#serving-status") == "等候叫号"
    await hall.act(5, "call-next")
    mine = await hall.act(6, "call-next")
    await shows(page, "serving-number", mine)
    assert await page.text_content("#serving-status") == f"请 {mine} 号到本窗口办理"
    await hall.act(6, "start")
    await shows(page, "serving-status", "正在办理")
    await hall.act(6, "finish")
    await shows(page, "serving-number", "—")
    await hall.clerks[6].pause(6, "午休")
    await shows(page, "serving-status", "暂停服务")
    # A window screen is silent unless asked (?voice=1), and then only for its window.
    assert await screen(page, "announcer.queued.length + announcer.log.length") == 0
    loud_url = f"{hall_server.url}/display/window/5?token={DISPLAY_TOKEN}&voice=1"
    loud = await open_screen(browser, loud_url)
    await hall.act(5, "recall")
    other = await hall.act(7, "call-next")
    await loud.wait_for_function(f"hallScreen.model.state.recent_calls[0].number === {other!r}")
    assert await screen(loud, "announcer.received.map(c => [c.window, c.call_count])") == [[5, 2]]


BAD_ADDRESSES = [
    ("/display/hall", 401, "缺少显示屏令牌"),
    ("/display/hall?token=not-a-token", 401, "显示屏令牌无效"),
    ("/display/window/3", 401, "缺少显示屏令牌"),
    (f"/display/window/99?token={DISPLAY_TOKEN}", 404, "没有 99 号窗口"),
    (f"/display/window/abc?token={DISPLAY_TOKEN}", 404, "没有 abc 号窗口"),
]


async def test_a_bad_address_shows_what_to_fix_instead_of_a_blank_screen(
    browser: Browser, hall_server: HallServer
) -> None:
    page = await browser.new_page(bypass_csp=True)
    for path, status, message in BAD_ADDRESSES:
        response = await page.goto(hall_server.url + path)
        assert response is not None and response.status == status, path
        assert await page.is_visible("#fault"), path
        assert message in (await page.text_content("#fault") or ""), path
        assert await page.locator("#fault p").count() == 2, path  # Chinese, then English


async def test_the_hall_screenshot_fits_both_tv_sizes_and_english_works(
    browser: Browser, hall_server: HallServer, hall: Hall
) -> None:
    """Ten calls on a full board, at both TV sizes: every row and tile must fit."""
    url = f"{hall_server.url}/display/hall?token={DISPLAY_TOKEN}"
    sizes = {"hall-screen.png": (1920, 1080), "hall-screen-720.png": (1280, 720)}
    pages = {name: await open_screen(browser, url, size) for name, size in sizes.items()}
    for round_ in range(3):
        for window in CLERKS:
            if round_:
                await hall.act(window, "finish")
            await hall.act(window, "call-next")
    await hall.act(6, "recall")
    ARTIFACTS.mkdir(exist_ok=True)
    for name, page in pages.items():
        await page.wait_for_function("document.querySelectorAll('#recent tr').length === 10")
        await assert_fits(page, sizes[name])
        await page.screenshot(path=str(ARTIFACTS / name))
    english = await open_screen(browser, url + "&lang=en", (1280, 720))
    await assert_fits(english, (1280, 720))
    assert await english.text_content(".recent h2") == "Recent calls"
    assert (await english.text_content("#hero-sentence") or "").startswith("Number ")
    assert await english.text_content("#services li:first-child .svc-name") == "General intake"


async def assert_fits(page: Page, size: tuple[int, int]) -> None:
    """No part of the board is cut off or pushed out of the screen."""
    clipped = await page.evaluate(
        """() => [...document.querySelectorAll('#recent tr, #services li, .hero > *, .bar > *')]
            .filter(el => {
              const r = el.getBoundingClientRect();
              const box = el.closest('section, header').getBoundingClientRect();
              return r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.bottom > innerHeight;
            }).map(el => el.textContent)"""
    )
    assert clipped == [], f"cut off at {size}: {clipped}"
