"""Consultation window: call a consult-first visitor, pre-check the item and refer them
with a special ticket, printed at the desk's own printer (a real TCP listener standing
in for it). The pre-check travels on to acceptance: tests/test_clerk_intake_precheck.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from intake_tui.screens.case_screen import CaseScreen
from intake_tui.screens.precheck import PrecheckScreen
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.ticket_card import TicketCard
from onewindow.client import HallClient
from tests.hallserver import HallServer
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    NetworkPrinter,
    clerk_app,
    hall_state,
    hall_with_desk_printer,
    issue,
    signed_in,
    start_hall,
    status,
    wait_for,
    window_of,
)
from tests.test_clerk_intake import pick_item


@pytest.fixture
def printer() -> Iterator[NetworkPrinter]:
    device = NetworkPrinter()
    yield device
    device.close()


@pytest.fixture
def hall(tmp_path: Path, printer: NetworkPrinter) -> Iterator[HallServer]:
    """The sample hall, with a desk printer at consultation window 1."""
    server = start_hall(tmp_path, hall_with_desk_printer(tmp_path, 1, printer))
    yield server
    server.stop()


async def precheck(pilot: Pilot[None], typed: str, code: str) -> None:
    """F9 at the desk, pick the item, tick every material, F9: record and refer."""
    app = pilot.app
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(app.screen, PrecheckScreen), "the pre-check")
    screen = app.screen
    assert isinstance(screen, PrecheckScreen)
    await wait_for(pilot, lambda: screen.index is not None, "the catalogue")
    await pick_item(pilot, screen, typed, code)
    await pilot.press("f2", "f9")


async def test_consultation_refers_a_visitor_with_a_printed_special_ticket(
    hall: HallServer, printer: NetworkPrinter
) -> None:
    (d001,) = await issue(hall, "D")
    app = clerk_app(hall, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1001")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        await precheck(pilot, "bdc", "440105-BDC-001")
        card = screen.query_one(TicketCard)
        await wait_for(pilot, lambda: card.ticket is not None, "the special ticket")
        await wait_for(pilot, lambda: "已打印" in status(app), "the desk printer")

        special = card.ticket
        assert special is not None
        assert (special.number, special.kind, special.service) == ("T001", "special", "D")
        assert special.case is not None  # it carries the pre-check
        assert screen.query_one(CurrentTicket).ticket is None  # D001 left the window
        await wait_for(pilot, lambda: printer.slips == 1, "the printer to close the slip")
        assert b"T001" in printer.received
        async with HallClient(hall.url) as supervisor:
            await supervisor.login("9001", PIN, None)
            (original,) = await supervisor.find_tickets(number="D001")
        assert (original.id, original.state, original.outcome) == (d001.id, "done", "referred")
        assert window_of(await hall_state(hall), 1).current is None


async def test_the_item_picked_decides_where_the_visitor_goes(hall: HallServer) -> None:
    await issue(hall, "F")
    app = clerk_app(hall, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1001")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        # queued for food and drug (F), the visitor turns out to need a health item (G)
        await precheck(pilot, "WJ-001", "440105-WJ-001")
        card = screen.query_one(TicketCard)
        await wait_for(pilot, lambda: card.ticket is not None, "the special ticket")
        assert card.ticket is not None and card.ticket.service == "G"
        services = {s.code: s.waiting for s in (await hall_state(hall)).services}
        assert services["G"] == 1 and services["F"] == 0


async def test_special_ticket_needs_a_visitor_at_the_window(hall: HallServer) -> None:
    app = clerk_app(hall, 1)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "1001")
        await pilot.press("f9")
        assert "没有号票" in status(app)
        assert not isinstance(app.screen, CaseScreen)
        assert (await hall_state(hall)).services[0].waiting == 0
