"""Who is asking: device tokens from the config, staff with salted PIN hashes.

Staff PINs are hashed with the standard library's scrypt. A staff token is random,
stored only as its SHA-256, scoped to the window the clerk signed in at, and valid
until sign-out or the end of the business day. Device tokens (kiosk, screen,
evaluator) come from the config and never expire, so a screen never goes blank.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from onewindow.config import Config

STAFF_ROLES = ("clerk", "guide", "supervisor", "admin")
SUPERVISING = frozenset({"supervisor", "admin"})
MAX_WRONG_PINS = 5
LOCK_MINUTES = 5
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    kind: str  # "device" or "staff"
    role: str  # kiosk / display / evaluator, or clerk / guide / supervisor / admin
    name: str  # device name or staff id
    window: int | None = None
    token_hash: str = ""

    @property
    def supervises(self) -> bool:
        return self.kind == "staff" and self.role in SUPERVISING


def hash_pin(pin: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt or secrets.token_bytes(16)
    return salt, hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)


# How many PIN hashes this process has computed: lets tests check that every sign-in
# answer costs exactly one, whatever the refusal.
pin_checks = 0


def pin_matches(pin: str, salt: bytes, expected: bytes) -> bool:
    global pin_checks
    pin_checks += 1
    return hmac.compare_digest(hash_pin(pin, salt)[1], expected)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def device_principals(config: Config) -> dict[str, Principal]:
    """Device tokens, keyed by their hash so a lookup does not compare secrets."""
    return {
        token_hash(d.token): Principal("device", d.role, d.name, d.window) for d in config.devices
    }


# --- staff records (run on the writer or reader connection) ---------------------------


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


def upsert_staff(
    conn: sqlite3.Connection, staff_id: str, name: str, role: str, pin: str, now: float
) -> None:
    salt, digest = hash_pin(pin)
    conn.execute(
        "INSERT INTO staff (staff_id, name, role, pin_salt, pin_hash, disabled, failed_pins, "
        "created_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT(staff_id) DO UPDATE SET "
        "name = excluded.name, role = excluded.role, pin_salt = excluded.pin_salt, "
        "pin_hash = excluded.pin_hash, disabled = 0, failed_pins = 0, locked_until = NULL",
        (staff_id, name, role, salt, digest, now),
    )
    # A new PIN or role must not leave an old sign-in working.
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


def record_pin_result(conn: sqlite3.Connection, staff_id: str, ok: bool, now: float) -> None:
    if ok:
        conn.execute(
            "UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE staff_id = ?",
            (staff_id,),
        )
        return
    conn.execute(
        "UPDATE staff SET failed_pins = failed_pins + 1, locked_until = CASE WHEN "
        "failed_pins + 1 >= ? THEN ? ELSE locked_until END WHERE staff_id = ?",
        (MAX_WRONG_PINS, now + LOCK_MINUTES * 60, staff_id),
    )
    conn.execute(
        "UPDATE staff SET failed_pins = 0 WHERE staff_id = ? AND failed_pins >= ?",
        (staff_id, MAX_WRONG_PINS),
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
