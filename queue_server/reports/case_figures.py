"""Case figures of a period: accepted, finished, finished early, overdue (docs/reports.md).

A case counts as accepted on the business day of its (latest) acceptance and as
finished on the business day it was decided. "Early" and "overdue" compare the
decision's calendar date in the hall with the deadline date, as the deadline itself
was counted from the acceptance's calendar date. An open case is overdue at the end
of the period when the period's last day (or the day of `as_of`, if earlier) is past
its deadline, as the server's own deadline check sees it on that day.

Only cases that can count are read: those accepted or decided in the period (found
by two index ranges, read as one range of row ids), those still open past a deadline,
and those the server ever flagged overdue (a few, in a hall that works).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from onewindow import protocol as p
from queue_server.reports.columns import (
    STAFF_BITS,
    Field,
    Grouping,
    IntArray,
    StaffIds,
    count_by,
    group_all,
    group_ints,
    group_text,
    joined,
    packed,
    parse,
    rate,
    select_list,
    split,
    unpack,
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


@dataclass(frozen=True)
class CaseQuery:
    """The statements that read a period's cases, in `parts` that can run side by side."""

    period: Period
    fields: list[Field]  # packed into the first number
    where: list[Field]  # window (and clerk), packed into the second
    select: str
    args: dict[str, object]
    in_period: str
    text_staff: bool

    def read(self, conn: sqlite3.Connection, part: int, parts: int) -> list[Any]:
        """Part `part` of `parts` of the period's cases, and the first part also the cases
        still open past a deadline or ever flagged overdue."""
        accepted, decided = (f"{c} >= :s AND {c} < :e" for c in ("accepted_at", "decided_at"))
        lo, hi = _row_range(conn, (accepted, decided), self.args)
        # Cases are written in the order they are opened, so the period's are one range
        # of row ids: read in one pass rather than one lookup each, a slice per part.
        size = (hi - lo) // parts + 1
        lo, hi = lo + part * size, min(hi, lo + (part + 1) * size - 1)
        tails = [f"FROM cases WHERE rowid BETWEEN {lo} AND {hi} AND {self.in_period}"]
        if part == 0:
            tails.append(f"""FROM cases WHERE rowid IN (
                SELECT rowid FROM cases WHERE state = 'accepted' AND deadline < :judge
                UNION SELECT rowid FROM cases WHERE overdue = 1)
                AND NOT {self.in_period}""")
        return [
            conn.execute(f"SELECT {self.select} {tail}", self.args).fetchone() for tail in tails
        ]


def query(
    period: Period,
    start_ts: float,
    end_ts: float,
    tz: dt.tzinfo,
    judge_day: dt.date,
    day_starts_at: dt.time,
    staff: StaffIds,
) -> CaseQuery:
    def local(column: str) -> str:
        return local_offset_sql(column, start_ts, end_ts, tz)

    def day_index(column: str, since: str) -> str:
        return f"CAST(({local(column)} - {since}) / 86400 AS INT)"

    start_local = local(repr(start_ts))  # the first business day's start, hall clock
    midnight = f"({start_local} - {day_starts_at.hour * 3600 + day_starts_at.minute * 60})"
    accepted, decided = (f"{c} >= :s AND {c} < :e" for c in ("accepted_at", "decided_at"))
    open_late = (
        "(deadline IS NOT NULL AND accepted_at < :e AND deadline < :judge "
        "AND (decided_at IS NULL OR decided_at >= :e))"
    )
    fields: list[Field] = [
        (
            "accepted_day",
            f"CASE WHEN {accepted} THEN {day_index('accepted_at', start_local)} + 1 ELSE 0 END",
            13,
            1,
        ),
        (
            "decided_day",
            f"CASE WHEN {decided} THEN {day_index('decided_at', start_local)} + 1 ELSE 0 END",
            13,
            1,
        ),
        # The decision's calendar date (as deadlines are dates), counted from the first day.
        (
            "decided_date",
            f"CASE WHEN {decided} THEN {day_index('decided_at', midnight)} + 1 ELSE 0 END",
            13,
            1,
        ),
        ("immediate", "coalesce(immediate, 0)", 1, 0),
        ("open_late", f"coalesce({open_late}, 0)", 1, 0),
    ]
    where: list[Field] = [("window", "coalesce(window, -1) + 1", 16, 1)]
    if staff.numbers is not None:
        where.append(("staff", staff.SQL, STAFF_BITS + 1, 0))
    texts = [joined("service", "item", "deadline")]
    texts += ["staff_id"] if staff.numbers is None else []
    # The unary + keeps SQLite off the time indexes in the scan: the row-id range is cheaper.
    scan = [f"(+{c} >= :s AND +{c} < :e)" for c in ("accepted_at", "decided_at")]
    return CaseQuery(
        period=period,
        fields=fields,
        where=where,
        select=select_list([packed(fields), packed(where)], texts),
        args={"s": start_ts, "e": end_ts, "judge": judge_day.isoformat()},
        in_period=f"({scan[0]} OR {scan[1]})",
        text_staff=staff.numbers is None,
    )


def rows_of(q: CaseQuery, rows: list[Any], staff: StaffIds) -> CaseRows:
    """The cases from the rows that `q.read` gave, in any number of parts."""
    _, (whole, at), words = parse(rows, 0, 2, 2 if q.text_staff else 1)
    f = unpack(whole, q.fields) | unpack(at, q.where)
    service, item, deadline = split(words[0], 3)
    clerks = group_text(words[1]) if q.text_staff else staff.grouping(f["staff"])
    acc_day, dec_day, dec_date = f["accepted_day"], f["decided_day"], f["decided_date"]
    first = q.period.first.toordinal()
    due = np.array(
        [dt.date.fromisoformat(v).toordinal() - first if v else -(2**40) for v in deadline.values]
        or [0],
        dtype=np.int64,
    )[deadline.codes]
    judged = (dec_day >= 0) & (due > -(2**40))
    return CaseRows(
        accepted_day=acc_day,
        decided_day=dec_day,
        immediate=f["immediate"],
        early=(judged & (dec_date < due)).astype(np.int64),
        overdue=((judged & (dec_date > due)) | (f["open_late"] == 1)).astype(np.int64),
        groupings={
            "hall": group_all(len(acc_day)),
            "services": group_text(service),
            "windows": group_ints(f["window"]),
            "clerks": clerks,
            "items": group_text(item),
        },
    )


def _row_range(
    conn: sqlite3.Connection, conditions: tuple[str, ...], args: dict[str, object]
) -> tuple[int, int]:
    ends = [
        conn.execute(f"SELECT min(rowid), max(rowid) FROM cases WHERE {c}", args).fetchone()
        for c in conditions
    ]
    lows = [lo for lo, _ in ends if lo is not None]
    highs = [hi for _, hi in ends if hi is not None]
    return (min(lows), max(highs)) if lows else (0, -1)


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
            accepted=int(accepted[g]),
            immediate=int(immediate[g]),
            finished=int(finished[g]),
            finished_early=int(early[g]),
            overdue=int(overdue[g]),
            early_rate=rate(int(early[g]), int(finished[g])),
            immediate_share=rate(int(immediate[g]), int(accepted[g])),
        )
    return out


def per_day(rows: CaseRows, days: int) -> tuple[IntArray, IntArray]:
    """Cases accepted and finished on each day of the period."""
    return count_by(rows.accepted_day, days), count_by(rows.decided_day, days)
