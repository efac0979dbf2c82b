"""Case figures of a period: accepted, finished, finished early, overdue (docs/reports.md).

A case counts as accepted on the business day of its (latest) acceptance and as
finished on the business day it was decided. "Early" and "overdue" compare the
decision's calendar date in the hall with the deadline date, as the deadline itself
was counted from the acceptance's calendar date. An open case is overdue at the end
of the period when the period's last day (or the day of `as_of`, if earlier) is past
its deadline, as the server's own deadline check sees it on that day.

Only cases that can count are read: those accepted or decided in the period (two
index ranges), those still open past a deadline, and those the server ever flagged
overdue (a few, in a hall that works).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

import numpy as np

from onewindow import protocol as p
from queue_server.reports.columns import (
    Grouping,
    IntArray,
    count_by,
    fetch_columns,
    group_all,
    group_ints,
    group_text,
    rate,
)
from queue_server.reports.period import Period, local_offset_sql


@dataclass(frozen=True)
class CaseRows:
    accepted_day: IntArray  # index of the period's day, -1 when not accepted in the period
    decided_day: IntArray  # likewise for the decision
    immediate: IntArray
    early: IntArray
    overdue: IntArray
    groupings: dict[str, Grouping]


def load(
    conn: sqlite3.Connection, period: Period, start_ts: float, end_ts: float,
    tz: dt.tzinfo, judge_day: dt.date,
) -> CaseRows:  # fmt: skip
    def local(column: str) -> str:
        return local_offset_sql(column, start_ts, end_ts, tz)

    start_local = f"{local(repr(start_ts))}"
    in_period = "{c} >= :s AND {c} < :e"
    accepted = in_period.format(c="accepted_at")
    decided = in_period.format(c="decided_at")
    decided_date = f"date({local('decided_at')}, 'unixepoch')"
    open_late = (
        "(deadline IS NOT NULL AND accepted_at < :e AND deadline < :judge "
        "AND (decided_at IS NULL OR decided_at >= :e))"
    )
    ints = [
        f"CASE WHEN {accepted} THEN CAST(({local('accepted_at')} - {start_local}) / 86400 AS INT) "
        "ELSE -1 END",
        f"CASE WHEN {decided} THEN CAST(({local('decided_at')} - {start_local}) / 86400 AS INT) "
        "ELSE -1 END",
        "coalesce(immediate, 0)",
        f"coalesce({decided} AND {decided_date} < deadline, 0)",
        f"coalesce(({decided} AND {decided_date} > deadline) OR {open_late}, 0)",
        "coalesce(window, -1)",
    ]
    tail = f"""FROM cases WHERE rowid IN (
        SELECT rowid FROM cases WHERE {accepted}
        UNION SELECT rowid FROM cases WHERE {decided}
        UNION SELECT rowid FROM cases WHERE state = 'accepted' AND deadline < :judge
        UNION SELECT rowid FROM cases WHERE overdue = 1)"""
    args = {"s": start_ts, "e": end_ts, "judge": judge_day.isoformat()}
    (acc_day, dec_day, immediate, early, overdue, window), (service, item, staff) = fetch_columns(
        conn, ints, ["service", "item", "staff_id"], tail, args
    )
    return CaseRows(
        accepted_day=acc_day, decided_day=dec_day, immediate=immediate, early=early,
        overdue=overdue,
        groupings={
            "hall": group_all(len(acc_day)), "services": group_text(service),
            "windows": group_ints(window), "clerks": group_text(staff), "items": group_text(item),
        },
    )  # fmt: skip


def figures_by(rows: CaseRows, grouping: str) -> dict[str, p.CaseFigures]:
    names, codes = rows.groupings[grouping]
    groups = len(names)
    acc = (rows.accepted_day >= 0).astype(np.int64)
    fin = (rows.decided_day >= 0).astype(np.int64)
    accepted = count_by(codes, groups, acc)
    immediate = count_by(codes, groups, acc * rows.immediate)
    finished = count_by(codes, groups, fin)
    early = count_by(codes, groups, rows.early)
    overdue = count_by(codes, groups, rows.overdue)
    out = {}
    for g, name in enumerate(names):
        if not (accepted[g] or finished[g] or overdue[g]):
            continue  # read only to judge other periods' cases: nothing in this one
        out[name] = p.CaseFigures(
            accepted=int(accepted[g]), immediate=int(immediate[g]), finished=int(finished[g]),
            finished_early=int(early[g]), overdue=int(overdue[g]),
            early_rate=rate(int(early[g]), int(finished[g])),
            immediate_share=rate(int(immediate[g]), int(accepted[g])),
        )  # fmt: skip
    return out


def per_day(rows: CaseRows, days: int) -> tuple[IntArray, IntArray]:
    """Cases accepted and finished on each day of the period."""
    return count_by(rows.accepted_day, days), count_by(rows.decided_day, days)
