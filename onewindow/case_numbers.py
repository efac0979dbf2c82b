"""Case numbers (办件编号) across the district, and the proof a visitor gives for one.

A case number is the accepting hall's code, the business day and the day's sequence:
`HZ202612040001`. The code is capital letters only, so it ends at the first digit and
the number reads unambiguously even past the 9,999th case of a day; letters then
digits is also what the kiosk's keypad offers. Numbers given before halls had codes
(`202612040001`, 12 digits) stay readable: they belong to the hall that holds them.

The proof of ownership is the last 4 digits of the phone given at the window. The
centre never sees them: halls share a district `proof_key` that the centre does not
have, and send HMAC-SHA256(proof_key, case_no | last4) instead. Without the key the
10,000 possible digit groups cannot be tried against the digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

HALL_CODE = re.compile(r"^[A-Z]{1,8}$")
_CASE_NO = re.compile(r"^(?P<hall>[A-Z]{1,8})?(?P<day>[0-9]{8})(?P<seq>[0-9]{4,6})$")
_SEPARATORS = str.maketrans("", "", " -_")
MAX_TYPED = 24  # a printed number with its spaces; anything longer is not one


def make(hall: str, day: dt.date, seq: int) -> str:
    """`hall` + YYYYMMDD + the day's sequence (4 digits, more only past 9,999)."""
    return f"{hall}{day:%Y%m%d}{seq:04d}"


def day_range(hall: str, day: dt.date) -> tuple[str, str]:
    """Bounds that hold exactly `hall`'s numbers of `day` (as text, on a unique index)."""
    return f"{hall}{day:%Y%m%d}", f"{hall}{day + dt.timedelta(days=1):%Y%m%d}"


def sequence(case_no: str) -> int:
    found = _CASE_NO.match(case_no)
    return int(found["seq"]) if found else 0


def normalise(raw: str) -> str | None:
    """A case number as a visitor types it (spaces, dashes, small letters), or None."""
    if len(raw) > MAX_TYPED:
        return None
    number = raw.strip().translate(_SEPARATORS).upper()
    return number if _CASE_NO.match(number) else None


def hall_of(case_no: str) -> str | None:
    """The code a number carries; None for a number from before halls had codes."""
    found = _CASE_NO.match(case_no)
    return found["hall"] if found else None


def is_foreign(case_no: str, own_hall: str) -> bool:
    """Accepted in another hall: it carries a code, and not this hall's."""
    code = hall_of(case_no)
    return code is not None and code != own_hall


def phone_last4(phone: str | None) -> str | None:
    digits = "".join(c for c in (phone or "") if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else None


def proof(key: str, case_no: str, last4: str) -> str:
    """The digest that stands for "case_no was given with a phone ending in last4"."""
    message = f"{case_no}|{last4}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def proof_matches(stored: str | None, given: str) -> bool:
    """Constant time; a case without a stored proof matches nothing, after the same work."""
    return hmac.compare_digest((stored or "-" * 64).encode(), given.encode()) and bool(stored)
