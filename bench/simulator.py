"""The hall simulator: a city hall's day, 5,000 visitors on 40 windows, as a user runs it.

`onewindow simulate --db` in its own process: it writes the config copy with 17 more
windows, adds the simulated staff, starts `serve --sim-clock` and drives the whole day
through the HTTP API. The clock is the wall time of the command, start to finish.
There is no baseline: nothing else plays a day through this API.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from bench.harness import CONFIG, ROOT, Table, temp_dir

VISITORS, WINDOWS = 5000, 40


def run(table: Table, seconds: float = 8.0) -> None:
    folder = temp_dir()
    truth = folder / "truth.json"
    begun = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "simulate",
            "--config",
            str(CONFIG),
            "--db",
            str(folder / "day.sqlite"),
            "--visitors",
            str(VISITORS),
            "--windows",
            str(WINDOWS),
            "--seed",
            "bench",
            "--quiet",
            "--truth",
            str(truth),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - begun
    if done.returncode != 0:
        raise RuntimeError(f"onewindow simulate failed:\n{done.stdout}{done.stderr}")
    day = json.loads(truth.read_text(encoding="utf-8"))
    tickets = len(day["tickets"])
    table.add(
        f"simulated day, {VISITORS:,} visitors on {WINDOWS} windows", elapsed, None, "s", "< 120 s"
    )
    table.add("  tickets played through the API per second", tickets / elapsed, None, "/s")
