"""The applicant as the clerk types it: checked here, before anything is sent.

The server checks the very same rules again (`onewindow.applicant_rules`); this module
catches what a clerk mistypes (a digit too few, a wrong check digit on an ID card)
while the visitor still stands at the window, and says which field and why. It keeps
nothing: the values go into one request and are never shown back, logged or printed
(the server answers with them masked). Pure: no Textual, no I/O.
"""

from __future__ import annotations

import datetime as dt

from onewindow import protocol as p
from onewindow.applicant_rules import (
    ID_TYPES,
    NAME_MAX,
    ApplicantProblem,
    check_id_number,
    check_phone,
    checked,
    id_card_ok,
    normal_id,
    normal_phone,
)

__all__ = [
    "ID_TYPES",
    "NAME_MAX",
    "ApplicantProblem",
    "applicant",
    "check_id_number",
    "check_phone",
    "id_card_ok",
    "normal_id",
    "normal_phone",
]


def applicant(
    name: str, id_type: str, id_number: str, phone: str, today: dt.date | None = None
) -> p.Applicant:
    """The applicant to send, or `ApplicantProblem` for the first field to correct."""
    name, id_type, number, phone = checked(
        name, id_type, id_number, phone, today or dt.date.today()
    )
    return p.Applicant(name=name, id_type=id_type, id_number=number, phone=phone)  # type: ignore[arg-type]
