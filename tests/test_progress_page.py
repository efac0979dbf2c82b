"""The public progress page (`/progress`): headless Chromium against a real server process,
and its refusals over plain HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Page, async_playwright, expect

from onewindow import protocol as p
from onewindow.client import HallClient
from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, act, add_staff, issue, login
from tests.hallserver import DEMO_PIN, ROOT, HallServer

RESIDENCE = "440105-GA-002"  # 居住证申领, queued under A
REQUIRED = ["居住证申领登记表", "申请人身份证件", "居住证明"]
APPLICANT = p.Applicant(
    name="王小明", id_type="id_card", id_number="440105199001011239", phone="13812345678"
)
PERSONAL = ("王", "小明", "440105199001011239", "13812345678", "5678", "4401", "138")
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


async def new_case(clerk: HallClient, kiosk: HallClient, materials: list[str]) -> p.CaseView:
    await kiosk.issue_ticket("A")
    called = await clerk.call_next(5)
    assert called is not None
    body = p.NewCaseRequest(item=RESIDENCE, materials=materials, applicant=APPLICANT)
    case = await clerk.request("POST", "/api/cases", p.CaseView, body)
    await clerk.window_action(5, "finish")
    assert case is not None and case.case_no
    return case


@pytest.fixture
def hall(db_path: Path) -> Iterator[HallServer]:
    server = HallServer(db_path)
    server.add_staff([("1005", "clerk")])
    yield server.start()
    server.stop()


@pytest.fixture
async def phone() -> AsyncIterator[Page]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        yield await context.new_page()
        await browser.close()


async def ask(page: Page, phone4: str, case_no: str | None = None) -> None:
    if case_no is not None:
        await page.locator("#case_no").fill(case_no)
    await page.locator("#phone4").fill(phone4)
    await page.locator("#submit").click()
    await expect(page.locator("#answer")).to_be_visible()


async def test_the_right_pair_shows_state_and_dates_and_nothing_personal(
    hall: HallServer, phone: Page
) -> None:
    async with HallClient(hall.url, "demo-kiosk-token") as kiosk, HallClient(hall.url) as clerk:
        await clerk.login("1005", DEMO_PIN, 5)
        case = await new_case(clerk, kiosk, REQUIRED)
        returned = await new_case(clerk, kiosk, REQUIRED[:1])
    assert case.accepted_at and case.deadline
    # The QR on the receipt opens the page with the number filled in.
    await phone.goto(f"{hall.url}/progress?case_no={case.case_no}")
    await expect(phone.locator("#case_no")).to_have_value(case.case_no or "")
    await ask(phone, "5678")
    await expect(phone.locator("#state")).to_have_text("已受理，正在办理")
    await expect(phone.locator(".accepted_at dd")).to_have_text(case.accepted_at.date().isoformat())
    await expect(phone.locator(".deadline dd")).to_have_text(case.deadline.isoformat())
    await expect(phone.locator(".item dd")).to_have_text("居住证申领")
    await phone.screenshot(path=str(ARTIFACTS / "progress.png"), full_page=True)
    content = await phone.content()
    for secret in PERSONAL:
        assert secret not in content, secret
    assert phone.url == f"{hall.url}/progress"  # the phone digits went in the body, not the URL

    await ask(phone, "5678", returned.case_no)
    await expect(phone.locator("#state")).to_have_text("材料不齐，待补正")
    await expect(phone.locator("#missing li")).to_have_text(["申请人身份证件", "居住证明"])
    await phone.locator("#other-language").click()
    await expect(phone.locator("h1")).to_have_text("Case progress")
    await expect(phone.locator("#case_no")).to_have_value(returned.case_no or "")


async def test_every_wrong_pair_shows_the_same_not_found(hall: HallServer, phone: Page) -> None:
    async with HallClient(hall.url, "demo-kiosk-token") as kiosk, HallClient(hall.url) as clerk:
        await clerk.login("1005", DEMO_PIN, 5)
        case = await new_case(clerk, kiosk, REQUIRED)
    await phone.goto(f"{hall.url}/progress")
    answers = []
    for case_no, digits in [
        (case.case_no, "0000"),
        ("209901010001", "5678"),
        (case.case_no, "8765"),
    ]:
        await ask(phone, digits, case_no)
        answers.append(await phone.locator("#answer").inner_text())
    assert answers == ["没有查到该办件：请核对办件编号和手机号后 4 位。"] * 3
    await expect(phone.locator("#state")).to_have_count(0)


@pytest.fixture
async def http(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"))
    return await aiohttp_client(create_app(config, db_path))


async def test_decided_and_issued_dates_and_the_limit_after_ten_wrong_pairs(
    http: TestClient,
) -> None:
    clerk = await login(http, "1005", 5)
    await issue(http, "A")
    await act(http, clerk, 5, "call-next")
    body = p.NewCaseRequest(item=RESIDENCE, materials=REQUIRED, applicant=APPLICANT)
    made = await http.post("/api/cases", data=p.encode(body), headers=clerk)
    case = p.decode(await made.read(), p.CaseView)
    for action in ("approve", "issue"):
        assert (await http.post(f"/api/cases/{case.id}/{action}", json={}, headers=clerk)).ok
    form = {"case_no": case.case_no, "phone4": "5678"}
    page = await (await http.post("/progress", data=form)).text()
    assert "已办结，结果已领取或送达" in page and "审批办结日期" in page and "出件日期" in page
    # A malformed entry is told apart and not counted against the address.
    bad = await http.post("/progress", data={"case_no": "12345", "phone4": "5678"})
    assert bad.status == 422 and "12 位数字" in await bad.text()
    for _ in range(10):
        wrong = await http.post("/progress", data={**form, "phone4": "0000"})
        assert wrong.status == 404
    limited = await http.post("/progress", data={**form, "lang": "en"})
    assert limited.status == 429 and "Too many queries: please try again in 10 minutes" in (
        await limited.text()
    )
    assert "已办结" not in await limited.text()
    api = await http.get(f"/api/progress?case_no={case.case_no}&phone4=5678", headers=DISPLAY)
    assert api.status == 429  # one limit for the page and the API


async def test_form_page_headers_and_prefill(http: TestClient) -> None:
    reply = await http.get("/progress?case_no=2026<script>")
    page = await reply.text()
    assert reply.status == 200 and 'value=""' in page and "<script>" not in page
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert "form-action 'self'" in reply.headers["Content-Security-Policy"]
    english = await (await http.get("/progress", headers={"Accept-Language": "en-US"})).text()
    assert "Last 4 digits of phone" in english and 'lang="en"' in english
