"""The one-time notice and the acceptance receipt, made from real cases and read back
with the independent ESC/POS decoder."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow import protocol as p
from onewindow.config import Config, PrinterConfig
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, act, add_staff, issue, login
from tests.printer_support import FakePrinter, Slip, decode
from ticket_printer.intake_slips import (
    notice_document,
    print_notice,
    print_receipt,
    receipt_document,
)
from ticket_printer.layout import render

RESIDENCE = "440105-GA-002"  # 居住证申领: an original to show, notes, optional materials
APPLICANT = p.Applicant(
    name="王小明", id_type="id_card", id_number="440105199001011239", phone="13812345678"
)
SECRETS = ("王", "小明", "440105199001011239", "13812345678", "5678")
BASE = "https://hall.example.cn"


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"))
    return await aiohttp_client(create_app(config, db_path))


async def make_case(
    client: TestClient, received: list[str]
) -> tuple[p.CaseView, p.CatalogueItemView]:
    """A visitor called at window 5, whose case is submitted with `received`."""
    clerk = await login(client, "1005", 5)
    item_reply = await client.get(f"/api/catalogue/{RESIDENCE}", headers=DISPLAY)
    item = p.decode(await item_reply.read(), p.CatalogueItemView)
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    body = p.NewCaseRequest(item=RESIDENCE, materials=received, applicant=APPLICANT)
    reply = await client.post("/api/cases", data=p.encode(body), headers=clerk)
    assert reply.status == 201, await reply.text()
    return p.decode(await reply.read(), p.CaseView), item


def assert_nothing_personal(slip: Slip) -> None:
    text = slip.text() + " ".join(payload for payload, _ in slip.qr)
    for secret in SECRETS:
        assert secret not in text, secret


async def test_notice_lists_every_missing_material_with_copies_and_notes(
    client: TestClient, config: Config
) -> None:
    case, item = await make_case(client, ["居住证申领登记表"])
    assert case.state == "returned" and case.case_no
    now = dt.datetime(2026, 3, 2, 10, 30, tzinfo=config.hall.tz)
    slip = decode(render(notice_document(config, case, item, BASE, now=now), 80))
    text = slip.text()
    assert slip.find("一次性告知单").width == 2 and slip.find("一次性告知单").chinese
    assert "申请事项：居住证申领" in text and case.case_no in text and "2026-03-02" in text
    missing = [line.text for line in slip.lines if line.text[:2] in ("1.", "2.")]
    assert missing[:2] == ["1. 申请人身份证件  原件核验", "2. 居住证明  1 份"]
    assert "   租赁合同或房屋权属证明" in text and "   核验原件后退还" in text
    # Optional materials are told too, once: the visitor should not have to come back.
    assert "以下材料视情况提交" in text and "就业或就读证明" in text and "近期照片" in text
    assert "居住证申领登记表" not in text  # already handed in
    assert "办理流程：申请 → 受理 → 审查 → 决定 → 送达" in text
    assert "7 个工作日（法定" in text and item.enquiry_phone in text
    assert slip.qr == [(f"{BASE}/progress?case_no={case.case_no}", "center")]
    assert slip.cuts == 1 and slip.ops[-1] == "cut" and not slip.chinese_at_end
    assert_nothing_personal(slip)


async def test_receipt_names_the_case_the_materials_and_the_promised_date(
    client: TestClient, config: Config
) -> None:
    required = ["居住证申领登记表", "申请人身份证件", "居住证明"]
    case, item = await make_case(client, required)
    assert case.state == "accepted" and case.case_no and case.deadline
    slip = decode(render(receipt_document(config, case, item, BASE), 58))
    text = slip.text()
    assert slip.find("受理回执").width == 2
    number = slip.find(case.case_no)
    assert (number.text, number.width, number.align) == (case.case_no, 2, "center")
    assert f"{case.deadline.isoformat()} 前（7 个工作日）" in text
    assert "5 号窗口" in text and f"承办部门：{item.department}" in text
    # 58 mm paper: 32 columns, so a material's line may wrap; its number starts a line.
    assert [line.text for line in slip.lines if line.text[:2] in ("1.", "2.", "3.")] == [
        "1. 居住证申领登记表  1 份",
        "2. 申请人身份证件  原件核验",
        "3. 居住证明  1 份",
    ]
    assert "办件进度查询" in text and "后 4 位" in text
    assert slip.qr == [(f"{BASE}/progress?case_no={case.case_no}", "center")]
    assert all(len(line.text.encode("gbk")) <= 32 for line in slip.lines if line.width == 1)
    assert slip.cuts == 1
    assert_nothing_personal(slip)


async def test_notice_prints_on_the_windows_own_printer(client: TestClient, config: Config) -> None:
    case, item = await make_case(client, [])
    fake = FakePrinter()
    try:
        windows = tuple(
            dataclasses.replace(w, printer=f"127.0.0.1:{fake.port}") if w.number == 5 else w
            for w in config.windows
        )
        desk = dataclasses.replace(config, windows=windows, printer=PrinterConfig(backend="dummy"))
        outcome = await asyncio.to_thread(
            print_notice, desk, case, item, desk=5, server_url="http://10.0.0.5:8080"
        )
        assert outcome.ok and outcome.confirmed, outcome
        slip = decode(fake.received[0])
    finally:
        fake.close()
    assert [line.text for line in slip.lines if line.text[:2] in ("1.", "2.", "3.")][:3] == [
        "1. 居住证申领登记表  1 份",
        "2. 申请人身份证件  原件核验",
        "3. 居住证明  1 份",
    ]
    assert slip.qr == [(f"http://10.0.0.5:8080/progress?case_no={case.case_no}", "center")]
    assert slip.status_queries == 2 and slip.cuts == 1


async def test_receipt_in_english_and_a_printer_fault_is_an_outcome(
    client: TestClient, config: Config, tmp_path: Path
) -> None:
    case, item = await make_case(client, ["居住证申领登记表", "申请人身份证件", "居住证明"])
    paper = tmp_path / "desk.bin"
    cfg = dataclasses.replace(config, printer=PrinterConfig(backend="file", device=str(paper)))
    outcome = print_receipt(cfg, case, item, lang="en")
    assert outcome.ok
    slip = decode(paper.read_bytes())
    assert "Acceptance receipt" in slip.text() and "Residence permit" in slip.text()
    no_device = PrinterConfig(backend="file", device="/nonexistent/lp0")
    broken = dataclasses.replace(config, printer=no_device)
    failed = print_receipt(broken, case, item)
    assert not failed.ok and failed.reason == "no_device"
