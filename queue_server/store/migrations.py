"""Numbered schema migrations; `PRAGMA user_version` records the last one applied.

A migration is only ever added, never edited once released: a hall's database moves
forward one step at a time when a newer server first opens it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def _m1_queue(db: sqlite_utils.Database) -> None:
    db["tickets"].create(  # type: ignore[union-attr]
        {
            "id": str,
            "business_day": str,
            "number": str,
            "service": str,
            "kind": str,
            "state": str,
            "place": int,
            "channel": str,
            "target_window": int,
            "window": int,
            "call_count": int,
            "issued_at": float,
            "called_at": float,
            "started_at": float,
            "finished_at": float,
            "no_show_at": float,
            "closed_at": float,
            "from_ticket": str,
            "case_no": str,
            "outcome": str,
            "idempotency_key": str,
            "transfers": int,
        },
        pk="id",
        not_null={"business_day", "number", "service", "kind", "state", "place", "issued_at"},
    )
    # The number is unique within its business day whatever the concurrency.
    db["tickets"].create_index(["business_day", "number"], unique=True)
    db["tickets"].create_index(["business_day", "state"])
    db["tickets"].create_index(["idempotency_key"], unique=True)
    db["events"].create(  # type: ignore[union-attr]
        {
            "seq": int,
            "type": str,
            "at": float,
            "ticket_id": str,
            "number": str,
            "window": int,
            "body": str,
        },
        pk="seq",
        not_null={"type", "at", "body"},
    )
    db["events"].create_index(["type", "seq"])
    db["events"].create_index(["ticket_id"])
    db["windows"].create(  # type: ignore[union-attr]
        {"number": int, "state": str, "staff_id": str, "pause_reason": str, "changed_at": float},
        pk="number",
    )
    db["staff"].create(  # type: ignore[union-attr]
        {
            "staff_id": str,
            "name": str,
            "role": str,
            "pin_salt": bytes,
            "pin_hash": bytes,
            "disabled": int,
            "failed_pins": int,
            "locked_until": float,
            "created_at": float,
        },
        pk="staff_id",
        not_null={"name", "role", "pin_salt", "pin_hash"},
        defaults={"disabled": 0, "failed_pins": 0},
    )
    db["sessions"].create(  # type: ignore[union-attr]
        {
            "token_hash": str,
            "staff_id": str,
            "role": str,
            "window": int,
            "business_day": str,
            "created_at": float,
            "ended_at": float,
        },
        pk="token_hash",
    )


def _m2_intake(db: sqlite_utils.Database) -> None:
    db["tickets"].add_column("staff_id", str)  # type: ignore[union-attr]
    db["tickets"].add_column("first_called_at", float)  # type: ignore[union-attr]
    db["cases"].create(  # type: ignore[union-attr]
        {
            "id": str,
            "case_no": str,
            "case_day": str,
            "item": str,
            "service": str,
            "state": str,
            "immediate": int,
            "ticket_id": str,
            "ticket_number": str,
            "window": int,
            "staff_id": str,
            "applicant_name": str,
            "id_type": str,
            "id_number": str,
            "phone": str,
            "received": str,
            "missing": str,
            "created_at": float,
            "accepted_at": float,
            "deadline": str,
            "promised_days": int,
            "decided_at": float,
            "issued_at": float,
            "reason": str,
            "clock_restarts": int,
            "warned": int,
            "overdue": int,
        },
        pk="id",
        not_null={"item", "service", "state", "created_at"},
    )
    db["cases"].create_index(["case_no"], unique=True)
    db["cases"].create_index(["state", "deadline"])
    db["cases"].create_index(["ticket_id"])
    db["ratings"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "ticket_id": str,
            "ticket_number": str,
            "business_day": str,
            "window": int,
            "staff_id": str,
            "service": str,
            "item": str,
            "score": int,
            "comment": str,
            "channel": str,
            "at": float,
            "followed_up_at": float,
            "follow_up_note": str,
        },
        pk="id",
        not_null={"ticket_id", "score", "at"},
    )
    # One rating per served ticket, whatever the concurrency.
    db["ratings"].create_index(["ticket_id"], unique=True)
    db["ratings"].create_index(["business_day"])


def _m3_report_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the reports (queue_server/reports), so a month of a busy hall reads fast.

    The tickets index holds every column a report reads, in the order it groups them:
    a month is then one range of the index, already grouped, with no table lookups and
    no sort.
    """
    db.execute(
        "CREATE INDEX tickets_report ON tickets (business_day, service, channel, kind, state, "
        "window, staff_id, issued_at, first_called_at, called_at, started_at, finished_at)"
    )
    db.execute("CREATE INDEX cases_accepted_at ON cases (accepted_at)")
    db.execute("CREATE INDEX cases_decided_at ON cases (decided_at)")
    db.execute("CREATE INDEX cases_overdue ON cases (overdue) WHERE overdue = 1")


def _m4_idempotency_per_day(db: sqlite_utils.Database) -> None:
    """An Idempotency-Key is the caller's for one business day (the hall forgets it at
    the rollover); a key over all days made a kiosk's reused key a failed write."""
    db.execute("DROP INDEX IF EXISTS idx_tickets_idempotency_key")
    db.execute(
        "CREATE UNIQUE INDEX tickets_idempotency_day ON tickets (business_day, idempotency_key)"
    )


def _m5_uplink(db: sqlite_utils.Database) -> None:
    """How far the district centre has acknowledged the event log: one row, kept durably so
    that a restart of the hall resends only what the centre does not hold."""
    db.execute(
        "CREATE TABLE uplink (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "acked_seq INTEGER NOT NULL, last_success_at REAL)"
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_queue,
    _m2_intake,
    _m3_report_indexes,
    _m4_idempotency_per_day,
    _m5_uplink,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the database has not seen; returns the schema version.

    sqlite-utils is imported only when there is something to migrate: it pulls in
    numpy when that is installed, which would cost every server start ~0.1 s.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version >= len(MIGRATIONS):
        return version
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
