"""The kiosk in English, walked with Textual's Pilot against a real hall server.

Everything a visitor reads must be English once they switch language: the start
screen, its status line, buttons, the issued ticket, the progress keypad, the staff
panel and its toasts. Two things keep their own script by design: the hall's name
(a proper name; the config gives it in Chinese only) and the language button, which
names Chinese in Chinese so a Chinese reader finds the way back.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button

from onewindow import i18n
from onewindow.config import Config, PrinterConfig
from tests.hallserver import HallServer
from tests.printer_support import closed_port
from ticket_printer.kiosk.app import KioskApp
from ticket_printer.kiosk.screens.issued import IssuedScreen
from ticket_printer.kiosk.screens.progress import ProgressScreen
from ticket_printer.kiosk.screens.staff import StaffScreen

KIOSK = "demo-kiosk-token"
SIZES = [(80, 40), (120, 40), (200, 50)]
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    hall = HallServer(tmp_path_factory.mktemp("kiosk-en") / "hall.sqlite").start()
    yield hall
    hall.stop()


async def until(pilot: Pilot[None], condition: Callable[[], object], timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def screen_text(app: KioskApp) -> str:
    """What the terminal shows right now, cell for cell (toasts and dialogs included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_english(app: KioskApp, where: str) -> None:
    text = screen_text(app)
    for own_script in (app.config.hall.name, i18n.text("kiosk.other_language", "en")):
        text = text.replace(own_script, "", 1)
    found = CJK.findall(text)
    assert not found, f"{where}: {''.join(found)!r} on screen:\n{text}"


def assert_buttons_fit(app: KioskApp, where: str) -> None:
    width, height = app.size
    for button in app.screen.query(Button):
        if not button.display or button.region.area == 0:  # hidden, or not laid out
            continue
        region = button.region
        assert region.right <= width and region.bottom <= height, (where, button.id, region)
        for line in str(button.label).split("\n"):
            if button.has_class("service"):
                continue  # service names wrap inside their big tiles, checked on screen
            # One cell of padding each side of the label (Button's line-pad).
            assert region.width >= cell_len(line) + 2, (where, button.id, region, line)


def down_printer() -> PrinterConfig:
    return PrinterConfig(backend="network", host="127.0.0.1", port=closed_port(), timeout_s=0.3)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_switched_to_english_every_screen_is_english_and_buttons_fit(
    config: Config, server: HallServer, tmp_path: Path, size: tuple[int, int]
) -> None:
    kiosk = dataclasses.replace(config.kiosk, idle_seconds=120.0)
    cfg = dataclasses.replace(config, printer=down_printer(), kiosk=kiosk)
    app = KioskApp(cfg, server.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    async with app.run_test(size=size, notifications=True) as pilot:
        # The kiosk starts in Chinese and has worded the printer's state in Chinese.
        await until(pilot, lambda: app.start.online and app.start.printer_note)
        await pilot.click("#language")
        await until(pilot, lambda: app.start.lang == "en")
        await pilot.pause(0.1)
        assert_english(app, "start")
        assert "The printer refused the connection" in screen_text(app)
        assert_buttons_fit(app, "start")
        for tile in ("General intake", "Enquiries", "Pre-check at"):
            assert tile in screen_text(app), tile

        await pilot.click("#priority")
        await pilot.pause(0.1)
        assert "Priority ticket chosen (tap again to cancel)" in screen_text(app)
        assert_buttons_fit(app, "start, priority chosen")

        await pilot.click("#progress-query")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await pilot.pause(0.1)
        assert_english(app, "progress")
        assert_buttons_fit(app, "progress")
        await pilot.click("#progress-start")
        await until(pilot, lambda: app.screen is app.start)
        await pilot.click("#language")  # back to the start means back to Chinese
        await until(pilot, lambda: app.start.lang == "en")

        await pilot.click("#service-A")
        await until(pilot, lambda: isinstance(app.screen, IssuedScreen) and app.screen.outcome)
        await pilot.pause(0.1)
        assert_english(app, "issued")
        assert "could not be printed" in screen_text(app)
        assert_buttons_fit(app, "issued")
        assert isinstance(app.screen, IssuedScreen)
        number = app.screen.ticket.number
        await pilot.click("#done")
        await until(pilot, lambda: app.screen is app.start)

        await pilot.click("#language")
        await until(pilot, lambda: app.start.lang == "en")
        await pilot.pause(0.1)
        # The failed ticket stays on the status line, worded in the language on screen.
        assert f"{number}: The printer refused the connection" in screen_text(app)
        assert_english(app, "start, after a failed print")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, StaffScreen))
        await pilot.pause(0.1)
        assert_english(app, "staff panel")
        assert_buttons_fit(app, "staff panel")
        await pilot.click(f"#reprint-{number}")
        await until(pilot, lambda: screen_text(app).count("The printer refused") > 2)
        assert_english(app, "staff panel, reprint toast")


async def test_a_refusal_in_chinese_does_not_stay_on_the_english_screen(
    config: Config, server: HallServer, tmp_path: Path
) -> None:
    cfg = dataclasses.replace(config, printer=PrinterConfig(backend="dummy"))
    app = KioskApp(cfg, server.url, KIOSK, journal_dir=str(tmp_path / "journal"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.start.online)
        app.start.message = i18n.text("errors.priority_not_allowed", "zh")
        await pilot.click("#language")
        await until(pilot, lambda: app.start.lang == "en")
        await pilot.pause(0.1)
        assert_english(app, "start")
