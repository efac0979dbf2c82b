"""What a printed ticket says, read back by an independent ESC/POS decoder."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import msgspec
import pytest

from onewindow.config import Config
from onewindow.protocol import TicketView
from tests.printer_support import decode
from ticket_printer.document import QR, Document, Pair, Rule, Text, width, wrap
from ticket_printer.layout import encode_line, render
from ticket_printer.station import Station
from ticket_printer.tickets import special_document, ticket_document, window_ranges

BASE = "http://hall.example:8080"
ISSUED = dt.datetime(2026, 11, 27, 1, 31, tzinfo=dt.UTC)  # 09:31 in the hall


def ticket(**changes: object) -> TicketView:
    t = TicketView(
        id="Zq3x-8Ytk2LmQe0w",
        number="A012",
        service="A",
        kind="normal",
        state="waiting",
        issued_at=ISSUED,
        channel="kiosk",
        people_ahead=3,
        estimated_wait_s=400,
    )
    return msgspec.structs.replace(t, **changes)


def with_width(config: Config, width_mm: int) -> Config:
    return dataclasses.replace(
        config, printer=dataclasses.replace(config.printer, width_mm=width_mm)
    )


@pytest.mark.parametrize("width_mm", [80, 58])
def test_ticket_prints_chinese_name_big_number_qr_and_cut(config: Config, width_mm: int) -> None:
    slip = decode(render(ticket_document(with_width(config, width_mm), ticket(), BASE), width_mm))

    assert slip.lines[0].text == "海珠区政务服务中心" and slip.lines[0].chinese
    name = slip.find("综合受理")
    assert name.chinese and (name.width, name.height) == (2, 2)
    number = slip.find("A012")
    assert number.text == "A012" and number.align == "center"
    assert number.width == number.height == (4 if width_mm == 80 else 3)
    after = slip.lines[slip.lines.index(number) + 1]
    assert (after.width, after.height, after.bold) == (1, 1, False), "size reset after the number"
    assert "3 人" in slip.find("前面等候").text
    assert "约 7 分钟" in slip.find("预计等候").text
    assert "2026-11-27 09:31" in slip.find("取号时间").text
    assert slip.qr == [(f"{BASE}/t/Zq3x-8Ytk2LmQe0w", "center")]
    assert "扫码" in slip.text()
    assert slip.ops[-1] == "cut" and slip.cuts == 1
    assert not slip.chinese_at_end, "Chinese mode is left before the cut"
    columns = 48 if width_mm == 80 else 32
    assert all(width(line.text) * line.width <= columns for line in slip.lines)


def test_english_ticket_keeps_ascii_out_of_chinese_mode(config: Config) -> None:
    slip = decode(render(ticket_document(config, ticket(kind="priority"), BASE, "en"), 80))
    assert slip.find("General intake").chinese is False
    assert "Priority" in slip.text()
    assert "about 7 min" in slip.find("Estimated wait").text
    assert slip.lines[0].text == "海珠区政务服务中心"


def test_special_ticket_says_which_windows(config: Config) -> None:
    special = ticket(number="T005", service="D", kind="special", people_ahead=0, estimated_wait_s=0)
    slip = decode(render(special_document(config, special, BASE), 80))
    assert slip.find("T005").width == 4
    assert "特呼号" in slip.text()
    # D is served at acceptance windows 5, 6, 16, 18 and specialist window 19.
    assert "请到 5-6、16、18-19 号窗口办理" in slip.text()
    assert "即将叫号" in slip.find("预计等候").text
    named = decode(
        render(
            special_document(config, msgspec.structs.replace(special, target_window=19), BASE), 80
        )
    )
    line = named.find("19 号窗口")
    assert (line.width, line.bold) == (2, True)


def test_generic_document_for_notices_and_receipts() -> None:
    doc = Document(
        blocks=(
            Text("一次性告知单", size=2, align="center", bold=True),
            Rule(),
            Pair("事项", "食品经营许可（新办）"),
            Text("尚缺材料：1. 营业执照复印件；2. 法定代表人身份证明"),
            QR("https://hall.example/progress?case=GZ-2026-0001", "扫码查询办理进度"),
        ),
        name="GZ-2026-0001",
    )
    slip = decode(render(doc, 58))
    assert slip.lines[0].text == "一次性告知单" and slip.lines[0].width == 2
    pair = slip.find("事项")
    assert pair.text.endswith("食品经营许可（新办）") and width(pair.text) == 32
    assert slip.qr == [("https://hall.example/progress?case=GZ-2026-0001", "center")]
    assert slip.cuts == 1


def test_characters_outside_gbk_print_as_question_marks_not_garbage() -> None:
    raw = encode_line("号票😀")
    assert raw.startswith(b"\x1c&") and raw.endswith(b"\x1c.\n")
    assert decode(raw).lines[0].text == "号票？"


def test_wrap_keeps_words_and_never_starts_a_line_with_punctuation() -> None:
    assert wrap("Watch the hall screens and listen", 16) == [
        "Watch the hall",
        "screens and",
        "listen",
    ]
    lines = wrap("请留意大厅屏幕和语音叫号，叫到号请及时办理。", 24)
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert "".join(lines) == "请留意大厅屏幕和语音叫号，叫到号请及时办理。"
    assert all(width(line) <= 24 for line in lines)


def test_window_ranges() -> None:
    assert window_ranges([18, 5, 6, 7, 8, 16], "zh") == "5-8、16、18"
    assert window_ranges([3], "en") == "3"
    assert window_ranges([1, 2, 4], "en") == "1-2, 4"


def test_render_rejects_a_paper_width_it_cannot_lay_out() -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        render(Document((Text("x"),)), 76)


def test_qr_points_at_the_public_url_when_the_hall_sets_one(config: Config, tmp_path: Path) -> None:
    assert Station.open(config, "http://127.0.0.1:8080/", str(tmp_path)).base_url == (
        "http://127.0.0.1:8080"
    )
    server = dataclasses.replace(config.server, public_url="https://zwfw.example.gov.cn")
    public = dataclasses.replace(config, server=server)
    station = Station.open(public, "http://127.0.0.1:8080", str(tmp_path))
    slip = decode(render(ticket_document(public, ticket(), station.base_url), 80))
    assert slip.qr == [("https://zwfw.example.gov.cn/t/Zq3x-8Ytk2LmQe0w", "center")]
