"""The applicant's details as the hall accepts them, and how staff lists mask them.

One set of rules for the clerk terminal (which checks while the visitor still stands at
the window) and the server (which checks every request, whoever sends it). Pure: no
clock (the caller passes `today`), no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

ID_TYPES: tuple[str, ...] = (
    "id_card",
    "passport",
    "hk_macao_permit",
    "taiwan_permit",
    "residence_permit",
    "business_licence",
    "other",
)
NAME_MAX = 64
# Every `key` an ApplicantProblem can carry (messages: intake.applicant.<key>).
PROBLEM_KEYS = (
    "name_required",
    "name_too_long",
    "name_control",
    "id_type_required",
    "id_required",
    "id_card_format",
    "id_card_date",
    "id_card_check",
    "credit_code_format",
    "id_other_format",
    "phone_required",
    "mobile_format",
    "phone_format",
)
_ID_CARD = re.compile(r"^[0-9]{17}[0-9X]$")
# 统一社会信用代码 (GB 32100): 18 characters, no I, O, Z, S or V
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$")
_OTHER_ID = re.compile(r"^[0-9A-Za-z()\-]{4,40}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_PHONE = re.compile(r"^\+?[0-9\- ]{7,20}$")
# GB 11643: the 18th character checks the first 17 with these weights, modulo 11
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# The 18-character national numbers show their last 4 (sequence and check digit, never
# the birth date); shorter document numbers at most 2. Never more than 4 in all.
_ID_SHOWN = {"id_card": 4, "residence_permit": 4, "business_licence": 4}


class ApplicantProblem(Exception):
    """`field` is wrong; `key` names the message (intake.applicant.<key>) to show."""

    def __init__(self, field: str, key: str, values: dict[str, object] | None = None) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field  # name | id_type | id_number | phone
        self.key = key
        self.values = values or {}


def has_control_character(text: str) -> bool:
    """NUL, ESC, BEL, line breaks, bidi overrides, zero-width marks: any Cc or Cf."""
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


# -- checks --


def check_name(name: str) -> None:
    if has_control_character(name):
        raise ApplicantProblem("name", "name_control")
    if not name.strip():
        raise ApplicantProblem("name", "name_required")
    if len(name) > NAME_MAX:
        raise ApplicantProblem("name", "name_too_long", {"max": NAME_MAX})


def birth_date_ok(number: str, today: dt.date | None = None) -> bool:
    """Characters 7–14 of a resident ID number are a real date, not after `today`."""
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1900 and (today is None or born <= today)


def id_card_ok(number: str, today: dt.date | None = None) -> bool:
    """A mainland resident ID number: its shape, its birth date and its check digit."""
    return bool(_ID_CARD.match(number)) and birth_date_ok(number, today) and _check_ok(number)


def _check_ok(number: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=False))
    return _CHECK[total % 11] == number[-1]


def check_id_number(id_type: str, number: str, today: dt.date | None = None) -> None:
    if not number:
        raise ApplicantProblem("id_number", "id_required")
    if id_type == "id_card":
        if not _ID_CARD.match(number):
            raise ApplicantProblem("id_number", "id_card_format", {"length": len(number)})
        if not birth_date_ok(number, today):
            raise ApplicantProblem("id_number", "id_card_date")
        if not _check_ok(number):
            raise ApplicantProblem("id_number", "id_card_check")
    elif id_type == "business_licence":
        if not _CREDIT_CODE.match(number):
            raise ApplicantProblem("id_number", "credit_code_format", {"length": len(number)})
    elif not _OTHER_ID.match(number):
        raise ApplicantProblem("id_number", "id_other_format")


def check_phone(phone: str) -> None:
    """A mainland mobile (11 digits from 1) or a landline of 7–20 digits, area code and -."""
    if not phone:
        raise ApplicantProblem("phone", "phone_required")
    digits = "".join(c for c in phone if c.isdigit())
    if phone.startswith("1") and phone.isdigit():
        # a mainland mobile: the progress query needs its last 4 digits to be right
        if not _MOBILE.match(phone):
            raise ApplicantProblem("phone", "mobile_format", {"length": len(phone)})
        return
    if not _PHONE.match(phone) or len(digits) < 7:
        raise ApplicantProblem("phone", "phone_format")


# -- the stored form --


def normal_name(raw: str) -> str:
    return " ".join(raw.split())


def normal_id(raw: str) -> str:
    """The ID number as stored: no spaces, letters in capitals (x → X on an ID card)."""
    return raw.replace(" ", "").upper()


def normal_phone(raw: str) -> str:
    return raw.strip()


def checked(
    name: str, id_type: str, id_number: str, phone: str, today: dt.date | None = None
) -> tuple[str, str, str, str]:
    """The applicant as stored, or `ApplicantProblem` for the first field to correct."""
    # Control characters first: normalising the spaces would quietly drop some of them.
    if has_control_character(name):
        raise ApplicantProblem("name", "name_control")
    name = normal_name(name)
    check_name(name)
    if id_type not in ID_TYPES:
        raise ApplicantProblem("id_type", "id_type_required")
    number = normal_id(id_number)
    check_id_number(id_type, number, today)
    phone = normal_phone(phone)
    check_phone(phone)
    return name, id_type, number, phone


# -- masks for staff lists --


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


def mask_id(id_type: str | None, number: str) -> str:
    """The last few characters only: 4 of an 18-character number, at most a quarter."""
    shown = min(_ID_SHOWN.get(id_type or "", 2), len(number) // 4)
    return _tail(number, shown)


def mask_phone(phone: str) -> str:
    """The last 4 digits of a number of 11 or more, fewer of a shorter one."""
    digits = "".join(c for c in phone if c.isdigit())
    n = len(digits)
    shown = 4 if n >= 11 else 2 if n >= 8 else 1 if n >= 4 else 0
    return _tail(digits, shown)


def _tail(value: str, shown: int) -> str:
    return "*" * (len(value) - shown) + (value[-shown:] if shown else "")
