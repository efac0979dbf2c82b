"""`onewindow simulate` as a person runs it: its own server, the same day for a seed,
live mode beside a real-time server, and plain messages for every mistake."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from onewindow.config import load_config
from onewindow.workdays import WorkCalendar
from onewindow_cli.simulator.ownserver import add_staff
from tests.hallserver import ROOT, SAMPLE_CONFIG, HallServer, onewindow


def _first_day() -> str:
    """A working day after today: the simulated clock can only move forward."""
    config = load_config(SAMPLE_CONFIG)
    today = dt.datetime.now(config.hall.tz).date()
    return WorkCalendar(config.holidays, config.workdays).add_workdays(today, 3).isoformat()


def _running_with(path: Path) -> list[str]:
    """Processes whose command line names `path` (a server left behind would)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if proc.name.isdigit() and str(path) in cmdline:
            found.append(cmdline)
    return found


def test_db_mode_runs_its_own_server_and_one_seed_gives_one_day(tmp_path: Path) -> None:
    start = _first_day()
    truths = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.sqlite"
        result = onewindow(
            "simulate",
            "--config",
            str(SAMPLE_CONFIG),
            "--db",
            str(db),
            "--visitors",
            "150",
            "--windows",
            "12",
            "--days",
            "2",
            "--seed",
            "same",
            "--start",
            start,
            "--tick",
            "30",
            "--quiet",
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "正在启动模拟用服务器" in result.stderr
        assert "onewindow report --config" in result.stderr
        assert "模拟完成：2 个工作日" in result.stdout
        assert _running_with(db) == []  # the server it started is gone
        truth_file = tmp_path / f"{name}-truth.json"
        truths.append(truth_file.read_bytes())
        truth = json.loads(truths[-1])
        with __import__("sqlite3").connect(db) as conn:
            stored = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        assert stored == len(truth["tickets"]) > 150
        assert truth["days"][0] == start and len(truth["days"]) == 2
    assert truths[0] == truths[1]
    again = [
        "simulate",
        "--config",
        str(SAMPLE_CONFIG),
        "--db",
        str(tmp_path / "a.sqlite"),
        "--visitors",
        "20",
        "--windows",
        "12",
        "--tick",
        "60",
        "--quiet",
    ]
    clash = onewindow(*again, "--start", start, check=False)
    assert clash.returncode == 2 and "该数据库已有到" in clash.stderr
    onewindow(*again)  # without --start: the day after the ones it holds
    following = json.loads((tmp_path / "a-truth.json").read_text(encoding="utf-8"))["days"]
    config = load_config(SAMPLE_CONFIG)
    calendar = WorkCalendar(config.holidays, config.workdays)
    second = dt.date.fromisoformat(start)
    assert following == [calendar.add_workdays(calendar.add_workdays(second, 1), 1).isoformat()]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_live_mode_drives_a_real_time_hall_and_leaves_it_tidy(
    hall_server: HallServer, db_path: Path, stop: signal.Signals
) -> None:
    add_staff(load_config(SAMPLE_CONFIG), db_path, "1234", "模拟工作人员")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "simulate",
            "--config",
            str(SAMPLE_CONFIG),
            "--server",
            hall_server.url,
            "--live",
            "--speed",
            "60",
            "--visitors",
            "900",
            "--windows",
            "8",
            "--skip",
            "5",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and len(_state(hall_server)["recent_calls"]) < 3:
            time.sleep(0.5)
        state = _state(hall_server)
        assert len(state["recent_calls"]) >= 3  # screens come alive
        assert all(c["window"] != 5 for c in state["recent_calls"])
    finally:
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "模拟已停止" in err and "Traceback" not in err
    open_windows = [w["number"] for w in _state(hall_server)["windows"] if w["state"] != "closed"]
    assert open_windows == []


def _state(server: HallServer) -> dict[str, list[dict[str, object]]]:
    request = urllib.request.Request(
        server.url + "/api/state", headers={"Authorization": "Bearer demo-display-token"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        state: dict[str, list[dict[str, object]]] = json.load(answer)
    return state


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "请用 --server URL"),
        (["--live", "--db", "x.sqlite"], "实时模式 --live 需要 --server"),
        (["--db", "x.sqlite", "--windows", "0"], "--windows 0 无效"),
        (["--db", "x.sqlite", "--skip", "one"], "--skip one 无效"),
        (["--db", "x.sqlite", "--start", "2026-13-01"], "--start 2026-13-01 无效"),
        (["--server", "http://127.0.0.1:9", "--live", "--speed", "600"], "实时模式最多 60"),
        (["--server", "http://127.0.0.1:9"], "无法连接服务器 http://127.0.0.1:9"),
        (["--server", "http://127.0.0.1:9", "--lang", "en"], "Cannot reach the server"),
    ],
)
def test_mistakes_are_told_plainly(args: list[str], message: str) -> None:
    result = onewindow("simulate", "--config", str(SAMPLE_CONFIG), *args, check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_without_simulated_clock_or_staff_is_refused_clearly(
    hall_server: HallServer, db_path: Path
) -> None:
    base = ["simulate", "--config", str(SAMPLE_CONFIG), "--server", hall_server.url]
    missing = onewindow(*base, check=False)
    assert missing.returncode == 2 and "7000" in missing.stderr and "--add-staff" in missing.stderr
    added = onewindow(
        "simulate", "--config", str(SAMPLE_CONFIG), "--db", str(db_path), "--add-staff"
    )
    assert "24" in added.stderr
    realtime = onewindow(*base, check=False)
    assert realtime.returncode == 2 and "--sim-clock" in realtime.stderr
    every = ",".join(str(n) for n in range(1, 24))
    none_free = onewindow(*base, "--live", "--skip", every, check=False)
    assert none_free.returncode == 2 and "没有可供模拟使用的窗口" in none_free.stderr
    too_many = onewindow(*base, "--live", "--windows", "40", check=False)
    assert too_many.returncode == 2 and "40" in too_many.stderr
    assert "Traceback" not in too_many.stderr
