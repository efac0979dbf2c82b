"""What a run of a hall's events changes in the centre's live tables (pure: no I/O).

The centre projects each event exactly once, in seq order, in the transaction that
moves the hall's acked seq past it; so a fold only needs the last word on each ticket,
window and case of the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from onewindow import protocol as p
from queue_server.rules.cases import FINISHED

TicketRow = tuple[Any, ...]
WindowRow = tuple[Any, ...]
AlertRow = tuple[Any, ...]
# The hall's own deadline alerts; an acceptance (a first one, or the clock restarting on
# complete materials) starts the deadline again and so clears the alert.
_ALERTS: dict[type[p.CaseEventBase], str | None] = {
    p.CaseAccepted: None,
    p.CaseWarning: "warning",
    p.CaseOverdue: "overdue",
}


@dataclass
class Changes:
    """Rows to upsert, keyed so that a later event of the run replaces an earlier one."""

    tickets: dict[str, TicketRow] = field(default_factory=dict)
    windows: dict[int, WindowRow] = field(default_factory=dict)
    cases: dict[str, CaseRow] = field(default_factory=dict)
    # (alert, alert_at, hall, case_id), set after the case rows: the last alert of the run.
    case_alerts: dict[str, AlertRow] = field(default_factory=dict)
    last_event_at: dt.datetime | None = None


def _ticket_row(hall: str, event: p.TicketEventBase, tz: dt.tzinfo) -> TicketRow:
    t = event.ticket
    return (
        hall,
        t.id,
        t.number,
        t.service,
        t.kind,
        t.state,
        t.window,
        t.issued_at,
        t.issued_at.astimezone(tz).date(),
        t.called_at,
        event.at,
    )


class CaseRow(NamedTuple):
    """One row of `hall_cases`: the live state of a case and what the progress query tells."""

    hall: str
    case_id: str
    case_no: str | None
    item: str
    service: str
    state: str
    window: int | None
    deadline: dt.date | None
    accepted_at: dt.datetime | None
    finished_at: dt.datetime | None
    missing: list[str]
    proof: str | None  # the halls' keyed digest (onewindow/case_numbers.py), never digits
    changed_at: dt.datetime


def _case_row(hall: str, event: p.CaseEventBase, earlier: CaseRow | None) -> CaseRow:
    """The case after `event`; what an earlier event of the run set and this one does not
    carry (the number, the acceptance time and proof, the finishing time) is kept."""
    accepted = isinstance(event, p.CaseAccepted)
    row = CaseRow(
        hall=hall,
        case_id=event.case_id,
        case_no=event.case_no,
        item=event.item,
        service=event.service,
        state=event.state,
        window=event.window,
        deadline=event.deadline,
        accepted_at=event.at if accepted else None,
        finished_at=event.at if event.state in FINISHED else None,
        missing=list(event.missing) if isinstance(event, p.CaseReturned) else [],
        proof=event.proof if isinstance(event, p.CaseAccepted) else None,
        changed_at=event.at,
    )
    if earlier is None:
        return row
    return row._replace(
        case_no=row.case_no or earlier.case_no,
        accepted_at=row.accepted_at or earlier.accepted_at,
        finished_at=earlier.finished_at or row.finished_at,
        proof=row.proof or earlier.proof,
    )


def fold(hall: str, events: Iterable[p.Event], tz: dt.tzinfo) -> Changes:
    """The rows that `events` (one hall's, in seq order) leave behind."""
    changes = Changes()
    for event in events:
        changes.last_event_at = event.at
        if isinstance(event, p.TicketEventBase):
            changes.tickets[event.ticket.id] = _ticket_row(hall, event, tz)
        elif isinstance(event, p.WindowEventBase):
            changes.windows[event.window] = (hall, event.window, event.state, event.at)
        elif isinstance(event, p.CaseEventBase):
            earlier = changes.cases.get(event.case_id)
            changes.cases[event.case_id] = _case_row(hall, event, earlier)
            if type(event) in _ALERTS:
                alert = _ALERTS[type(event)]
                alert_at = event.at if alert is not None else None
                changes.case_alerts[event.case_id] = (alert, alert_at, hall, event.case_id)
    return changes
