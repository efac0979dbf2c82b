"""A real `onewindow serve` process on loopback, for tests that need one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = ROOT / "config.toml"
DEMO_STAFF = [
    ("1001", "clerk"),
    ("1002", "clerk"),
    ("1003", "clerk"),
    ("1005", "clerk"),
    ("2001", "guide"),
    ("9001", "supervisor"),
]
DEMO_PIN = "1234"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def onewindow(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onewindow_cli.cli", *args],
        capture_output=True,
        text=True,
        check=check,
        cwd=ROOT,
    )


@dataclass
class HallServer:
    """`start()`, `kill()` (SIGKILL), `stop()` (SIGTERM) and `start()` again on the same db."""

    db: Path
    config: Path = SAMPLE_CONFIG
    port: int = field(default_factory=free_port)
    extra: tuple[str, ...] = ()
    proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_staff(self, staff: list[tuple[str, str]] = DEMO_STAFF) -> None:
        for staff_id, role in staff:
            onewindow(
                "staff",
                "--config",
                str(self.config),
                "--db",
                str(self.db),
                "add",
                "--staff-id",
                staff_id,
                "--name",
                f"测试{staff_id}",
                "--role",
                role,
                "--pin",
                DEMO_PIN,
            )

    def start(self, timeout: float = 10.0) -> HallServer:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "onewindow_cli.cli",
                "serve",
                "--config",
                str(self.config),
                "--db",
                str(self.db),
                "--port",
                str(self.port),
                *self.extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited: {self.proc.stdout.read() if self.proc.stdout else ''}"
                )
            try:
                urllib.request.urlopen(self.url + "/api/openapi.json", timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> str:
        out = ""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                out, _ = self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out, _ = self.proc.communicate()
            self.proc = None
        return out
