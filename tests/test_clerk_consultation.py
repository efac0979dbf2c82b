"""Consultation window: call a consult-first visitor, refer them with a special ticket,
printed at the desk's own printer (a real TCP listener standing in for it)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.service_picker import ServicePicker
from intake_tui.widgets.ticket_card import TicketCard
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
    wait_for,
    window_of,
)  # fmt: skip

STATUS_REQUEST = b"\x10\x04\x04"  # DLE EOT 4: the printer's paper sensor
PAPER_OK = b"\x12"


class NetworkPrinter:
    """A TCP listener that takes ESC/POS bytes and answers paper-status requests."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = bytearray()
        self.slips = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(65536):
                    self.received += chunk
                    for _ in range(chunk.count(STATUS_REQUEST)):
                        conn.sendall(PAPER_OK)
            self.slips += 1

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def printer() -> Iterator[NetworkPrinter]:
    device = NetworkPrinter()
    yield device
    device.close()


@pytest.fixture
def hall(tmp_path: Path, printer: NetworkPrinter) -> Iterator[HallServer]:
    """The sample hall, with a desk printer at consultation window 1."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    window_1 = 'name = "综合咨询1号窗"\n'
    assert window_1 in text
    text = text.replace(window_1, f'{window_1}printer = "127.0.0.1:{printer.port}"\n')
    text = text.replace('file = "catalogue.toml"', f'file = "{ROOT / "catalogue.toml"}"')
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    server = start_hall(tmp_path, config)
    yield server
    server.stop()


async def test_consultation_refers_a_visitor_with_a_printed_special_ticket(
    hall: HallServer, printer: NetworkPrinter
) -> None:
    (d001,) = await issue(hall, "D")
    app = clerk_app(hall, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1001")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        assert screen.query_one(ServicePicker).chosen == "D"  # the visitor's own service
        await pilot.press("f9")
        card = screen.query_one(TicketCard)
        await wait_for(pilot, lambda: card.ticket is not None, "the special ticket")
        await wait_for(pilot, lambda: "已打印" in status(app), "the desk printer")

        special = card.ticket
        assert special is not None
        assert (special.number, special.kind, special.service) == ("T001", "special", "D")
        assert screen.query_one(CurrentTicket).ticket is None  # D001 left the window
        await wait_for(pilot, lambda: printer.slips == 1, "the printer to close the slip")
        assert b"T001" in printer.received
        async with HallClient(hall.url) as supervisor:
            await supervisor.login("9001", PIN, None)
            (original,) = await supervisor.find_tickets(number="D001")
        assert (original.id, original.state, original.outcome) == (d001.id, "done", "referred")
        assert window_of(await hall_state(hall), 1).current is None


async def test_the_clerk_picks_another_item_with_the_arrow_keys(hall: HallServer) -> None:
    await issue(hall, "F")
    app = clerk_app(hall, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1001")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        await pilot.press("down")  # F -> G
        await pilot.press("f9")
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
        assert (await hall_state(hall)).services[0].waiting == 0
