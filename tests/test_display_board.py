"""The terminal screen's pure parts: the board's rules, the spoken sentence, the drawing."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from display.bigtext import big
from display.board import Board
from display.render import hall_board, window_board
from display.voice import chinese_number, command_argv, sentences
from onewindow import protocol as p

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def ticket(number: str, state: str, window: int | None) -> p.TicketView:
    return p.TicketView(
        id=f"id-{number}",
        number=number,
        service=number[0],
        kind="normal",
        state=state,
        issued_at=AT,
        channel="kiosk",
        window=window,
    )  # type: ignore[arg-type]


def snapshot(seq: int, calls: list[p.CallView] | None = None) -> p.StateSnapshot:
    return p.StateSnapshot(
        hall="测试大厅",
        notice="请保管好号票",
        business_day=AT.date(),
        seq=seq,
        at=AT,
        windows=[
            p.WindowView(number=n, name=f"{n}号窗", role="acceptance", services=["A"], state="open")
            for n in (5, 6)
        ],
        services=[
            p.ServiceView(
                code="A",
                prefix="A",
                name_zh="综合受理",
                name_en="General intake",
                mode="direct",
                waiting=3,
                oldest_wait_s=0,
                mean_service_s=300,
                open_windows=2,
                wait_alert_s=1800,
            )
        ],
        recent_calls=calls or [],
        display=p.DisplaySettings(language="zh", recent_calls=10, announce_repeat=2),
        allow_priority=True,
    )


def called(seq: int, number: str, window: int, count: int = 1) -> p.TicketCalled | p.TicketRecalled:
    kind = p.TicketCalled if count == 1 else p.TicketRecalled
    view = ticket(number, "called", window)
    at = AT + dt.timedelta(seconds=seq)
    return kind(
        seq=seq, at=at, number=number, service="A", ticket=view, window=window, call_count=count
    )


def test_events_apply_in_seq_order_and_a_gap_is_refused() -> None:
    board = Board()
    assert board.load(snapshot(10)) == []  # the first snapshot is history, not news
    assert board.apply(called(10, "A001", 5)) == ("old", [])
    assert board.apply(called(12, "A001", 5))[0] == "gap"
    assert board.seq == 10
    outcome, new = board.apply(called(11, "A001", 5))
    assert outcome == "applied" and [c.number for c in new] == ["A001"]
    assert board.windows[5].current is not None and board.windows[5].current.number == "A001"


def test_a_call_seen_by_event_and_again_in_a_snapshot_is_reported_once() -> None:
    board = Board()
    board.load(snapshot(1))
    _, first = board.apply(called(2, "A001", 5))
    view = first[0]
    assert board.load(snapshot(1, [view])) is None  # older than the board: ignored
    later = p.CallView(number="A002", service="A", window=6, call_count=1, at=AT)
    assert board.load(snapshot(3, [later, view])) == [later]


def test_recall_moves_a_number_to_the_top_and_finish_clears_the_window() -> None:
    board = Board()
    board.load(snapshot(0))
    board.apply(called(1, "A001", 5))
    board.apply(called(2, "A002", 6))
    board.apply(called(3, "A001", 5, count=2))
    assert [c.number for c in board.latest_calls(10)] == ["A001", "A002"]
    done = p.TicketFinished(
        seq=4, at=AT, number="A001", service="A", ticket=ticket("A001", "done", 5), window=5
    )
    board.apply(done)
    assert board.windows[5].current is None and board.windows[6].current is not None
    board.apply(p.WindowClosed(seq=5, at=AT, window=6, state="closed"))
    assert board.windows[6].current is None and board.windows[6].state == "closed"
    board.apply(p.QueueChanged(seq=6, at=AT, waiting={}))
    assert board.services[0].waiting == 0


def test_numbers_are_read_the_way_a_hall_says_them() -> None:
    assert [chinese_number(n) for n in (3, 10, 12, 20, 105, 110, 1001)] == [
        "三",
        "十",
        "十二",
        "二十",
        "一百零五",
        "一百一十",
        "一千零一",
    ]
    call = p.CallView(number="T105", service="T", window=12, call_count=1, at=AT)
    assert sentences(call, "both", 2) == [
        "请 T 一 零 五 号，到 十二 号窗口办理",
        "请 T 一 零 五 号，到 十二 号窗口办理",
        "Number T 1 0 5, please go to window 12.",
    ]
    assert sentences(call, "en", 1) == ["Number T 1 0 5, please go to window 12."]


def test_a_pinyin_voice_gets_pinyin_and_espeak_speaks_it(tmp_path: Path) -> None:
    sentence = "请 A 零 一 二 号，到 三 号窗口办理"
    argv = command_argv("espeak-ng -v cmn-latn-pinyin", sentence)
    assert argv[-1] == "qing3 A ling2 yi1 er4 hao4 dao4 san1 hao4 chuang1 kou3 ban4 li3"
    assert command_argv("say --text={text} -q", sentence) == ["say", f"--text={sentence}", "-q"]
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path / "call.wav"
    subprocess.run([*command_argv(f"espeak-ng -v cmn-latn-pinyin -w {wav}", sentence)], check=True)
    assert wav.stat().st_size > 40_000  # about a second and a half of speech, not silence


def render(renderable: object, width: int = 100, height: int = 30) -> str:
    console = Console(record=True, width=width, height=height, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_the_terminal_hall_board_shows_the_call_and_the_link_state() -> None:
    board = Board()
    board.load(snapshot(0))
    board.apply(called(1, "A012", 5))
    shown = render(hall_board(board, "zh", AT, live=False))
    assert "请 A012 号到 5 号窗口办理" in shown
    assert big("A012")[2] in shown  # the number in block letters
    assert "正在重新连接" in shown and "09:30:00" in shown and "请保管好号票" in shown
    assert "正在重新连接" not in render(hall_board(board, "zh", AT, live=True))
    assert "Recent calls" in render(hall_board(board, "en", AT, live=True))


def test_the_terminal_window_board_follows_its_window() -> None:
    board = Board()
    board.load(snapshot(0))
    board.apply(called(1, "A012", 6))
    assert "请 A012 号到本窗口办理" in render(window_board(board, 6, "zh", AT, live=True), 60, 16)
    assert "等候叫号" in render(window_board(board, 5, "zh", AT, live=True), 60, 16)
    board.apply(p.WindowPaused(seq=2, at=AT, window=5, state="paused"))
    assert "暂停服务" in render(window_board(board, 5, "zh", AT, live=True), 60, 16)
