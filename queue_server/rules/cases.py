"""The rules of a case (办件), with no I/O: the caller passes `now` and the calendar.

    prechecked --submit--> accepted (every required material)  | returned (notice)
    returned   --materials--> accepted when complete: the clock restarts that day
    accepted   --approve--> approved   --reject--> rejected   --return--> returned
    approved / rejected --issue--> issued (出件: the licence or the decision handed over)

An immediate item (即办件) goes accepted → approved → issued at once. The deadline is
counted in working days from the day after acceptance; a case within `warning_days`
working days of it is warned once, a case past it is overdue once.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from onewindow.catalogue import CatalogueItem
from onewindow.workdays import WorkCalendar
from queue_server.rules import BadCommand, IllegalMove

STATES = ("prechecked", "returned", "accepted", "approved", "rejected", "issued")
FINISHED = frozenset({"approved", "rejected", "issued"})


@dataclass
class Case:
    id: str
    item: str
    service: str
    state: str
    created_at: dt.datetime
    immediate: bool = False
    case_no: str | None = None
    ticket_id: str | None = None
    ticket_number: str | None = None
    window: int | None = None
    staff_id: str | None = None
    applicant_name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    received: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    accepted_at: dt.datetime | None = None
    deadline: dt.date | None = None
    promised_days: int = 0
    decided_at: dt.datetime | None = None
    issued_at: dt.datetime | None = None
    reason: str = ""
    clock_restarts: int = 0
    warned: bool = False
    overdue: bool = False


@dataclass(frozen=True)
class CaseEvent:
    """`kind` is the event's name after `case.` (accepted, returned, warning...)."""

    kind: str
    case: Case
    remaining: int | None = None


def checked_materials(item: CatalogueItem, received: list[str]) -> tuple[str, ...]:
    """The received materials in catalogue order; an unknown name is refused."""
    names = [m.name for m in item.materials]
    unknown = [n for n in received if n not in names]
    if unknown:
        raise BadCommand("unknown_material", material=unknown[0], item=item.code)
    return tuple(n for n in names if n in received)


def missing_materials(item: CatalogueItem, received: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(m.name for m in item.required_materials if m.name not in received)


class CaseRules:
    def __init__(self, calendar: WorkCalendar, warning_days: int = 2) -> None:
        self.calendar = calendar
        self.warning_days = warning_days

    def _refuse(self, case: Case, action: str) -> IllegalMove:
        return IllegalMove(
            "case_state", case=case.case_no or case.id, state=case.state, action=action
        )

    def _accept(self, case: Case, item: CatalogueItem, now: dt.datetime) -> list[CaseEvent]:
        if case.accepted_at is not None:
            case.clock_restarts += 1
        case.state, case.accepted_at, case.missing = "accepted", now, ()
        case.promised_days = item.promised_limit_days
        case.deadline = self.calendar.add_workdays(now.date(), item.promised_limit_days)
        case.warned = case.overdue = False
        events = [CaseEvent("accepted", copy.copy(case))]
        if item.immediate:
            case.state, case.decided_at = "approved", now
            events.append(CaseEvent("approved", copy.copy(case)))
            case.state, case.issued_at = "issued", now
            events.append(CaseEvent("issued", copy.copy(case)))
        return events

    def submit(
        self, case: Case, item: CatalogueItem, received: tuple[str, ...], now: dt.datetime
    ) -> list[CaseEvent]:
        """A complete case is accepted; an incomplete one gets a one-time notice."""
        if case.state not in ("prechecked", "returned"):
            raise self._refuse(case, "submit")
        case.received = received
        missing = missing_materials(item, received)
        if missing:
            case.state, case.missing = "returned", missing
            return [CaseEvent("returned", copy.copy(case))]
        return self._accept(case, item, now)

    def add_materials(
        self, case: Case, item: CatalogueItem, received: tuple[str, ...], now: dt.datetime
    ) -> list[CaseEvent]:
        if case.state != "returned":
            raise self._refuse(case, "materials")
        merged = tuple(
            m.name for m in item.materials if m.name in received or m.name in case.received
        )
        return self.submit(case, item, merged, now)

    def send_back(
        self, case: Case, item: CatalogueItem, missing: list[str], reason: str
    ) -> list[CaseEvent]:
        """The review found gaps: back to the applicant, the deadline no longer runs."""
        if case.state != "accepted":
            raise self._refuse(case, "return")
        gaps = checked_materials(item, missing)
        if not gaps:
            raise BadCommand("return_needs_missing")
        case.state, case.missing, case.reason, case.deadline = "returned", gaps, reason, None
        case.received = tuple(n for n in case.received if n not in gaps)
        return [CaseEvent("returned", copy.copy(case))]

    def decide(self, case: Case, approve: bool, reason: str, now: dt.datetime) -> list[CaseEvent]:
        if case.state != "accepted":
            raise self._refuse(case, "approve" if approve else "reject")
        case.state, case.decided_at, case.reason = (
            ("approved" if approve else "rejected"),
            now,
            reason,
        )
        return [CaseEvent(case.state, copy.copy(case))]

    def issue(self, case: Case, now: dt.datetime) -> list[CaseEvent]:
        if case.state not in ("approved", "rejected"):
            raise self._refuse(case, "issue")
        case.state, case.issued_at = "issued", now
        return [CaseEvent("issued", copy.copy(case))]

    # -- deadlines --

    def remaining(self, case: Case, today: dt.date) -> int | None:
        if case.deadline is None or case.state != "accepted":
            return None
        return self.calendar.remaining(today, case.deadline)

    def is_overdue(self, case: Case, today: dt.date) -> bool:
        return case.state == "accepted" and case.deadline is not None and today > case.deadline

    def is_warned(self, case: Case, today: dt.date) -> bool:
        left = self.remaining(case, today)
        return left is not None and left <= self.warning_days and not self.is_overdue(case, today)

    def due(self, case: Case, today: dt.date) -> list[CaseEvent]:
        """The warning or overdue event this case owes today, once each."""
        if self.is_overdue(case, today) and not case.overdue:
            case.overdue = case.warned = True
            return [CaseEvent("overdue", copy.copy(case), self.remaining(case, today))]
        if self.is_warned(case, today) and not case.warned:
            case.warned = True
            return [CaseEvent("warning", copy.copy(case), self.remaining(case, today))]
        return []


def phone_matches(phone: str | None, last4: str) -> bool:
    digits = "".join(c for c in (phone or "") if c.isdigit())
    return len(last4) == 4 and len(digits) >= 4 and digits[-4:] == last4
