"""Who is asking: device tokens from the config, staff with salted PIN hashes.

Staff PINs are hashed with the standard library's scrypt. A staff token is random,
stored only as its SHA-256, scoped to the window the clerk signed in at, and valid
until sign-out or the end of the business day. Device tokens (kiosk, screen,
evaluator) come from the config and never expire, so a screen never goes blank.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3

from onewindow.config import Config
from queue_server.rules.principal import SUPERVISING, Principal
from queue_server.store import staff as staff_store

MAX_WRONG_PINS = 5
LOCK_MINUTES = 5
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


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


def upsert_staff(
    conn: sqlite3.Connection, staff_id: str, name: str, role: str, pin: str, now: float
) -> None:
    """Add a person, or give them a new name, role or PIN (which ends their sign-ins)."""
    salt, digest = hash_pin(pin)
    staff_store.upsert(conn, staff_id, name, role, salt, digest, now)


__all__ = ["SUPERVISING", "Principal"]
