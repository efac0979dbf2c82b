"""A snapshot of the kiosk's start screen (pytest-textual-snapshot), against a fresh hall."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from onewindow.config import Config, PrinterConfig
from tests.hallserver import HallServer
from ticket_printer.kiosk.app import KioskApp


def test_start_screen(config: Config, tmp_path: Path, snap_compare: Callable[..., bool]) -> None:
    hall = HallServer(tmp_path / "hall.sqlite").start()
    try:
        cfg = dataclasses.replace(config, printer=PrinterConfig(backend="dummy"))
        app = KioskApp(cfg, hall.url, "demo-kiosk-token", journal_dir=str(tmp_path / "journal"))

        async def connected(pilot: Pilot[None]) -> None:
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and not (
                app.start.online and app.start.waiting and app.start.printer_note
            ):
                await pilot.pause(0.05)

        assert snap_compare(app, terminal_size=(120, 36), run_before=connected)
    finally:
        hall.stop()
