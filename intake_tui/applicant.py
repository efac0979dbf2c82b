"""The applicant as the clerk types it: checked here, before anything is sent.

The server checks the shape again; this module catches what a clerk mistypes (a
digit too few, a wrong check digit on an ID card) while the visitor still stands at
the window, and says which field and why. It keeps nothing: the values go into one
request and are never shown back, logged or printed (the server answers with them
masked). Pure: no Textual, no I/O.
"""

from __future__ import annotations

import re

from onewindow import protocol as p

ID_TYPES: tuple[str, ...] = (
    "id_card", "passport", "hk_macao_permit", "taiwan_permit", "residence_permit",
    "business_licence", "other",
)  # fmt: skip
NAME_MAX = 64
_ID_CARD = re.compile(r"^[0-9]{17}[0-9X]$")
# 统一社会信用代码 (GB 32100): 18 characters, no I, O, Z, S or V
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$")
_OTHER_ID = re.compile(r"^[0-9A-Za-z()\-]{4,40}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_PHONE = re.compile(r"^\+?[0-9\- ]{7,20}$")
# GB 11643: the 18th character checks the first 17 with these weights, modulo 11
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class ApplicantProblem(Exception):
    """`field` is wrong; `key` names the message (intake.applicant.<key>) to show."""

    def __init__(self, field: str, key: str, values: dict[str, object] | None = None) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field  # name | id_type | id_number | phone
        self.key = key
        self.values = values or {}


def id_card_ok(number: str) -> bool:
    """A mainland resident ID number with a correct check digit."""
    if not _ID_CARD.match(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=False))
    return _CHECK[total % 11] == number[-1]


def normal_id(raw: str) -> str:
    """The ID number as stored: no spaces, letters in capitals (x → X on an ID card)."""
    return raw.replace(" ", "").upper()


def check_id_number(id_type: str, number: str) -> None:
    if not number:
        raise ApplicantProblem("id_number", "id_required")
    if id_type == "id_card":
        if not _ID_CARD.match(number):
            raise ApplicantProblem("id_number", "id_card_format", {"length": len(number)})
        if not id_card_ok(number):
            raise ApplicantProblem("id_number", "id_card_check")
    elif id_type == "business_licence":
        if not _CREDIT_CODE.match(number):
            raise ApplicantProblem("id_number", "credit_code_format", {"length": len(number)})
    elif not _OTHER_ID.match(number):
        raise ApplicantProblem("id_number", "id_other_format")


def normal_phone(raw: str) -> str:
    return raw.strip()


def check_phone(phone: str) -> None:
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


def applicant(name: str, id_type: str, id_number: str, phone: str) -> p.Applicant:
    """The applicant to send, or `ApplicantProblem` for the first field to correct."""
    name = " ".join(name.split())
    if not name:
        raise ApplicantProblem("name", "name_required")
    if len(name) > NAME_MAX:
        raise ApplicantProblem("name", "name_too_long", {"max": NAME_MAX})
    if id_type not in ID_TYPES:
        raise ApplicantProblem("id_type", "id_type_required")
    number = normal_id(id_number)
    check_id_number(id_type, number)
    phone = normal_phone(phone)
    check_phone(phone)
    return p.Applicant(name=name, id_type=id_type, id_number=number, phone=phone)  # type: ignore[arg-type]
