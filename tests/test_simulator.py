"""A simulated day through a real server: the report's figures equal the simulator's truth.

One day of 2,000 visitors on 20 windows of the sample hall runs through a real
`onewindow serve --sim-clock` process and its SQLite file. The reports
(`queue_server.reports.compute`) then read the database, and every figure must equal
what the simulator computed from its own records: counts exactly, durations to the
tenth of a second (both are rounded to one decimal).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from onewindow.config import Config, load_config
from onewindow_cli.simulator.hallconfig import write_sim_config
from onewindow_cli.simulator.ownserver import add_staff
from onewindow_cli.simulator.progress import Progress
from onewindow_cli.simulator.run import Options, Simulation
from onewindow_cli.simulator.truth import Truth
from tests.hallserver import SAMPLE_CONFIG, HallServer

VISITORS, WINDOWS = 2000, 20
TIMES = (
    "issued_at",
    "first_called_at",
    "called_at",
    "started_at",
    "finished_at",
    "no_show_at",
    "closed_at",
)


@pytest.fixture(scope="module")
def sample() -> Config:
    return load_config(SAMPLE_CONFIG)


@pytest.fixture(scope="module")
def simulated_day(
    tmp_path_factory: pytest.TempPathFactory, sample: Config
) -> Iterator[tuple[Path, Truth]]:
    folder = tmp_path_factory.mktemp("simday")
    db, config = folder / "hall.sqlite", folder / "config.toml"
    # The sample hall with its paths made absolute and synchronous = NORMAL (no fsync).
    write_sim_config(SAMPLE_CONFIG, config, 0)
    add_staff(sample, db, "1234", "模拟工作人员")
    server = HallServer(db, config=config, extra=("--sim-clock",)).start()
    opts = Options(
        server=server.url,
        config=sample,
        config_path=str(SAMPLE_CONFIG),
        visitors=VISITORS,
        windows=WINDOWS,
        seed="report-check",
    )
    try:
        truth = asyncio.run(Simulation(opts, Progress(quiet=True)).run())
    finally:
        server.stop()
    yield db, truth


def _rows(db: Path, sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def test_the_day_runs_without_a_refusal(simulated_day: tuple[Path, Truth]) -> None:
    _, truth = simulated_day
    assert truth.refused == []
    assert len(truth.windows) == WINDOWS
    visitors = {t.visitor for t in truth.tickets if not t.visitor.endswith("r")}
    assert len(visitors) == VISITORS


def test_every_ticket_case_and_rating_is_stored_as_simulated(
    simulated_day: tuple[Path, Truth],
) -> None:
    db, truth = simulated_day
    stored = {(r["business_day"], r["number"]): r for r in _rows(db, "SELECT * FROM tickets")}
    assert len(stored) == len(truth.tickets)
    for t in truth.tickets:
        row = stored[(t.day, t.number)]
        # Whole seconds, exactly the instants the simulator set the clock to.
        assert {f: getattr(t, f) for f in TIMES} == {f: row[f] for f in TIMES}, t.number
        same = (
            "state",
            "outcome",
            "window",
            "staff_id",
            "service",
            "kind",
            "channel",
            "call_count",
            "transfers",
        )
        assert {f: getattr(t, f) for f in same} == {f: row[f] for f in same}, t.number
    cases = {r["case_no"]: r for r in _rows(db, "SELECT * FROM cases WHERE case_no IS NOT NULL")}
    numbered = [c for c in truth.cases if c.case_no]
    assert len(cases) == len(numbered)
    for c in numbered:
        row = cases[c.case_no]
        assert (c.state, c.item, c.deadline, c.window, c.staff_id) == (
            row["state"],
            row["item"],
            row["deadline"],
            row["window"],
            row["staff_id"],
        )
        for f in ("accepted_at", "decided_at", "issued_at"):
            assert getattr(c, f) == (None if row[f] is None else int(row[f])), (c.case_no, f)
    rated = _rows(db, "SELECT * FROM ratings")
    ratings = {(r["business_day"], r["ticket_number"]): r for r in rated}
    assert len(ratings) == len(truth.ratings)
    for r in truth.ratings:
        row = ratings[(r.day, r.ticket)]
        assert (r.score, r.window, r.staff_id, r.service, r.item, r.channel, r.at) == (
            row["score"],
            row["window"],
            row["staff_id"],
            row["service"],
            row["item"],
            row["channel"],
            int(row["at"]),
        )


def _same(path: str, truth: Any, report: Any) -> list[str]:
    """Differences between two figure trees; durations may differ by their rounding."""
    if isinstance(truth, dict) and isinstance(report, dict):
        return [d for k in truth for d in _same(f"{path}.{k}", truth[k], report.get(k, "?"))]
    if isinstance(truth, float) and isinstance(report, float):
        slack = 0.1 + 1e-9 if path.endswith("_s") else 1e-12
        return [] if abs(truth - report) <= slack else [f"{path}: {truth} != {report}"]
    return [] if truth == report else [f"{path}: {truth} != {report}"]


def _groups(groups: list[Any]) -> dict[str, Any]:
    out = {}
    for g in msgspec.to_builtins(groups):
        g.pop("name_zh", None), g.pop("name_en", None)
        out[g.pop("key")] = g
    return out


def test_report_figures_equal_the_ground_truth(
    simulated_day: tuple[Path, Truth], sample: Config
) -> None:
    from queue_server.reports import Period, compute
    from queue_server.reports.ticket_figures import WAIT_EDGES_MIN

    db, truth = simulated_day
    f = truth.figures
    assert f is not None
    report = compute(db, sample, Period(f.first_day, f.last_day))
    diffs = _same("hall", _groups([f.hall])["hall"], _groups([report.hall_figures])["hall"])
    for name in ("services", "windows", "clerks", "items", "channels"):
        mine, theirs = _groups(getattr(f, name)), _groups(getattr(report, name))
        assert sorted(mine) == sorted(theirs), name
        diffs += _same(name, mine, theirs)
    diffs += _same(
        "hours",
        msgspec.to_builtins({"h": f.hours})["h"],
        msgspec.to_builtins({"h": report.hours})["h"],
    )
    diffs += _same(
        "days",
        msgspec.to_builtins({"d": f.days})["d"],
        msgspec.to_builtins({"d": report.days})["d"],
    )
    assert diffs == []
    bad = {
        (b.business_day.isoformat(), b.ticket_number, b.score, b.followed_up_at is not None)
        for b in report.bad_ratings
    }
    assert bad == {(b.day, b.ticket, b.score, b.followed_up) for b in f.bad_ratings}
    waits = [t.first_called_at - t.issued_at for t in truth.tickets if t.first_called_at]
    edges = [m * 60 for m in WAIT_EDGES_MIN]
    expected = Counter(max(i for i, e in enumerate(edges) if w >= e) for w in waits)
    assert [b.count for b in report.wait_distribution] == [expected[i] for i in range(len(edges))]


def test_the_day_has_every_kind_of_visit(simulated_day: tuple[Path, Truth]) -> None:
    """The behaviours the simulator promises all happen in one ordinary day."""
    _, truth = simulated_day
    t = truth.tickets
    assert any(x.kind == "special" and x.from_ticket for x in t)
    assert any(x.outcome == "referred" for x in t)
    assert any(x.kind == "priority" for x in t)
    assert {x.channel for x in t} >= {"kiosk", "guide", "window"}
    assert any(x.transfers and x.target_window is None for x in t)  # to another service
    assert any(x.transfers and x.target_window for x in t)  # to the specialist window
    assert any(x.state == "no_show" and x.call_count == 3 for x in t)  # two recalls first
    assert any(x.reinstated and x.state == "done" for x in t)
    assert any(x.state == "cancelled" for x in t)
    assert any(x.state == "done" and x.started_at is None and x.outcome == "served" for x in t)
    cases = truth.cases
    assert any(c.state == "prechecked" for c in cases)
    assert any(c.returned and c.state == "returned" for c in cases)  # a one-time notice
    assert any(c.returned and c.accepted_at for c in cases)  # ... and back with the rest
    assert any(c.immediate and c.state == "issued" for c in cases)
    assert {r.score for r in truth.ratings} == {1, 2, 3, 4, 5}
    assert any(r.followed_up_at for r in truth.ratings)
    assert {r.channel for r in truth.ratings} == {"kiosk", "evaluator"}
    hours = Counter(dt.datetime.fromtimestamp(x.issued_at).astimezone().hour for x in t)
    assert sum(1 for x in t if 9 <= _hour(x.issued_at) < 11) > 2 * sum(
        1 for x in t if 12 <= _hour(x.issued_at) < 13
    ), hours  # the morning peak


def _hour(epoch: int) -> int:
    return dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(hours=8))).hour
