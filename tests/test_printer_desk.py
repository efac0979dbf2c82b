"""Special-call tickets printed at a desk, desk printer settings, and the local back-ends."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from onewindow.client import HallClient
from onewindow.config import Config, PrinterConfig
from tests.hallserver import DEMO_PIN, HallServer
from tests.printer_support import FakePrinter, decode, decode_slips
from ticket_printer.desk import desk_printer, print_special
from ticket_printer.document import Document, Text
from ticket_printer.output import Printer


def with_desk_printer(config: Config, window: int, spec: str) -> Config:
    windows = tuple(
        dataclasses.replace(w, printer=spec) if w.number == window else w for w in config.windows
    )
    return dataclasses.replace(config, windows=windows)


async def test_special_ticket_from_consultation_prints_at_that_desk(
    config: Config, hall_server: HallServer
) -> None:
    fake = FakePrinter()
    try:
        async with HallClient(hall_server.url, "demo-kiosk-token") as kiosk:
            first = await kiosk.issue_ticket("D")  # real estate: consultation first
        async with HallClient(hall_server.url) as clerk:
            await clerk.login("1001", DEMO_PIN, 1)
            called = await clerk.call_next(1)
            assert called is not None and called.id == first.id
            special = await clerk.issue_special(first.id)
        desk_config = with_desk_printer(config, 1, f"127.0.0.1:{fake.port}")
        outcome = print_special(desk_config, special, "zh", desk=1, server_url=hall_server.url)
        assert outcome.ok, outcome
        slip = decode(fake.received[0])
    finally:
        fake.close()
    assert special.number.startswith("T")
    assert slip.find(special.number).width == 4
    assert "特呼号" in slip.text() and "不动产登记" in slip.text()
    assert "请到 5-6、16、18-19 号窗口办理" in slip.text()
    assert slip.qr == [(f"{hall_server.url}/t/{special.id}", "center")]


def test_desk_printer_setting_forms(config: Config) -> None:
    def backend(spec: str) -> PrinterConfig:
        return desk_printer(with_desk_printer(config, 4, spec), 4)

    net = backend("192.0.2.21:9101")
    assert (net.backend, net.host, net.port) == ("network", "192.0.2.21", 9101)
    usb = backend("usb:0416:5011")
    assert (usb.backend, usb.vendor_id, usb.product_id) == ("usb", 0x0416, 0x5011)
    serial = backend("serial:/dev/ttyUSB0@19200")
    assert (serial.backend, serial.device, serial.baudrate) == ("serial", "/dev/ttyUSB0", 19200)
    assert backend("dummy").backend == "dummy"
    lp = backend("/dev/usb/lp1")
    assert (lp.backend, lp.device) == ("file", "/dev/usb/lp1")
    relative = backend("var/desk4.bin")
    assert relative.device == str(config.base_dir / "var/desk4.bin")
    # No setting of its own: the hall's [printer], with its path made absolute.
    assert desk_printer(config, 5).backend == config.printer.backend
    assert desk_printer(config, None).device == str(config.resolve(config.printer.device))


DOC = Document((Text("测试 test"),), name="T001")


def test_file_backend_appends_every_slip(tmp_path: Path) -> None:
    path = tmp_path / "printer.bin"
    printer = Printer(PrinterConfig(backend="file", device=str(path)))
    assert printer.print(DOC).ok and printer.print(DOC).ok
    slips = decode_slips(path.read_bytes())
    assert len(slips) == 2 and all(s.lines[0].text == "测试 test" for s in slips)


@pytest.mark.parametrize(
    ("device", "reason"),
    [("/nonexistent/usb/lp0", "no_device"), ("/dev/full", "io_error")],
)
def test_file_backend_faults(device: str, reason: str) -> None:
    outcome = Printer(PrinterConfig(backend="file", device=device)).print(DOC)
    assert not outcome.ok and outcome.reason == reason
    assert outcome.message("zh") and outcome.message("en") != outcome.message("zh")


def test_usb_without_the_device_or_its_driver_is_a_fault_not_a_crash() -> None:
    outcome = Printer(PrinterConfig(backend="usb", vendor_id=0x0416, product_id=0x5011)).print(DOC)
    assert not outcome.ok and outcome.reason in ("driver_missing", "no_device")


def test_dummy_backend_prints_nowhere_and_succeeds() -> None:
    printer = Printer(PrinterConfig(backend="dummy"))
    assert printer.print(DOC).ok
    assert decode(printer.last_bytes).cuts == 1
