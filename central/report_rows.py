"""The hall report's rows, rebuilt at the centre from each hall's event stream.

The district report runs the hall's own figure computation (queue_server/reports) on
rows of the hall's own shape: for each ticket, case and rating the last word its events
gave. They are folded here (pure), upserted in the ingest transaction that acks the
events (so each event counts once), and read back per period into an SQLite database
of the hall's schema in memory. Times are kept as the hall keeps them, unix seconds in
a double, so every duration is the very number the hall computes. Nothing here holds a
name, an ID number, a phone number, a comment or a follow-up note.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from psycopg import AsyncConnection

from onewindow import protocol as p

Row = tuple[Any, ...]

TICKET_COLUMNS = (
    "id",
    "business_day",
    "number",
    "service",
    "kind",
    "state",
    "channel",
    "window",
    "staff_id",
    "issued_at",
    "first_called_at",
    "called_at",
    "started_at",
    "finished_at",
)
CASE_COLUMNS = (
    "id",
    "item",
    "service",
    "state",
    "immediate",
    "window",
    "staff_id",
    "accepted_at",
    "decided_at",
    "deadline",
    "overdue",
)
RATING_COLUMNS = (
    "id",
    "ticket_number",
    "business_day",
    "window",
    "staff_id",
    "service",
    "item",
    "score",
    "at",
    "followed_up_at",
)

MIGRATION = """
CREATE TABLE report_tickets (
    hall text NOT NULL REFERENCES halls (code),
    id text NOT NULL,
    business_day date NOT NULL,
    number text NOT NULL,
    service text NOT NULL,
    kind text NOT NULL,
    state text NOT NULL,
    channel text,
    "window" integer,
    staff_id text,
    issued_at double precision NOT NULL,   -- unix seconds, as the hall keeps them
    first_called_at double precision,
    called_at double precision,
    started_at double precision,
    finished_at double precision,
    PRIMARY KEY (hall, id)
);
CREATE INDEX report_tickets_day ON report_tickets (hall, business_day);
CREATE TABLE report_cases (
    hall text NOT NULL REFERENCES halls (code),
    id text NOT NULL,
    opened_seq bigint NOT NULL,            -- the hall's order of cases
    item text NOT NULL,
    service text NOT NULL,
    state text NOT NULL,
    immediate boolean NOT NULL,
    "window" integer,
    staff_id text,
    accepted_at double precision,
    decided_at double precision,
    deadline date,
    overdue boolean NOT NULL,
    PRIMARY KEY (hall, id)
);
CREATE TABLE report_ratings (
    hall text NOT NULL REFERENCES halls (code),
    id bigint NOT NULL,
    ticket_number text NOT NULL,
    business_day date NOT NULL,
    "window" integer,
    staff_id text,
    service text NOT NULL,
    item text,
    score integer NOT NULL,
    at double precision NOT NULL,
    followed_up_at double precision,
    PRIMARY KEY (hall, id)
);
CREATE INDEX report_ratings_day ON report_ratings (hall, business_day);
"""


def _seconds(value: dt.datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


@dataclass
class ReportChanges:
    """The last word of a run of one hall's events on each ticket, case and rating."""

    tickets: dict[str, Row] = field(default_factory=dict)
    cases: dict[str, Row] = field(default_factory=dict)
    ratings: dict[int, Row] = field(default_factory=dict)
    follow_ups: dict[int, float] = field(default_factory=dict)


def _ticket(hall: str, e: p.TicketEventBase, tz: dt.tzinfo) -> Row:
    t = e.ticket
    # A hall older than these fields sends no business day: its issue date is the best guess.
    day = e.business_day or t.issued_at.astimezone(tz).date()
    return (
        hall,
        t.id,
        day,
        t.number,
        t.service,
        t.kind,
        t.state,
        t.channel,
        t.window,
        e.staff_id,
        t.issued_at.timestamp(),
        _seconds(e.first_called_at),
        _seconds(t.called_at),
        _seconds(t.started_at),
        _seconds(t.finished_at),
    )


def _case(hall: str, e: p.CaseEventBase, opened_seq: int) -> Row:
    return (
        hall,
        e.case_id,
        opened_seq,
        e.item,
        e.service,
        e.state,
        e.immediate,
        e.window,
        e.staff_id,
        _seconds(e.accepted_at),
        _seconds(e.decided_at),
        e.deadline,
        e.overdue,
    )


def _rating(hall: str, e: p.RatingReceived, tz: dt.tzinfo) -> Row:
    day = e.business_day or e.at.astimezone(tz).date()
    return (
        hall,
        e.rating_id,
        e.number,
        day,
        e.window,
        e.staff_id,
        e.service,
        e.item,
        e.score,
        e.at.timestamp(),
        None,
    )


def fold(hall: str, events: Iterable[p.Event], tz: dt.tzinfo) -> ReportChanges:
    """The report rows that `events` (one hall's, in seq order) leave behind."""
    changes = ReportChanges()
    for e in events:
        if isinstance(e, p.TicketEventBase):
            changes.tickets[e.ticket.id] = _ticket(hall, e, tz)
        elif isinstance(e, p.CaseEventBase):
            earlier = changes.cases.get(e.case_id)
            changes.cases[e.case_id] = _case(hall, e, earlier[2] if earlier else e.seq)
        elif isinstance(e, p.RatingReceived):
            changes.ratings[e.rating_id] = _rating(hall, e, tz)
        elif isinstance(e, p.RatingFollowedUp):
            changes.follow_ups[e.rating_id] = e.at.timestamp()
    return changes


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)  # "window" is a keyword in PostgreSQL


def _upsert(table: str, columns: tuple[str, ...], keep: tuple[str, ...] = ()) -> str:
    names = _quoted(("hall", *columns))
    values = ", ".join(["%s"] * (len(columns) + 1))
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[1:] if c not in keep)
    return (
        f"INSERT INTO {table} ({names}) VALUES ({values}) "
        f"ON CONFLICT (hall, id) DO UPDATE SET {updates}"
    )


_UPSERT_TICKET = _upsert("report_tickets", TICKET_COLUMNS)
# A case keeps the seq of the event that first named it: the hall's order of opening.
_UPSERT_CASE = _upsert("report_cases", ("id", "opened_seq", *CASE_COLUMNS[1:]), ("opened_seq",))
_INSERT_RATING = (
    f"INSERT INTO report_ratings ({_quoted(('hall', *RATING_COLUMNS))}) "
    f"VALUES ({', '.join(['%s'] * (len(RATING_COLUMNS) + 1))}) ON CONFLICT (hall, id) DO NOTHING"
)
_FOLLOW_UP = "UPDATE report_ratings SET followed_up_at = %s WHERE hall = %s AND id = %s"


async def project(conn: AsyncConnection, hall: str, changes: ReportChanges) -> None:
    """Upsert the rows, inside the caller's ingest transaction."""
    async with conn.cursor() as cur:
        for query, rows in (
            (_UPSERT_TICKET, list(changes.tickets.values())),
            (_UPSERT_CASE, list(changes.cases.values())),
            (_INSERT_RATING, list(changes.ratings.values())),
        ):
            if rows:
                await cur.executemany(query, rows)
        if changes.follow_ups:
            await cur.executemany(
                _FOLLOW_UP, [(at, hall, rid) for rid, at in changes.follow_ups.items()]
            )


# --- reading a period back, into the hall's own schema ----------------------------------


@dataclass(frozen=True)
class HallRows:
    """One hall's rows that a report of the period reads, and its last event's time."""

    hall: str
    tickets: list[Row]
    cases: list[Row]
    ratings: list[Row]
    last_event_at: dt.datetime | None


def _select(table: str, columns: tuple[str, ...], where: str, order: str) -> str:
    return (
        f"SELECT {_quoted(columns)} FROM {table} "
        f"WHERE hall = %(hall)s AND ({where}) ORDER BY {order}"
    )


# The cases the hall's report reads: those accepted or decided in the period, those still
# open past a deadline on the judging day, and those the hall ever flagged overdue.
_CASES_WHERE = (
    "(accepted_at >= %(s)s AND accepted_at < %(e)s) OR (decided_at >= %(s)s AND decided_at < %(e)s)"
    " OR (state = 'accepted' AND deadline < %(judge)s) OR overdue"
)


async def read(
    conn: AsyncConnection,
    hall: str,
    first: dt.date,
    last: dt.date,
    start_ts: float,
    end_ts: float,
    judge: dt.date,
) -> HallRows:
    args = {"hall": hall, "first": first, "last": last, "s": start_ts, "e": end_ts, "judge": judge}
    day = "business_day BETWEEN %(first)s AND %(last)s"
    out = []
    for sql in (
        _select("report_tickets", TICKET_COLUMNS, day, "issued_at, id"),
        _select("report_cases", CASE_COLUMNS, _CASES_WHERE, "opened_seq"),
        _select("report_ratings", RATING_COLUMNS, day, "id"),
    ):
        cur = await conn.execute(sql, args)
        out.append(await cur.fetchall())
    cur = await conn.execute("SELECT last_event_at FROM halls WHERE code = %s", (hall,))
    found = await cur.fetchone()
    return HallRows(hall, out[0], out[1], out[2], found[0] if found else None)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def fill(conn: sqlite3.Connection, halls: Iterable[HallRows], prefix: bool) -> None:
    """Insert the rows into the hall tables of `conn` (an empty migrated hall database).

    With `prefix` (several halls in one database) the ids carry the hall code and the
    ratings are numbered afresh, so no two halls' rows collide.
    """
    rating_id = 0
    for rows in halls:
        tag = f"{rows.hall}/" if prefix else ""
        # A number is unique in a hall's day only: A001 is in every hall.
        tickets = [(tag + r[0], _iso(r[1]), tag + r[2], *map(_iso, r[3:]), 0) for r in rows.tickets]
        conn.executemany(
            f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}, place) "
            f"VALUES ({', '.join('?' * (len(TICKET_COLUMNS) + 1))})",
            tickets,
        )
        cases = [(tag + r[0], *map(_iso, r[1:]), r[7] or 0.0) for r in rows.cases]
        conn.executemany(
            f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}, created_at) "
            f"VALUES ({', '.join('?' * (len(CASE_COLUMNS) + 1))})",
            cases,
        )
        ratings = []
        for r in rows.ratings:
            rating_id = rating_id + 1 if prefix else r[0]
            ratings.append((rating_id, *map(_iso, r[1:]), f"{tag}{r[0]}"))
        conn.executemany(
            f"INSERT INTO ratings ({', '.join(RATING_COLUMNS)}, ticket_id) "
            f"VALUES ({', '.join('?' * (len(RATING_COLUMNS) + 1))})",
            ratings,
        )
