"""Intake shapes: the catalogue, cases (办件), ratings (好差评) and progress queries.

Applicant details travel only in requests and, masked, in staff answers; events,
progress answers and screens never carry them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from onewindow.protocol.base import ShortText, Wire

CaseStateName = Literal["prechecked", "returned", "accepted", "approved", "rejected", "issued"]
IdTypeName = Literal[
    "id_card",
    "passport",
    "hk_macao_permit",
    "taiwan_permit",
    "residence_permit",
    "business_licence",
    "other",
]
ItemCode = Annotated[str, Meta(min_length=1, max_length=40)]
MaterialName = Annotated[str, Meta(min_length=1, max_length=120)]
TicketRef = Annotated[str, Meta(min_length=1, max_length=64)]
RatedTicket = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        description="The ticket's opaque id (its QR code, `id` in ticket answers and events), "
        "not its number: a number such as A012 is refused with 422 rating_by_number.",
    ),
]


class MaterialView(Wire, frozen=True):
    name: str
    required: bool
    copies: int
    note: str = ""


class CatalogueItemView(Wire, frozen=True):
    code: str
    name_zh: str
    name_en: str
    department: str
    level: Literal["district", "street"]
    mode: Literal["direct", "consult_first"]
    service: str
    immediate: bool
    legal_basis: list[str]
    conditions: str
    materials: list[MaterialView]
    forms: list[str]
    process: list[str]
    legal_limit_days: int
    promised_limit_days: int
    fee: str
    enquiry_phone: str


class CatalogueList(Wire, frozen=True):
    items: list[CatalogueItemView]


class Applicant(Wire, frozen=True):
    """Who applies. Stored for the case; never shown on screens, tickets, logs or events."""

    name: Annotated[str, Meta(min_length=1, max_length=64)]
    id_type: IdTypeName
    id_number: Annotated[str, Meta(min_length=4, max_length=40, pattern=r"^[0-9A-Za-z()\-]+$")]
    phone: Annotated[str, Meta(pattern=r"^\+?[0-9\- ]{7,20}$")]


class MaskedApplicant(Wire, frozen=True):
    """The applicant as staff lists show it: 张*, **************1234, *******5678."""

    name: str
    id_type: IdTypeName
    id_number: str
    phone: str


class NewCaseRequest(Wire, frozen=True):
    """A case from the window's current ticket (or the named one).

    `precheck: true` records a consultation pre-check (item and materials seen, no
    applicant yet); otherwise the case is submitted: accepted with a case number and a
    deadline when every required material is there, or returned with a one-time notice
    of what is missing.
    """

    item: ItemCode
    materials: list[MaterialName] = msgspec.field(default_factory=list)
    applicant: Applicant | None = None
    ticket: TicketRef | None = None
    precheck: bool = False


class SubmitCaseRequest(Wire, frozen=True):
    """Submit a pre-checked case at the acceptance window."""

    applicant: Applicant
    materials: list[MaterialName] = msgspec.field(default_factory=list)
    ticket: TicketRef | None = None


class MaterialsRequest(Wire, frozen=True):
    """Materials brought later for a returned case; the clock restarts when complete."""

    received: list[MaterialName]


class ReturnRequest(Wire, frozen=True):
    """The review found materials missing: the case goes back and its clock stops."""

    missing: list[MaterialName]
    reason: ShortText = ""


class DecisionRequest(Wire, frozen=True):
    reason: ShortText = ""


class CaseView(Wire, frozen=True):
    id: str
    case_no: str | None
    item: str
    item_name_zh: str
    item_name_en: str
    department: str
    service: str
    state: CaseStateName
    immediate: bool
    ticket: str | None
    window: int | None
    staff_id: str | None
    applicant: MaskedApplicant | None
    materials_received: list[str]
    missing: list[str]
    created_at: dt.datetime
    accepted_at: dt.datetime | None = None
    deadline: dt.date | None = None
    promised_days: int = 0
    decided_at: dt.datetime | None = None
    issued_at: dt.datetime | None = None
    remaining_workdays: int | None = None
    warning: bool = False
    overdue: bool = False
    reason: str = ""
    clock_restarts: int = 0


class CaseList(Wire, frozen=True):
    cases: list[CaseView]


class ProgressView(Wire, frozen=True):
    """What a visitor learns from a case number and the last 4 digits of their phone."""

    case_no: str
    item_name_zh: str
    item_name_en: str
    state: CaseStateName
    accepted_at: dt.datetime | None
    deadline: dt.date | None
    decided_at: dt.datetime | None
    issued_at: dt.datetime | None
    missing: list[str]
    remaining_workdays: int | None = None  # while the case is being handled
    # Set when the case was accepted in another hall of the district (全城通办).
    hall: str | None = None
    hall_name_zh: str | None = None
    hall_name_en: str | None = None


class RatingRequest(Wire, frozen=True):
    """A 好差评 score for one served ticket, once.

    The kiosk names the ticket by its opaque id. The evaluator at a window may rate
    only the ticket its window finished last (named, or left out to mean that one);
    an evaluator device bound to no window rates nothing.
    """

    score: Annotated[int, Meta(ge=1, le=5)]
    ticket: RatedTicket | None = None
    comment: ShortText = ""


class RatingView(Wire, frozen=True):
    id: int
    ticket_number: str
    business_day: dt.date
    window: int | None
    staff_id: str | None
    service: str
    item: str | None
    score: int
    comment: str
    channel: str
    at: dt.datetime
    followed_up_at: dt.datetime | None = None
    follow_up_note: str = ""


class RatingList(Wire, frozen=True):
    ratings: list[RatingView]


class FollowUpRequest(Wire, frozen=True):
    note: Annotated[str, Meta(min_length=1, max_length=500)]
