"""Supervisor mode: the whole hall live, wait alerts, and moves on waiting tickets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_tui.screens.acceptance import AcceptanceScreen
from intake_tui.screens.confirm_dialog import ConfirmDialog
from intake_tui.screens.supervisor import SupervisorScreen
from intake_tui.screens.transfer_dialog import TransferDialog
from intake_tui.widgets.alert_bar import AlertBar
from intake_tui.widgets.window_board import WindowBoard
from onewindow.client import HallClient
from tests.hallserver import ROOT, SAMPLE_CONFIG, HallServer
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    clerk_app,
    hall_state,
    issue,
    signed_in,
    start_hall,
    status,
    type_text,
    wait_for,
)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallServer]:
    """The sample hall, with a wait limit for service A short enough to pass in a test."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    service_a = 'name_en = "General intake"\n'
    assert service_a in text
    text = text.replace(service_a, f"{service_a}wait_alert_minutes = 0.02\n")
    text = text.replace('file = "catalogue.toml"', f'file = "{ROOT / "catalogue.toml"}"')
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    server = start_hall(tmp_path, config)
    yield server
    server.stop()


def cell(board: WindowBoard, window: int, column: str) -> str:
    return str(board.get_cell(str(window), column))


async def test_supervisor_sees_another_windows_call_live(hall: HallServer) -> None:
    await issue(hall, "B")
    app = clerk_app(hall, None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "9001")  # no window: the hall view
        assert isinstance(screen, SupervisorScreen)
        board = screen.query_one(WindowBoard)
        assert cell(board, 6, "state") == "关闭"
        async with HallClient(hall.url) as clerk:
            await clerk.login("1002", PIN, 6)
            await wait_for(pilot, lambda: cell(board, 6, "staff") == "1002", "window 6 opening")
            assert cell(board, 6, "state") == "开放"
            await clerk.call_next(6)
            await wait_for(pilot, lambda: "B001" in cell(board, 6, "ticket"), "the call at 6")
            assert "已呼叫" in cell(board, 6, "ticket")
            await clerk.window_action(6, "finish")
            await clerk.pause(6, "午休")
            await wait_for(pilot, lambda: "午休" in cell(board, 6, "state"), "the pause reason")
            assert cell(board, 6, "ticket") == "—"


async def test_alert_when_the_oldest_ticket_waits_past_the_limit(hall: HallServer) -> None:
    app = clerk_app(hall, None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "9001")
        alerts = screen.query_one(AlertBar)
        assert not alerts.has_class("-alert")
        await issue(hall, "A")  # the limit for A is 1.2 s in this hall
        await wait_for(pilot, lambda: alerts.has_class("-alert"), "the wait alert")
        assert "A 综合受理" in str(alerts.render())
        async with HallClient(hall.url) as clerk:
            await clerk.login("1005", PIN, 5)
            await clerk.call_next(5)  # the waiting visitor is called: the alert goes
        await wait_for(pilot, lambda: not alerts.has_class("-alert"), "the alert to clear")


async def test_supervisor_reassigns_and_cancels_waiting_tickets(hall: HallServer) -> None:
    await issue(hall, "A", "A")
    app = clerk_app(hall, None)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "9001")
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferDialog), "the dialog")
        await type_text(pilot, "a1")
        await pilot.press("tab")
        await type_text(pilot, "c")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已改派" in status(app), "the reassignment")
        waiting = {s.code: s.waiting for s in (await hall_state(hall)).services}
        assert (waiting["A"], waiting["C"]) == (1, 1)

        await pilot.press("f2")
        await type_text(pilot, "A002")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the confirmation")
        await pilot.press("escape")  # not cancelled after all
        await pilot.press("f2")
        await type_text(pilot, "A002")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the confirmation")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已作废" in status(app), "the cancellation")
        waiting = {s.code: s.waiting for s in (await hall_state(hall)).services}
        assert waiting["A"] == 0


async def test_supervisor_at_a_window_switches_to_the_hall_view(hall: HallServer) -> None:
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "9001")
        assert isinstance(screen, AcceptanceScreen)
        await pilot.press("f11")
        await wait_for(pilot, lambda: isinstance(app.screen, SupervisorScreen), "the hall view")
        await pilot.press("f11")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptanceScreen), "the window")


async def test_a_clerk_cannot_switch_to_the_hall_view(hall: HallServer) -> None:
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f11")
        assert app.screen is screen
        assert "值班长" in status(app)
