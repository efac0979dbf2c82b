"""The network back-end against a real TCP listener on 127.0.0.1 that acts as a printer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest

from onewindow.config import Config, PrinterConfig
from onewindow.protocol import TicketView
from tests.printer_support import (
    PAPER_LOW,
    PAPER_OUT,
    STATUS,
    BusyPort,
    FakePrinter,
    closed_port,
    decode,
)
from ticket_printer.document import Document
from ticket_printer.output import Printer
from ticket_printer.tickets import ticket_document

TIMEOUT_S = 0.4


def network(port: int) -> PrinterConfig:
    return PrinterConfig(backend="network", host="127.0.0.1", port=port, timeout_s=TIMEOUT_S)


@pytest.fixture
def doc(config: Config) -> Document:
    t = TicketView(
        id="k2Jd93-xQe1",
        number="B007",
        service="B",
        kind="normal",
        state="waiting",
        issued_at=dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC),
        channel="kiosk",
        people_ahead=1,
        estimated_wait_s=300,
    )
    return ticket_document(config, t, "http://hall.example")


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()


def wait_for(predicate: Callable[[], object], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_ticket_reaches_the_printer_and_is_confirmed(fake: FakePrinter, doc: Document) -> None:
    outcome = Printer(network(fake.port)).print(doc)
    assert outcome.ok and outcome.confirmed and not outcome.paper_low
    assert outcome.target == f"network 127.0.0.1:{fake.port}"
    wait_for(lambda: fake.received and fake.received[0].count(STATUS) == 2)
    sent = fake.received[0]
    assert sent.startswith(STATUS) and sent.endswith(STATUS), "status asked before and after"
    slip = decode(sent)
    assert slip.find("B007").width == 4
    assert slip.find("社保医保").chinese
    assert slip.qr == [("http://hall.example/t/k2Jd93-xQe1", "center")]
    assert slip.cuts == 1


def test_empty_roll_is_reported_before_anything_prints(doc: Document) -> None:
    fake = FakePrinter(paper=PAPER_OUT)
    try:
        outcome = Printer(network(fake.port)).print(doc)
        assert not outcome.ok and outcome.reason == "paper_out"
        assert "缺纸" in outcome.message("zh") and "out of paper" in outcome.message("en")
        wait_for(lambda: bool(fake.received and fake.received[0]))
        time.sleep(0.05)  # let any stray bytes arrive before checking there were none
        assert fake.received[0] == STATUS, "the ticket must not print later when paper is loaded"
    finally:
        fake.close()


def test_paper_low_prints_and_warns(doc: Document) -> None:
    fake = FakePrinter(paper=PAPER_LOW)
    try:
        outcome = Printer(network(fake.port)).print(doc)
        assert outcome.ok and outcome.paper_low
        assert "纸将用完" in outcome.message("zh")
    finally:
        fake.close()


def test_printer_without_status_support_is_asked_only_once(doc: Document) -> None:
    fake = FakePrinter(mode="silent")
    try:
        printer = Printer(network(fake.port))
        first = printer.print(doc)
        second = printer.print(doc)
        assert first.ok and second.ok and not first.confirmed
        wait_for(lambda: len(fake.received) == 2 and fake.received[1].endswith(b"\x1dV\x00"))
        assert fake.received[0].startswith(STATUS)
        assert STATUS not in fake.received[1], "a silent printer is not asked again"
        assert decode(fake.received[1]).find("B007")
    finally:
        fake.close()


def test_refused_connection_is_a_clear_fault(doc: Document) -> None:
    outcome = Printer(network(closed_port())).print(doc)
    assert not outcome.ok and outcome.reason == "refused"
    assert "拒绝连接" in outcome.message("zh")
    assert "refused" in outcome.message("en")


def test_connect_timeout_is_the_configured_one_not_sixty_seconds(doc: Document) -> None:
    busy = BusyPort()
    try:
        started = time.monotonic()
        outcome = Printer(network(busy.port)).print(doc)
        elapsed = time.monotonic() - started
    finally:
        busy.close()
    assert not outcome.ok and outcome.reason == "timeout"
    assert elapsed < TIMEOUT_S * 3 + 1.0, f"took {elapsed:.1f} s: the timeout was not applied"


def test_printer_that_hangs_mid_ticket_times_out(doc: Document) -> None:
    fake = FakePrinter(mode="hang")
    try:
        outcome = Printer(network(fake.port)).print(doc)
    finally:
        fake.close()
    assert not outcome.ok and outcome.reason == "timeout"


def test_connection_closed_mid_write_is_noticed(doc: Document) -> None:
    fake = FakePrinter(mode="close_mid", cut_after=60)
    try:
        outcome = Printer(network(fake.port)).print(doc)
    finally:
        fake.close()
    assert not outcome.ok and outcome.reason == "closed"
    assert "连接断开" in outcome.message("zh")


def test_unknown_host_is_unreachable(doc: Document) -> None:
    cfg = dataclasses.replace(network(9100), host="printer.invalid")
    outcome = Printer(cfg).print(doc)
    assert not outcome.ok and outcome.reason in ("unreachable", "timeout")


def test_check_asks_the_printer_without_printing() -> None:
    fake = FakePrinter(paper=PAPER_OUT)
    try:
        out = Printer(network(fake.port)).check()
        assert not out.ok and out.reason == "paper_out"
        fake.paper = PAPER_LOW
        low = Printer(network(fake.port)).check()
        assert low.ok and low.paper_low
        wait_for(lambda: len(fake.received) == 2)
        assert fake.received == [STATUS, STATUS], "a check prints nothing"
    finally:
        fake.close()
    refused = Printer(network(closed_port())).check()
    assert not refused.ok and refused.reason == "refused"
