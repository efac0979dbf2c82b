"""Rating figures of a period (好差评): counts per score, satisfaction, bad ratings.

A rating belongs to the business day of the ticket it rates. Ratings are written in
order, so the period's ratings are one range of row ids: the index on `business_day`
finds its two ends, then the rows are read in one pass instead of one lookup each.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

import numpy as np

from onewindow import protocol as p
from onewindow.rating_scale import BAD, GOOD
from queue_server.reports.columns import (
    STAFF_BITS,
    Field,
    Grouping,
    IntArray,
    StaffIds,
    count_by,
    fetch_columns,
    group_all,
    group_ints,
    group_text,
    joined,
    packed,
    rate,
    split,
    unpack,
)
from queue_server.reports.period import Period


@dataclass(frozen=True)
class RatingRows:
    score: IntArray
    followed_up: IntArray
    day: IntArray  # index of the period's day
    groupings: dict[str, Grouping]


def _range(conn: sqlite3.Connection, period: Period) -> tuple[str, dict[str, object]]:
    lo, hi = conn.execute(
        "SELECT min(rowid), max(rowid) FROM ratings WHERE business_day BETWEEN ? AND ?",
        (period.first.isoformat(), period.last.isoformat()),
    ).fetchone()
    args = {
        "lo": lo or 0,
        "hi": hi or -1,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
    }
    # The unary + keeps SQLite from using the day index here: the row-id range is cheaper.
    return (
        "FROM ratings WHERE rowid BETWEEN :lo AND :hi AND +business_day BETWEEN :first AND :last",
        args,
    )


def load(conn: sqlite3.Connection, period: Period, staff: StaffIds) -> RatingRows:
    tail, args = _range(conn, period)
    fields: list[Field] = [
        ("score", "score", 3, 0),
        ("followed", "followed_up_at IS NOT NULL", 1, 0),
        ("window", "coalesce(window, -1) + 1", 16, 1),
    ]
    if staff.numbers is not None:
        fields.append(("staff", staff.SQL, STAFF_BITS + 1, 0))
    texts = [joined("service", "item", "business_day")]
    texts += ["staff_id"] if staff.numbers is None else []
    (whole,), words = fetch_columns(conn, [packed(fields)], texts, [(tail, args)])
    f = unpack(whole, fields)
    score, followed, window = f["score"], f["followed"], f["window"]
    service, item, day = split(words[0], 3)
    clerks = staff.grouping(f["staff"]) if staff.numbers is not None else group_text(words[1])
    first = period.first.toordinal()
    day_index = np.array(
        [dt.date.fromisoformat(v).toordinal() - first if v else -1 for v in day.values] or [-1],
        dtype=np.int64,
    )
    return RatingRows(
        score=score,
        followed_up=followed,
        day=day_index[day.codes] if len(day.codes) else score,
        groupings={
            "hall": group_all(len(score)),
            "services": group_text(service),
            "windows": group_ints(window),
            "clerks": clerks,
            "items": group_text(item),
        },
    )


def figures_by(rows: RatingRows, grouping: str) -> dict[str, p.RatingFigures]:
    names, codes = rows.groupings[grouping]
    groups = len(names)
    by_score = {s: count_by(codes, groups, (rows.score == s).astype(np.int64)) for s in range(1, 6)}
    bad = (rows.score <= max(BAD)).astype(np.int64)
    followed = count_by(codes, groups, bad * rows.followed_up)
    out = {}
    for g, name in enumerate(names):
        scores = {s: int(by_score[s][g]) for s in range(1, 6)}
        total = sum(scores.values())
        out[name] = p.RatingFigures(
            count=total,
            score_5=scores[5],
            score_4=scores[4],
            score_3=scores[3],
            score_2=scores[2],
            score_1=scores[1],
            satisfaction_rate=rate(scores[4] + scores[5], total),
            bad=sum(scores[s] for s in BAD),
            bad_followed_up=int(followed[g]),
        )
    return out


def per_day(rows: RatingRows, days: int) -> tuple[IntArray, IntArray]:
    """Ratings, and ratings of 4–5, on each day of the period."""
    good = (rows.score >= min(GOOD)).astype(np.int64)
    return count_by(rows.day, days), count_by(rows.day, days, good)


def bad_ratings(conn: sqlite3.Connection, period: Period, tz: dt.tzinfo) -> list[p.BadRating]:
    tail, args = _range(conn, period)
    rows = conn.execute(
        "SELECT id, business_day, ticket_number, service, window, staff_id, item, score, at, "
        f"followed_up_at {tail} AND score <= {max(BAD)} ORDER BY at, id",
        args,
    ).fetchall()
    return [
        p.BadRating(
            id=r[0],
            business_day=dt.date.fromisoformat(r[1]),
            ticket_number=r[2],
            service=r[3],
            window=r[4],
            staff_id=r[5],
            item=r[6],
            score=r[7],
            at=dt.datetime.fromtimestamp(r[8], tz),
            followed_up_at=dt.datetime.fromtimestamp(r[9], tz) if r[9] is not None else None,
        )
        for r in rows
    ]
