"""Shared pieces of the clerk terminal tests: a real hall server per test, signing in
through the login screen, and waiting for what the screen or the server shows.

Adding the demo staff costs six CLI runs (~2 s), so it is done once per test run
into a template database that each test copies before starting its own server.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path

from textual.pilot import Pilot

from intake_tui.app import ClerkApp
from intake_tui.desk import REPEAT_GUARD_S
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.widgets.status_line import StatusLine
from onewindow import protocol as p
from onewindow.client import HallClient
from onewindow.config import Config, load_config
from tests.hallserver import ROOT, SAMPLE_CONFIG, HallServer

SIZE = (100, 30)
KIOSK = "demo-kiosk-token"
DISPLAY = "demo-display-token"
PIN = "1234"


@cache
def _staffed_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="clerk-template-"))
    atexit.register(shutil.rmtree, folder, True)
    HallServer(folder / "hall.sqlite").add_staff()
    return folder / "hall.sqlite"


def start_hall(tmp_path: Path, config: Path = SAMPLE_CONFIG) -> HallServer:
    """A real `onewindow serve` on loopback with the demo staff (PIN 1234)."""
    db = tmp_path / "hall.sqlite"
    shutil.copy(_staffed_template(), db)
    return HallServer(db, config=config).start()


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


def hall_with_desk_printer(folder: Path, window: int, printer: NetworkPrinter) -> Path:
    """A copy of the sample hall's config where `window` has its own desk printer."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    entry = f"number = {window}\n"
    assert entry in text
    text = text.replace(entry, f'{entry}printer = "127.0.0.1:{printer.port}"\n', 1)
    text = text.replace('file = "catalogue.toml"', f'file = "{ROOT / "catalogue.toml"}"')
    config = folder / "config.toml"
    config.write_text(text, encoding="utf-8")
    return config


def clerk_app(server: HallServer, window: int | None, **kw: object) -> ClerkApp:
    config = kw.pop("config", None) or load_config(server.config)
    assert isinstance(config, Config)
    return ClerkApp(server.url, window=window, config=config, **kw)  # type: ignore[arg-type]


async def wait_for(
    pilot: Pilot[None], ready: Callable[[], bool], what: str, timeout_s: float = 10.0
) -> None:
    """Let the app run until `ready()`; fail naming `what` if it never is."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout_s)
    while not ready():
        if dt.datetime.now() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await pilot.pause(0.05)


async def wait_until(
    pilot: Pilot[None], check: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 10.0
) -> None:
    """Like `wait_for`, with an async check (for example a look at the server)."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout_s)
    while not await check():
        if dt.datetime.now() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await pilot.pause(0.05)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def sign_in(
    pilot: Pilot[None], staff: str, pin: str = PIN, window: str | None = None
) -> None:
    """Staff id, Tab, PIN, (Tab, window,) Enter — as a clerk types it."""
    await type_text(pilot, staff)
    await pilot.press("tab")
    await type_text(pilot, pin)
    if window is not None:
        await pilot.press("tab")
        await type_text(pilot, window)
    await pilot.press("enter")


async def signed_in(pilot: Pilot[None], staff: str, pin: str = PIN, window: str = "") -> DeskScreen:
    """Sign in and wait until the working screen shows the live hall."""
    app = pilot.app
    assert isinstance(app, ClerkApp)
    await sign_in(pilot, staff, pin, window if app.preset_window is None else None)
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, DeskScreen) and app.link == "live" and app.desk.model.ready,
        f"{staff} signed in and live",
    )
    await wait_for(pilot, lambda: app.desk.model.waiting_complete, "the waiting list")
    assert isinstance(app.screen, DeskScreen)
    return app.screen


class StepClock:
    """A monotonic clock the test moves: to let the same key be pressed again on purpose
    past the Desk's repeat guard without sleeping."""

    def __init__(self) -> None:
        self.now = time.monotonic()  # carries on from the clock the Desk used so far

    def __call__(self) -> float:
        return self.now

    def step(self) -> None:
        self.now += 2 * REPEAT_GUARD_S


def status(app: ClerkApp) -> str:
    return app.screen.query_one(StatusLine).message


async def hall_state(server: HallServer) -> p.StateSnapshot:
    async with HallClient(server.url, DISPLAY) as client:
        return await client.state()


async def issue(server: HallServer, *services: str) -> list[p.TicketView]:
    async with HallClient(server.url, KIOSK) as kiosk:
        return [await kiosk.issue_ticket(code) for code in services]


def window_of(state: p.StateSnapshot, number: int) -> p.WindowView:
    return next(w for w in state.windows if w.number == number)
