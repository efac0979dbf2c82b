"""What the intake accepts from a request beyond its JSON shape.

The wire types check lengths and character sets; these are the rules a shape cannot
say: a resident ID number's date and check digit, a mobile number's length, and no
control characters (NUL, ESC, bidi overrides...) in names and free text, where they
would corrupt a terminal, a printed slip or a log line. Each refusal names the field.
"""

from __future__ import annotations

import datetime as dt

from onewindow import protocol as p
from onewindow.applicant_rules import ApplicantProblem, checked, has_control_character
from queue_server import rules as refusals


def checked_applicant(applicant: p.Applicant, today: dt.date) -> p.Applicant:
    """The applicant as stored (spaces and letter case normalised), or a 422."""
    try:
        name, id_type, number, phone = checked(
            applicant.name, applicant.id_type, applicant.id_number, applicant.phone, today
        )
    except ApplicantProblem as e:
        field = f"applicant.{e.field}"
        if e.key == "name_control":
            raise refusals.BadCommand("control_character", field=field) from None
        raise refusals.BadCommand(f"applicant_{e.key}", field=field, **e.values) from None
    return p.Applicant(name=name, id_type=id_type, id_number=number, phone=phone)  # type: ignore[arg-type]


def refuse_control_characters(**texts: str | list[str]) -> None:
    """422 `control_character` naming the first field whose text holds one."""
    for field, value in texts.items():
        values = [value] if isinstance(value, str) else value
        if any(has_control_character(v) for v in values):
            raise refusals.BadCommand("control_character", field=field)
