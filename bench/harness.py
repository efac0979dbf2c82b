"""Shared pieces of the benchmarks: servers in processes, wrk, and the printed table."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> float:
    """Seconds until `url` answers."""
    begun = time.perf_counter()
    while time.perf_counter() - begun < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=0.5).close()
            return time.perf_counter() - begun
        except OSError:
            time.sleep(0.005)
    raise TimeoutError(url)


@dataclass
class Process:
    """A server process on a free loopback port; stopped with SIGTERM."""

    args: Sequence[str]
    probe: str = "/api/openapi.json"
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    started_in_s: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Process:
        argv = [a.replace("{port}", str(self.port)) for a in self.args]
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.started_in_s = wait_until_up(self.url + self.probe, self.proc)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def rss_mb(self) -> float:
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return kb / 1024


def onewindow_server(db: Path, *extra: str) -> Process:
    return Process(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "serve",
            "--config",
            str(CONFIG),
            "--db",
            str(db),
            "--port",
            "{port}",
            *extra,
        ]
    )


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="onewindow-bench-"))


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


_LUA = """
local counter = 0
function setup(thread)
  thread:set("tag", tostring(math.random(1, 2000000000)))
end
request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/tickets", {
    ["Authorization"] = "Bearer demo-kiosk-token",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = tag .. "-" .. counter}, '{"service":"A"}')
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %d\\n", summary.requests / summary.duration * 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_issue(url: str, connections: int, seconds: float) -> Load:
    """Durable ticket issue under `connections` keep-alive connections (wrk, one thread)."""
    if shutil.which("wrk") is None:
        raise RuntimeError(
            "wrk is missing: run `make bench` (it installs Debian's wrk) or apt-get install wrk"
        )
    script = temp_dir() / "issue.lua"
    script.write_text(_LUA)
    duration = f"-d{max(1, round(seconds))}s"
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", duration, "-s", str(script), url + "/api/tickets"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    rps, p50, p99, errors = line.split()[1:]
    return Load(float(rps), float(p50), float(p99), int(errors))


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


class Table:
    """Rows of figures printed as they come, then kept for docs/performance.md."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        print(f"{'measure':<46} {'OneWindow':>14} {'baseline':>14} {'ratio':>7}  target")
        print("-" * 100)

    def add(self, name: str, ours: float, base: float | None, unit: str, target: str = "") -> None:
        ratio = f"{ours / base:.2f}" if base else "–"
        base_s = f"{base:,.1f} {unit}" if base is not None else "–"
        row = (name, f"{ours:,.1f} {unit}", base_s, ratio, target)
        self.rows.append(row)
        print(f"{row[0]:<46} {row[1]:>14} {row[2]:>14} {row[3]:>7}  {row[4]}", flush=True)


def environment() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
