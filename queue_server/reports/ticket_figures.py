"""Ticket figures of a period: issued, served, no-shows, waits and service times.

One query reads the period through the `tickets_report` index (migration 3), which
holds every column needed in grouping order: SQLite hands back one row per distinct
(day, service, channel, kind, state, window, clerk) with the count, and each ticket's
hour, wait and service time joined into strings. Counts come from those few thousand
group rows; only durations go per ticket, into numpy.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from onewindow import protocol as p
from queue_server.reports.columns import IntArray, Ranked, rate
from queue_server.reports.period import Period, local_offset_sql

# Minutes: the wait distribution's buckets (the last has no upper end).
WAIT_EDGES_MIN = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120)


@dataclass(frozen=True)
class Combo:
    """Tickets that agree on every grouping column."""

    day: str
    service: str
    channel: str
    kind: str
    state: str
    window: int | None
    staff_id: str | None
    count: int


@dataclass(frozen=True)
class TicketRows:
    combos: list[Combo]
    combo: IntArray  # per ticket: index into combos
    hour: IntArray  # per ticket: clock hour of the hall's day it was issued
    wait: Ranked  # first call − issue, ms
    service: Ranked  # finish − (start or last call), ms, served tickets only


def load(
    conn: sqlite3.Connection, period: Period, start_ts: float, end_ts: float, tz: dt.tzinfo
) -> TicketRows:
    local = local_offset_sql("issued_at", start_ts, end_ts, tz)
    served = (
        "coalesce(CAST(round((finished_at - coalesce(started_at, called_at)) * 1000) AS INT), -1)"
    )
    rows = conn.execute(
        f"""SELECT business_day, service, channel, kind, state, window, staff_id, count(*),
              group_concat(CAST({local} / 3600 AS INT) % 24),
              group_concat(coalesce(CAST(round((first_called_at - issued_at) * 1000) AS INT), -1)),
              group_concat(CASE WHEN state = 'done' THEN {served} ELSE -1 END)
            FROM tickets INDEXED BY tickets_report WHERE business_day BETWEEN ? AND ?
            GROUP BY business_day, service, channel, kind, state, window, staff_id""",
        (period.first.isoformat(), period.last.isoformat()),
    ).fetchall()  # fmt: skip
    combos = [Combo(*r[:8]) for r in rows]
    counts = np.array([c.count for c in combos], dtype=np.int64)

    def column(i: int) -> IntArray:
        values = np.fromstring(",".join(r[i] for r in rows), dtype=np.int64, sep=",")
        assert len(values) == counts.sum(), "a ticket column lost a row"
        return values

    return TicketRows(
        combos=combos,
        combo=np.repeat(np.arange(len(combos), dtype=np.int64), counts),
        hour=column(8) if rows else np.zeros(0, dtype=np.int64),
        wait=Ranked(column(9) if rows else np.zeros(0, dtype=np.int64)),
        service=Ranked(column(10) if rows else np.zeros(0, dtype=np.int64)),
    )


Key = Callable[[Combo], str | None]

# The groupings of tickets; a ticket's window and clerk are those that finished it or,
# for a no-show, called it last. A ticket no window holds has neither.
KEYS: dict[str, Key] = {
    "hall": lambda c: "hall",
    "services": lambda c: c.service,
    "windows": lambda c: str(c.window) if c.window is not None else None,
    "clerks": lambda c: c.staff_id if c.window is not None else None,
    "channels": lambda c: c.channel,
    "days": lambda c: c.day,
}


def figures_by(rows: TicketRows, key: Key) -> dict[str, p.TicketFigures]:
    names = sorted({k for c in rows.combos if (k := key(c)) is not None})
    index = {k: i for i, k in enumerate(names)}
    combo_key = np.array(
        [index.get(k, -1) if (k := key(c)) is not None else -1 for c in rows.combos]
        or [-1], dtype=np.int64,
    )  # fmt: skip
    groups = len(names)
    kept = combo_key >= 0

    def count(test: Callable[[Combo], bool]) -> IntArray:
        weights = np.array([c.count if test(c) else 0 for c in rows.combos] or [0])
        return np.bincount(combo_key[kept], weights=weights[kept], minlength=groups).astype(
            np.int64
        )

    issued = count(lambda c: True)
    visitors = count(lambda c: c.kind != "special")
    served = count(lambda c: c.state == "done")
    no_show = count(lambda c: c.state == "no_show")
    cancelled = count(lambda c: c.state == "cancelled")
    expired = count(lambda c: c.state == "expired")
    row_keys = combo_key[rows.combo] if len(rows.combo) else rows.combo
    waits = rows.wait.by(row_keys, groups)
    services = rows.service.by(row_keys, groups)
    return {
        name: p.TicketFigures(
            issued=int(issued[g]),
            visitors=int(visitors[g]),
            called=waits[g].count,
            served=int(served[g]),
            no_show=int(no_show[g]),
            cancelled=int(cancelled[g]),
            expired=int(expired[g]),
            no_show_rate=rate(int(no_show[g]), int(issued[g])),
            cancel_rate=rate(int(cancelled[g]), int(issued[g])),
            wait=waits[g],
            service=services[g],
        )
        for g, name in enumerate(names)
    }


def hours(rows: TicketRows) -> list[p.HourFigures]:
    issued = np.bincount(rows.hour, minlength=24)
    waits = rows.wait.by(rows.hour, 24)
    return [p.HourFigures(hour=h, issued=int(issued[h]), wait=waits[h]) for h in range(24)]


def wait_distribution(rows: TicketRows) -> list[p.WaitBucket]:
    edges_ms = np.array(WAIT_EDGES_MIN, dtype=np.int64) * 60_000
    bucket = np.searchsorted(edges_ms, rows.wait.values, side="right") - 1
    counts = np.bincount(bucket, minlength=len(WAIT_EDGES_MIN))
    ends: list[int | None] = [*WAIT_EDGES_MIN[1:], None]
    return [
        p.WaitBucket(from_min=lo, to_min=hi, count=int(counts[i]))
        for i, (lo, hi) in enumerate(zip(WAIT_EDGES_MIN, ends, strict=True))
    ]
