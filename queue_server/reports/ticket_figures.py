"""Ticket figures of a period: issued, served, no-shows, waits and service times.

One query reads the period through the `tickets_report` index (migration 3), which
holds every column needed, in order: SQLite hands back one row per (day, service,
channel, kind, state) without sorting anything, with each ticket's window, clerk,
hour, wait and service time joined into strings that numpy reads in C. A city hall
has hundreds of windows, so windows and clerks go per ticket, not into the groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from onewindow import protocol as p
from queue_server.reports.columns import (
    Grouping,
    IntArray,
    Ranked,
    StaffIds,
    count_table,
    group_ints,
    group_text,
    parse,
    rate,
    select_list,
)
from queue_server.reports.period import Period, local_offset_sql

# Minutes: the wait distribution's buckets (the last has no upper end).
WAIT_EDGES_MIN = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120)
GROUPS = ("business_day", "service", "channel", "kind", "state")


@dataclass(frozen=True)
class TicketRows:
    """Every ticket of the period, one element per ticket in each array."""

    groups: dict[str, Grouping]  # hall, services, channels, days, windows, clerks
    outcome: IntArray  # per ticket: index into OUTCOMES × 2, + 1 for a special ticket
    hour: IntArray  # clock hour of the hall's day it was issued
    wait: Ranked  # first call − issue, ms
    service: Ranked  # finish − (start or last call), ms, served tickets only


OUTCOMES = ("done", "no_show", "cancelled", "expired", "open")


def _ms(expr: str) -> str:
    # + 0.5 then truncation rounds a positive duration to the millisecond, cheaper than round().
    return f"coalesce(CAST(({expr}) * 1000 + 0.5 AS INT), -1)"


def query(
    period: Period, start_ts: float, end_ts: float, tz: dt.tzinfo, staff: StaffIds
) -> tuple[str, tuple[str, str]]:
    """The statement and arguments reading `period`'s tickets (one part of a longer one)."""
    local = local_offset_sql("issued_at", start_ts, end_ts, tz)
    keys = f"coalesce(window, 0) * 32 + CAST({local} / 3600 AS INT) % 24"
    if staff.numbers is not None:
        keys = f"{staff.SQL} * {2**19} + {keys}"
    ints = [
        keys,  # window, hour (and clerk) packed in one number: each column costs a pass
        _ms("first_called_at - issued_at"),
        _ms("finished_at - coalesce(started_at, called_at)"),  # only served tickets count
    ]
    texts = ["staff_id"] if staff.numbers is None else []
    sql = (
        f"SELECT {', '.join(GROUPS)}, {select_list(ints, texts)} "
        "FROM tickets INDEXED BY tickets_report WHERE business_day BETWEEN ? AND ? "
        f"GROUP BY {', '.join(GROUPS)}"
    )
    return sql, (period.first.isoformat(), period.last.isoformat())


def rows_of(rows: list[Any], staff: StaffIds) -> TicketRows:
    """The tickets from the rows of `query` (of one or several parts of the period)."""
    texts = 1 if staff.numbers is None else 0
    counts, (keys, wait, service), words = parse(rows, len(GROUPS), 3, texts)
    combo = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    window, hour = (keys >> 5) & (2**14 - 1), keys & 31

    def per_ticket(column: int) -> Grouping:
        names = sorted({r[column] for r in rows})
        index = {v: i for i, v in enumerate(names)}
        return names, np.array([index[r[column]] for r in rows], dtype=np.int64)[combo]

    position = {o: i for i, o in enumerate(OUTCOMES)}
    outcome = np.array(
        [position.get(r[4], position["open"]) * 2 + (r[3] == "special") for r in rows],
        dtype=np.int64,
    )[combo]
    # A ticket's window and clerk are those that finished it or, for a no-show, called it
    # last; a ticket no window holds now (never called, or moved on) has neither.
    names, clerk_codes = staff.grouping(keys >> 19) if texts == 0 else group_text(words[0])
    groups = {
        "hall": (["hall"], np.zeros(len(combo), dtype=np.int64)),
        "days": per_ticket(0),
        "services": per_ticket(1),
        "channels": per_ticket(2),
        "windows": group_ints(window, missing=0),
        "clerks": (names, np.where(window != 0, clerk_codes, -1)),
    }
    return TicketRows(
        # 32-bit codes: every grouping gathers them per ticket, and half the bytes move faster.
        groups={g: (n, codes.astype(np.int32)) for g, (n, codes) in groups.items()},
        outcome=outcome,
        hour=hour,
        wait=Ranked(wait),
        service=Ranked(np.where(outcome // 2 == 0, service, -1)),
    )


def figures_by(rows: TicketRows, grouping: str) -> dict[str, p.TicketFigures]:
    names, codes = rows.groups[grouping]
    groups = len(names)
    table = count_table(codes, groups, rows.outcome, len(OUTCOMES) * 2)
    issued, special = table.sum(axis=1), table[:, 1::2].sum(axis=1)
    ended = {o: table[:, 2 * i] + table[:, 2 * i + 1] for i, o in enumerate(OUTCOMES)}
    ranks = grouping != "days"  # a day's row shows means only
    waits = rows.wait.by(codes, groups, ranks)
    services = rows.service.by(codes, groups, ranks)
    out = {}
    for g, name in enumerate(names):
        if not issued[g]:
            continue  # a clerk seen only on tickets that have since left the window
        n, no_show, cancelled = int(issued[g]), int(ended["no_show"][g]), int(ended["cancelled"][g])
        out[name] = p.TicketFigures(
            issued=n,
            visitors=n - int(special[g]),
            called=waits[g].count,
            served=int(ended["done"][g]),
            no_show=no_show,
            cancelled=cancelled,
            expired=int(ended["expired"][g]),
            no_show_rate=rate(no_show, n),
            cancel_rate=rate(cancelled, n),
            wait=waits[g],
            service=services[g],
        )
    return out


@dataclass(frozen=True)
class TicketSummary:
    """Every ticket figure of the period: what the report needs of the tickets."""

    by: dict[str, dict[str, p.TicketFigures]]  # grouping -> key -> figures
    hours: list[p.HourFigures]
    wait_distribution: list[p.WaitBucket]


def summary(rows: TicketRows) -> TicketSummary:
    return TicketSummary(
        by={g: figures_by(rows, g) for g in rows.groups},
        hours=hours(rows),
        wait_distribution=wait_distribution(rows),
    )


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
