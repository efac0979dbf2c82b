"""The kiosk, driven with Textual's Pilot against a real hall server and real printers."""

from __future__ import annotations

import dataclasses
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from onewindow import protocol as p
from onewindow.config import Config, PrinterConfig
from tests.hallserver import SAMPLE_CONFIG, HallServer
from tests.printer_support import closed_port, decode, decode_slips
from ticket_printer.kiosk.app import KioskApp
from ticket_printer.kiosk.screens.issued import IssuedScreen
from ticket_printer.kiosk.screens.staff import StaffScreen
from ticket_printer.kiosk.screens.start import StartScreen
from ticket_printer.kiosk.widgets.big_number import BigNumber
from ticket_printer.output import Printer

KIOSK = "demo-kiosk-token"
SIZE = (120, 40)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """One server for the tests that only add tickets (each uses its own services)."""
    hall = HallServer(tmp_path_factory.mktemp("kiosk") / "hall.sqlite").start()
    yield hall
    hall.stop()


def kiosk_config(config: Config, printer: PrinterConfig, idle_seconds: float = 30.0) -> Config:
    kiosk = dataclasses.replace(config.kiosk, idle_seconds=idle_seconds)
    return dataclasses.replace(config, printer=printer, kiosk=kiosk)


def waiting(server: HallServer, service: str) -> int:
    req = urllib.request.Request(
        f"{server.url}/api/state", headers={"Authorization": f"Bearer {KIOSK}"}
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        state = msgspec.json.decode(r.read(), type=p.StateSnapshot)
    return next(s.waiting for s in state.services if s.code == service)


async def until(pilot: Pilot[None], condition: Callable[[], object], timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def shown(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_choose_a_service_see_the_number_and_get_the_printed_ticket(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    paper = tmp_path / "printer.bin"
    cfg = kiosk_config(config, PrinterConfig(backend="file", device=str(paper)))
    app = KioskApp(cfg, server.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        before = app.start.waiting["B"]
        assert "等候 0 人" in str(app.start.query_one("#service-B").label)
        await pilot.click("#service-B")
        await until(pilot, lambda: isinstance(app.screen, IssuedScreen) and app.screen.outcome)
        assert app.screen.query_one(BigNumber).number == "B001"
        assert "B001  社保医保" in shown(app, "#service")
        assert "前面等候 0 人" in shown(app, "#facts")
        assert "请取走号票" in shown(app, "#print")
        await pilot.click("#done")
        await until(pilot, lambda: app.screen is app.start and app.start.waiting["B"] == before + 1)
        assert "等候 1 人" in str(app.start.query_one("#service-B").label)
        assert "打印机正常" in shown(app, "#status")
    slip = decode(paper.read_bytes())
    assert slip.find("B001").width == 4 and slip.find("社保医保").chinese
    assert slip.qr[0][0].startswith(f"{server.url}/t/")


async def test_double_tap_gives_one_ticket(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    paper = tmp_path / "printer.bin"
    cfg = kiosk_config(config, PrinterConfig(backend="file", device=str(paper)))
    app = KioskApp(cfg, server.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        button = app.start.query_one("#service-C").region
        spot = (button.x + 2, button.y + 2)
        await pilot.click(offset=spot)
        await pilot.click(offset=spot)  # lands wherever the finger lands: no second ticket
        await until(pilot, lambda: isinstance(app.screen, IssuedScreen) and app.screen.outcome)
        assert app.screen.query_one(BigNumber).number == "C001"
        await pilot.click("#done")
        await until(pilot, lambda: app.screen is app.start)
        # Two taps that both arrive before the server answers the first.
        app.start.post_message(StartScreen.Chosen("C", False))
        app.start.post_message(StartScreen.Chosen("C", False))
        await until(pilot, lambda: isinstance(app.screen, IssuedScreen) and app.screen.outcome)
        assert app.screen.query_one(BigNumber).number == "C002"
        await pilot.pause(0.3)
    assert waiting(server, "C") == 2
    assert len(decode_slips(paper.read_bytes())) == 2


async def test_priority_ticket_in_english_then_idle_resets_to_chinese(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    cfg = kiosk_config(
        config, PrinterConfig(backend="dummy"), idle_seconds=2.0
    )  # long enough for two taps on a busy machine
    app = KioskApp(cfg, server.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        await pilot.click("#language")
        await until(
            pilot, lambda: "Certificate pick-up" in str(app.start.query_one("#service-H").label)
        )
        await pilot.click("#priority")
        assert "Priority ticket chosen" in str(app.start.query_one("#priority").label)
        await pilot.click("#service-H")
        await until(pilot, lambda: isinstance(app.screen, IssuedScreen))
        assert app.screen.ticket.kind == "priority"
        assert shown(app, "#kind") == "Priority" and "people ahead" in shown(app, "#facts")
        # Nobody touches the screen: back to the start, in Chinese, no priority.
        await until(pilot, lambda: app.screen is app.start, timeout=10)
        assert "证照领取" in str(app.start.query_one("#service-H").label)
        assert app.start.priority is False and app.client.language == "zh"
        # A visitor who only switched language and walked away leaves Chinese behind too.
        await pilot.click("#language")
        await until(pilot, lambda: app.lang == "zh" and app.start.lang == "zh", timeout=10)


async def test_printer_fault_shows_the_number_and_staff_can_reprint(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    down = PrinterConfig(backend="network", host="127.0.0.1", port=closed_port(), timeout_s=0.3)
    app = KioskApp(kiosk_config(config, down), server.url, KIOSK, journal_dir=str(tmp_path / "j"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        await pilot.click("#service-Z")
        await until(pilot, lambda: isinstance(app.screen, IssuedScreen) and app.screen.outcome)
        assert app.screen.query_one(BigNumber).number == "Z001"
        note = shown(app, "#print")
        assert "号票未能打印：打印机拒绝连接" in note and "请记住号码 Z001" in note
        await pilot.click("#done")
        assert "Z001: 打印机拒绝连接" in shown(app, "#status")

        # Staff mend the printer (here: point the kiosk at a working one) and reprint.
        paper = tmp_path / "mended.bin"
        app.station.printer = Printer(PrinterConfig(backend="file", device=str(paper)))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, StaffScreen))
        assert "Z001" in str(app.screen.query_one(".unprinted Static", Static).content)
        await pilot.click("#reprint-Z001")
        await until(pilot, lambda: paper.exists() and paper.stat().st_size > 0)
        await until(
            pilot, lambda: "打印机正常" in str(app.start.query_one("#status", Static).content)
        )
        assert app.station.journal.unprinted() == []
    assert decode(paper.read_bytes()).find("Z001").width == 4


async def test_server_down_says_so_in_the_visitors_language(config: Config, tmp_path: Path) -> None:
    hall = HallServer(tmp_path / "hall.sqlite").start()
    cfg = kiosk_config(config, PrinterConfig(backend="dummy"))
    app = KioskApp(cfg, hall.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.start.online)
            hall.kill()
            await until(pilot, lambda: app.start.online is False)
            assert "暂时无法连接取号服务" in shown(app, "#banner")
            await pilot.click("#language")
            await until(pilot, lambda: "cannot be reached" in shown(app, "#banner"))
            await pilot.click("#service-A")
            await until(pilot, lambda: "No ticket was issued" in shown(app, "#banner"))
            assert app.screen is app.start
            assert "Server not connected" in shown(app, "#status")
            # The server comes back: the kiosk notices by itself and clears the warning.
            hall.start()
            await until(pilot, lambda: app.start.online, timeout=15)
            await pilot.click("#service-A")
            await until(pilot, lambda: isinstance(app.screen, IssuedScreen))
            assert app.screen.ticket.number == "A001"
    finally:
        hall.stop()


async def test_kiosk_started_while_the_server_is_down(config: Config, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    app = KioskApp(
        kiosk_config(config, PrinterConfig(backend="dummy")),
        url,
        KIOSK,
        journal_dir=str(tmp_path / "journal"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online is False)
        assert "暂时无法连接取号服务" in shown(app, "#banner")
        assert "服务器未连接" in shown(app, "#status")


async def test_wrong_device_token_is_explained(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    app = KioskApp(
        kiosk_config(config, PrinterConfig(backend="dummy")),
        server.url,
        "not-a-token",
        journal_dir=str(tmp_path / "journal"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "未登录" in shown(app, "#banner"))


async def test_priority_button_follows_the_server(config: Config, tmp_path: Path) -> None:
    """The kiosk's own config says priority is allowed; the hall's server says not."""
    text = (
        SAMPLE_CONFIG.read_text(encoding="utf-8")
        .replace("allow_priority = true", "allow_priority = false")
        .replace('file = "catalogue.toml"', f'file = "{SAMPLE_CONFIG.parent / "catalogue.toml"}"')
    )
    (tmp_path / "hall.toml").write_text(text, encoding="utf-8")
    hall = HallServer(tmp_path / "hall.sqlite", config=tmp_path / "hall.toml").start()
    try:
        app = KioskApp(
            kiosk_config(config, PrinterConfig(backend="dummy")),
            hall.url,
            KIOSK,
            journal_dir=str(tmp_path / "journal"),
        )
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.start.online)
            assert app.start.query_one("#priority").display is False
    finally:
        hall.stop()


async def test_ctrl_c_stops_the_kiosk_without_framework_text(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    cfg = kiosk_config(config, PrinterConfig(backend="dummy"))
    app = KioskApp(cfg, server.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.start.online)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app._notifications
    assert app.return_code == 0 and not app.is_running
