"""Guide desk mode: tickets on a visitor's behalf, look-ups, special tickets, no-shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events

from intake_tui.screens.guide import GuideScreen
from intake_tui.widgets.service_picker import ServicePicker
from intake_tui.widgets.status_line import StatusLine
from intake_tui.widgets.ticket_card import TicketCard
from onewindow.client import HallClient
from onewindow.i18n import text
from tests.hallserver import HallServer
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    NetworkPrinter,
    StepClock,
    clerk_app,
    hall_state,
    hall_with_desk_printer,
    issue,
    signed_in,
    start_hall,
    status,
    type_text,
    wait_for,
)


async def waiting(hall: HallServer) -> dict[str, int]:
    return {s.code: s.waiting for s in (await hall_state(hall)).services}


async def test_guide_issues_normal_and_priority_tickets_once_per_press(hall: HallServer) -> None:
    app = clerk_app(hall, 4)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "2001")
        assert isinstance(screen, GuideScreen)
        card = screen.query_one(TicketCard)
        await pilot.press("down")  # A -> B
        assert screen.query_one(ServicePicker).chosen == "B"
        said: list[str] = []
        screen.watch(screen.query_one(StatusLine), "message", lambda m: said.append(m), init=False)
        # a double tap: the second press arrives before the first ticket is issued
        app.post_message(events.Key("f1", None))
        app.post_message(events.Key("f1", None))
        await wait_for(pilot, lambda: card.ticket is not None and not screen.busy, "the ticket")
        assert said[0] == text("clerk.error.busy")  # the second press, refused here
        assert card.ticket is not None and card.ticket.number == "B001"
        assert (await waiting(hall))["B"] == 1

        await pilot.press("f2")
        await wait_for(
            pilot,
            lambda: card.ticket is not None and card.ticket.number == "B002",
            "the priority ticket",
        )
        assert card.ticket is not None and card.ticket.kind == "priority"
        assert card.ticket.people_ahead == 0  # a priority ticket goes before B001
        assert "B002" in status(app)
        assert (await waiting(hall))["B"] == 2


async def test_guide_looks_a_number_up(hall: HallServer) -> None:
    await issue(hall, "A", "A")
    app = clerk_app(hall, 4)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "2001")
        await pilot.press("f4")
        await type_text(pilot, "a2")
        await pilot.press("enter")
        card = screen.query_one(TicketCard)
        await wait_for(pilot, lambda: card.ticket is not None, "the look-up")
        assert card.ticket is not None
        assert (card.ticket.number, card.ticket.people_ahead) == ("A002", 1)
        app.desk.monotonic = clock = StepClock()
        clock.step()  # a second look-up, meant
        await pilot.press("f4")
        await type_text(pilot, "A9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "没有号票 A009" in status(app), "not found")


async def test_guide_issues_a_special_ticket_from_a_visitors_ticket(hall: HallServer) -> None:
    await issue(hall, "E")
    app = clerk_app(hall, 4)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "2001")
        await pilot.press("f3")
        await type_text(pilot, "E1")
        await pilot.press("enter")
        card = screen.query_one(TicketCard)
        await wait_for(pilot, lambda: card.ticket is not None, "the special ticket")
        assert card.ticket is not None
        assert (card.ticket.number, card.ticket.service) == ("T001", "E")
        assert "E001" in status(app)
        app.desk.monotonic = clock = StepClock()
        clock.step()
        await pilot.press("f3")  # the same visitor twice: the server refuses
        await type_text(pilot, "E1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已经换发过特呼号" in status(app), "the refusal")


async def test_guide_reinstates_a_no_show(hall: HallServer) -> None:
    await issue(hall, "A")
    async with HallClient(hall.url) as clerk:
        await clerk.login("1005", PIN, 5)
        await clerk.call_next(5)
        for _ in range(2):
            await clerk.window_action(5, "recall")
        await clerk.window_action(5, "no-show")
    assert (await waiting(hall))["A"] == 0
    app = clerk_app(hall, 4)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "2001")
        await pilot.press("f6")
        await type_text(pilot, "A001")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "A001 已恢复排队" in status(app), "the reinstatement")
        assert (await waiting(hall))["A"] == 1


async def test_reprint_says_when_the_desk_has_no_printer(hall: HallServer) -> None:
    app = clerk_app(hall, 4)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "2001")
        await pilot.press("f5")
        assert "先按 F4" in status(app)
        await pilot.press("f1")
        await wait_for(pilot, lambda: "A001" in status(app), "the ticket")
        await pilot.press("f5")
        assert "没有配置打印机" in status(app)


@pytest.fixture
def printer() -> Iterator[NetworkPrinter]:
    device = NetworkPrinter()
    yield device
    device.close()


@pytest.fixture
def printing_hall(tmp_path: Path, printer: NetworkPrinter) -> Iterator[HallServer]:
    """The sample hall with a desk printer at the guide desk (window 4)."""
    server = start_hall(tmp_path, hall_with_desk_printer(tmp_path, 4, printer))
    yield server
    server.stop()


async def test_guide_desk_prints_what_it_issues_and_reprints_it(
    printing_hall: HallServer, printer: NetworkPrinter
) -> None:
    app = clerk_app(printing_hall, 4)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "2001")
        await pilot.press("f1")
        await wait_for(pilot, lambda: printer.slips == 1, "the first slip")
        await wait_for(pilot, lambda: status(app) == "A001 已打印。", "the print outcome")
        await pilot.press("f5")
        await wait_for(pilot, lambda: printer.slips == 2, "the reprint")
        assert printer.received.count(b"A001") >= 2
        assert (await waiting(printing_hall))["A"] == 1  # a reprint issues nothing
