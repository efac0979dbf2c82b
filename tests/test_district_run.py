"""`onewindow district`: the whole sample district as real processes, then Ctrl+C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from central import pgserver
from tests.hallserver import ROOT

SUPERVISOR = "demo-district-supervisor-token"


def processes_naming(marker: str) -> set[int]:
    """Every live process whose command line names `marker` (a test's own folder)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if marker in argv and state != "Z":
            found.add(int(entry.name))
    return found


def get_json(url: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
        return json.load(r)


def issue_ticket(hall_url: str, service: str) -> dict[str, Any]:
    request = urllib.request.Request(
        hall_url + "/api/tickets",
        data=json.dumps({"service": service}).encode(),
        method="POST",
        headers={
            "Authorization": "Bearer demo-kiosk-token",
            "Content-Type": "application/json",
            "Idempotency-Key": "district-run-test",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as r:
        result: dict[str, Any] = json.load(r)
        return result


@pytest.fixture
def district_database(pg_server: str) -> Iterator[str]:
    name = f"ow_test_district_{os.getpid()}"
    pgserver.drop_database(pg_server, name)
    yield name
    pgserver.drop_database(pg_server, name)


def test_district_runs_every_hall_ships_a_ticket_and_stops_on_ctrl_c(
    tmp_path: Path, pg_server: str, district_database: str
) -> None:
    state = tmp_path / "state"
    runner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "district",
            "--config",
            str(ROOT / "district/district.toml"),
            "--base-port",
            "0",
            "--state-dir",
            str(state),
            "--database",
            district_database,
        ],
        cwd=ROOT,
        env=dict(os.environ, ONEWINDOW_PG=pg_server, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = []
        assert runner.stdout is not None
        for line in runner.stdout:
            banner.append(line)
            if "Ctrl+C" in line:
                break
        text = "".join(banner)
        centre = re.search(r"centre\s+(http://127\.0\.0\.1:\d+)/", text)
        assert centre, text
        halls = dict(re.findall(r"^\s+([A-Z]+)\s+(http://127\.0\.0\.1:\d+)/", text, re.M))
        assert len(halls) == 19 and "HZ" in halls and "SY" in halls
        assert f"{centre[1]}/monitor?token=demo-district-monitor-token" in text

        assert len(processes_naming(str(state)) - {runner.pid}) == 20
        for url in halls.values():
            assert get_json(url + "/api/openapi.json")["openapi"]
        issue_ticket(halls["SY"], "B")

        deadline = time.monotonic() + 10
        while True:
            figures = {
                h["code"]: h for h in get_json(centre[1] + "/api/halls", SUPERVISOR)["halls"]
            }
            if figures["SY"]["tickets_today"] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert figures["SY"]["tickets_today"] == 1
        assert figures["SY"]["waiting_total"] == 1 and figures["SY"]["online"]
        assert figures["HZ"]["tickets_today"] == 0
    finally:
        runner.send_signal(signal.SIGINT)
        out, err = runner.communicate(timeout=60)
    assert runner.returncode == 0, err
    assert "Traceback" not in out + err
    assert processes_naming(str(state)) == set()  # no hall, no centre left behind
    assert list((state / "logs").glob("*.log")) and not any(
        "Traceback" in log.read_text() for log in (state / "logs").glob("*.log")
    )
