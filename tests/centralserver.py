"""A real `onewindow central serve` process, and a hall config with an uplink to it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.district_helpers import HALL_TOKENS, SUPERVISOR
from tests.hallserver import ROOT, SAMPLE_CONFIG, free_port


def write_district(folder: Path, dsn: str, port: int) -> Path:
    halls = "".join(
        f'[[halls]]\ncode = "{code}"\nname_zh = "{code}"\ntoken = "{token}"\n'
        for code, token in HALL_TOKENS.items()
    )
    viewer = SUPERVISOR["Authorization"].removeprefix("Bearer ")
    path = folder / "district.toml"
    path.write_text(
        f"[centre]\nport = {port}\ndatabase = {json.dumps(dsn)}\n{halls}"
        f'[[viewers]]\nname = "boss"\nrole = "supervisor"\ntoken = "{viewer}"\n',
        encoding="utf-8",
    )
    return path


def write_hall_config(folder: Path, centre_port: int, code: str = "HZ", batch: int = 20) -> Path:
    """The sample hall with an `[uplink]` to the centre on `centre_port`."""
    shutil.copy(ROOT / "catalogue.toml", folder / "catalogue.toml")
    path = folder / "config.toml"
    path.write_text(
        SAMPLE_CONFIG.read_text(encoding="utf-8")
        + f'\n[uplink]\nurl = "http://127.0.0.1:{centre_port}"\nhall = "{code}"\n'
        f'token = "{HALL_TOKENS[code]}"\nbatch = {batch}\ninterval_s = 0.05\n'
        "heartbeat_s = 1.0\nretry_max_s = 0.3\ntimeout_s = 3.0\n",
        encoding="utf-8",
    )
    return path


@dataclass
class CentralServer:
    """`start()`, `kill()` (SIGKILL) and `start()` again on the same port and database."""

    config: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> CentralServer:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "onewindow_cli.cli",
                "central",
                "serve",
                "--config",
                str(self.config),
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the centre exited at start")
            try:
                urllib.request.urlopen(self.url + "/api/openapi.json", timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("the centre did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
