"""Cases and ratings in SQLite: the rows, and the reads and writes the intake needs."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from onewindow import case_numbers
from queue_server.rules.cases import Case
from queue_server.store.storage import moment, seconds

CASE_COLUMNS = [
    "id",
    "case_no",
    "case_day",
    "item",
    "service",
    "state",
    "immediate",
    "ticket_id",
    "ticket_number",
    "window",
    "staff_id",
    "applicant_name",
    "id_type",
    "id_number",
    "phone",
    "received",
    "missing",
    "created_at",
    "accepted_at",
    "deadline",
    "promised_days",
    "decided_at",
    "issued_at",
    "reason",
    "clock_restarts",
    "warned",
    "overdue",
]
_UPSERT_CASE = (
    f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) VALUES "
    f"({', '.join('?' * len(CASE_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(
        # A later change (approval, a warning...) is saved without the day: keep the number's.
        "case_day = coalesce(excluded.case_day, cases.case_day)"
        if c == "case_day"
        else f"{c} = excluded.{c}"
        for c in CASE_COLUMNS[1:]
    )
)


def case_row(c: Case, case_day: dt.date | None) -> tuple[Any, ...]:
    return (
        c.id,
        c.case_no,
        case_day.isoformat() if case_day else None,
        c.item,
        c.service,
        c.state,
        int(c.immediate),
        c.ticket_id,
        c.ticket_number,
        c.window,
        c.staff_id,
        c.applicant_name,
        c.id_type,
        c.id_number,
        c.phone,
        json.dumps(c.received, ensure_ascii=False),
        json.dumps(c.missing, ensure_ascii=False),
        seconds(c.created_at),
        seconds(c.accepted_at),
        c.deadline.isoformat() if c.deadline else None,
        c.promised_days,
        seconds(c.decided_at),
        seconds(c.issued_at),
        c.reason,
        c.clock_restarts,
        int(c.warned),
        int(c.overdue),
    )


def case_from_row(row: sqlite3.Row, tz: dt.tzinfo) -> Case:
    created = moment(row["created_at"], tz)
    assert created is not None
    return Case(
        id=row["id"],
        item=row["item"],
        service=row["service"],
        state=row["state"],
        created_at=created,
        immediate=bool(row["immediate"]),
        case_no=row["case_no"],
        ticket_id=row["ticket_id"],
        ticket_number=row["ticket_number"],
        window=row["window"],
        staff_id=row["staff_id"],
        applicant_name=row["applicant_name"],
        id_type=row["id_type"],
        id_number=row["id_number"],
        phone=row["phone"],
        received=tuple(json.loads(row["received"] or "[]")),
        missing=tuple(json.loads(row["missing"] or "[]")),
        accepted_at=moment(row["accepted_at"], tz),
        deadline=dt.date.fromisoformat(row["deadline"]) if row["deadline"] else None,
        promised_days=row["promised_days"] or 0,
        decided_at=moment(row["decided_at"], tz),
        issued_at=moment(row["issued_at"], tz),
        reason=row["reason"] or "",
        clock_restarts=row["clock_restarts"] or 0,
        warned=bool(row["warned"]),
        overdue=bool(row["overdue"]),
    )


def save_case(case: Case, case_day: dt.date | None) -> Callable[[sqlite3.Connection], None]:
    row = case_row(case, case_day)

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(_UPSERT_CASE, row)

    return op


def get_case(conn: sqlite3.Connection, ref: str, tz: dt.tzinfo) -> Case | None:
    row = conn.execute("SELECT * FROM cases WHERE id = ? OR case_no = ?", (ref, ref)).fetchone()
    return case_from_row(row, tz) if row else None


def cases_by(
    conn: sqlite3.Connection,
    tz: dt.tzinfo,
    *,
    state: str | None = None,
    ticket: str | None = None,
    window: int | None = None,
    open_with_deadline: bool = False,
    not_overdue: bool = False,
    accepted_since: float | None = None,
    limit: int = 500,
) -> list[Case]:
    """Cases, newest first, that meet every condition given.

    `open_with_deadline`: accepted and not yet decided, with a promised deadline.
    """
    where, args = ["1"], []
    for column, value in (("state", state), ("ticket_number", ticket), ("window", window)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if open_with_deadline:
        where.append("state = 'accepted' AND deadline IS NOT NULL")
    if not_overdue:
        where.append("overdue = 0")
    if accepted_since is not None:
        where.append("accepted_at >= ?")
        args.append(accepted_since)
    rows = conn.execute(
        f"SELECT * FROM cases WHERE {' AND '.join(where)} ORDER BY created_at DESC LIMIT ?",
        (*args, limit),
    )
    return [case_from_row(r, tz) for r in rows]


def last_case_seq(conn: sqlite3.Connection, day: dt.date, hall: str = "") -> int:
    """The day's highest case number of `hall`'s code (`HZ` + YYYYMMDD + nnnn), as its
    sequence part.

    Read from the numbers themselves (a range on their unique index), so nothing else
    stored about a case can make a number come round twice. The longest number is the
    highest: past the 9,999th case of a day the sequence grows a digit.
    """
    low, high = case_numbers.day_range(hall, day)
    row = conn.execute(
        "SELECT case_no FROM cases WHERE case_no >= ? AND case_no < ? "
        "ORDER BY length(case_no) DESC, case_no DESC LIMIT 1",
        (low, high),
    ).fetchone()
    return case_numbers.sequence(row[0]) if row else 0


# --- ratings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    ticket_id: str
    ticket_number: str
    business_day: dt.date
    window: int | None
    staff_id: str | None
    service: str
    item: str | None
    score: int
    comment: str
    channel: str
    at: dt.datetime
    id: int = 0
    followed_up_at: dt.datetime | None = None
    follow_up_note: str = ""


def save_rating(rating: Rating, rating_id: int) -> Callable[[sqlite3.Connection], None]:
    row = (
        rating_id,
        rating.ticket_id,
        rating.ticket_number,
        rating.business_day.isoformat(),
        rating.window,
        rating.staff_id,
        rating.service,
        rating.item,
        rating.score,
        rating.comment,
        rating.channel,
        rating.at.timestamp(),
    )

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO ratings (id, ticket_id, ticket_number, business_day, window, staff_id, "
            "service, item, score, comment, channel, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )

    return op


def rating_from_row(row: sqlite3.Row, tz: dt.tzinfo) -> Rating:
    at = moment(row["at"], tz)
    assert at is not None
    return Rating(
        id=row["id"],
        ticket_id=row["ticket_id"],
        ticket_number=row["ticket_number"],
        business_day=dt.date.fromisoformat(row["business_day"]),
        window=row["window"],
        staff_id=row["staff_id"],
        service=row["service"],
        item=row["item"],
        score=row["score"],
        comment=row["comment"] or "",
        channel=row["channel"],
        at=at,
        followed_up_at=moment(row["followed_up_at"], tz),
        follow_up_note=row["follow_up_note"] or "",
    )


def ratings_with(conn: sqlite3.Connection, tz: dt.tzinfo, scores: Iterable[int]) -> list[Rating]:
    """The latest 500 ratings whose score is one of `scores`, newest first."""
    wanted = sorted(set(scores))
    marks = ", ".join("?" * len(wanted))
    rows = conn.execute(
        f"SELECT * FROM ratings WHERE score IN ({marks}) ORDER BY at DESC LIMIT 500", wanted
    )
    return [rating_from_row(r, tz) for r in rows]


def rating(conn: sqlite3.Connection, tz: dt.tzinfo, rating_id: int) -> Rating | None:
    row = conn.execute("SELECT * FROM ratings WHERE id = ?", (rating_id,)).fetchone()
    return None if row is None else rating_from_row(row, tz)


def rated_tickets(conn: sqlite3.Connection, day: dt.date) -> set[str]:
    rows = conn.execute("SELECT ticket_id FROM ratings WHERE business_day = ?", (day.isoformat(),))
    return {r[0] for r in rows}


def last_rating_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM ratings").fetchone()[0])


def follow_up(rating_id: int, note: str, at: dt.datetime) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE ratings SET followed_up_at = ?, follow_up_note = ? WHERE id = ?",
            (at.timestamp(), note, rating_id),
        )

    return op
