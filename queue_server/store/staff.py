"""Staff and their sign-ins: the staff and sessions tables (writer or reader connection).

PINs arrive here already hashed (queue_server.auth hashes them); nothing here sees a PIN.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from queue_server.rules.principal import Principal


@dataclass(frozen=True)
class StaffRecord:
    staff_id: str
    name: str
    role: str
    pin_salt: bytes
    pin_hash: bytes
    disabled: bool
    failed_pins: int
    locked_until: float | None


def get_staff(conn: sqlite3.Connection, staff_id: str) -> StaffRecord | None:
    row = conn.execute("SELECT * FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    if row is None:
        return None
    return StaffRecord(
        staff_id=row["staff_id"],
        name=row["name"],
        role=row["role"],
        pin_salt=row["pin_salt"],
        pin_hash=row["pin_hash"],
        disabled=bool(row["disabled"]),
        failed_pins=row["failed_pins"] or 0,
        locked_until=row["locked_until"],
    )


def upsert(
    conn: sqlite3.Connection,
    staff_id: str,
    name: str,
    role: str,
    pin_salt: bytes,
    pin_hash: bytes,
    now: float,
) -> None:
    conn.execute(
        "INSERT INTO staff (staff_id, name, role, pin_salt, pin_hash, disabled, failed_pins, "
        "created_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT(staff_id) DO UPDATE SET "
        "name = excluded.name, role = excluded.role, pin_salt = excluded.pin_salt, "
        "pin_hash = excluded.pin_hash, disabled = 0, failed_pins = 0, locked_until = NULL",
        (staff_id, name, role, pin_salt, pin_hash, now),
    )
    # A new PIN or role must not leave an old sign-in working.
    end_sessions_of(conn, staff_id, now)


def end_sessions_of(conn: sqlite3.Connection, staff_id: str, now: float) -> None:
    conn.execute(
        "UPDATE sessions SET ended_at = ? WHERE staff_id = ? AND ended_at IS NULL",
        (now, staff_id),
    )


def list_staff(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT staff_id, name, role, disabled, locked_until FROM staff ORDER BY staff_id"
    )
    return [dict(r) for r in rows]


def set_disabled(conn: sqlite3.Connection, staff_id: str, disabled: bool = True) -> bool:
    """Disable (or enable) a person; disabling ends their sign-ins. False: no such id."""
    cur = conn.execute(
        "UPDATE staff SET disabled = ? WHERE staff_id = ?", (int(disabled), staff_id)
    )
    if disabled:
        conn.execute(
            "UPDATE sessions SET ended_at = strftime('%s','now') "
            "WHERE staff_id = ? AND ended_at IS NULL",
            (staff_id,),
        )
    return cur.rowcount > 0


def clear_failed_pins(conn: sqlite3.Connection, staff_id: str) -> None:
    conn.execute(
        "UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE staff_id = ?", (staff_id,)
    )


def save_session(conn: sqlite3.Connection, p: Principal, day: dt.date, now: float) -> None:
    conn.execute(
        "INSERT INTO sessions (token_hash, staff_id, role, window, business_day, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (p.token_hash, p.name, p.role, p.window, day.isoformat(), now),
    )


def end_session(conn: sqlite3.Connection, digest: str, now: float) -> None:
    conn.execute("UPDATE sessions SET ended_at = ? WHERE token_hash = ?", (now, digest))


def live_sessions(conn: sqlite3.Connection, day: dt.date) -> dict[str, Principal]:
    rows = conn.execute(
        "SELECT s.* FROM sessions s JOIN staff USING (staff_id) WHERE s.business_day = ? "
        "AND s.ended_at IS NULL AND staff.disabled = 0",
        (day.isoformat(),),
    )
    return {
        r["token_hash"]: Principal("staff", r["role"], r["staff_id"], r["window"], r["token_hash"])
        for r in rows
    }
