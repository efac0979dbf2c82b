"""`simulate --db PATH`: a `serve --sim-clock` process of our own, started and stopped here.

The simulated staff are written into the database first (like `onewindow staff add`),
the server runs a temporary copy of the config (see `hallconfig`) on a free loopback
port, and it is stopped with SIGTERM at the end, so `onewindow report --db PATH` can
read the day at once.
"""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import partial
from pathlib import Path

from onewindow.config import Config, load_config
from onewindow_cli.simulator import hallconfig, layout

ROLES = {"guide": "guide"}  # a window's role -> the staff role that sits there; else clerk


class ServerFailed(Exception):
    """The server did not start; carries its own last words."""


def simulated_staff(config: Config) -> list[tuple[str, str]]:
    """(staff id, role) for the supervisor and a clerk at every window."""
    staff = [(layout.SUPERVISOR_ID, "supervisor")]
    staff += [(layout.staff_id(w.number), ROLES.get(w.role, "clerk")) for w in config.windows]
    return staff


def add_staff(config: Config, db: Path, pin: str, name: str) -> int:
    """Write the simulated staff into `db`; returns how many."""
    from queue_server.store.storage import Storage

    storage = Storage(db, config.server.synchronous)
    storage.open()
    try:
        staff = simulated_staff(config)
        for staff_id, role in staff:
            # One short transaction each: a running server must not wait on all the hashing.
            storage.write_now(partial(_upsert, staff_id=staff_id, role=role, name=name, pin=pin))
    finally:
        storage.close()
    return len(staff)


def _upsert(conn: sqlite3.Connection, staff_id: str, role: str, name: str, pin: str) -> None:
    from queue_server import auth

    auth.upsert_staff(conn, staff_id, name, role, pin, time.time())


def last_day(db: Path) -> dt.date | None:
    """The latest business day with tickets in an existing database (read-only)."""
    from queue_server.store.storage import last_business_day

    return last_business_day(db)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnServer:
    def __init__(
        self, config_path: Path, db: Path, windows: int | None, pin: str, language: str
    ) -> None:
        self.source = config_path
        self.db = db
        self.windows = windows or 0
        self.pin = pin
        self.language = language
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="onewindow-sim-"))
        self.config_path = self.folder / "config.toml"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, staff_name: str) -> Config:
        hallconfig.write_sim_config(self.source, self.config_path, self.windows, self.language)
        config = load_config(self.config_path)
        self.db.parent.mkdir(parents=True, exist_ok=True)
        add_staff(config, self.db, self.pin, staff_name)
        log = (self.folder / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "onewindow_cli.cli",
                "serve",
                "--config",
                str(self.config_path),
                "--db",
                str(self.db),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--sim-clock",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerFailed(self.log_tail())
            try:
                urllib.request.urlopen(self.url + "/api/openapi.json", timeout=0.5).close()
                return config
            except OSError:
                time.sleep(0.05)
        raise ServerFailed(self.log_tail())

    def log_tail(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.folder, ignore_errors=True)
