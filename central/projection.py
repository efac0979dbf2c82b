"""What a run of a hall's events changes in the centre's live tables (pure: no I/O).

The centre projects each event exactly once, in seq order, in the transaction that
moves the hall's acked seq past it; so a fold only needs the last word on each ticket,
window and case of the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from onewindow import protocol as p

TicketRow = tuple[Any, ...]
WindowRow = tuple[Any, ...]
CaseRow = tuple[Any, ...]
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


def _case_row(hall: str, event: p.CaseEventBase) -> CaseRow:
    accepted_at = event.at if isinstance(event, p.CaseAccepted) else None
    return (
        hall,
        event.case_id,
        event.case_no,
        event.item,
        event.service,
        event.state,
        event.window,
        event.deadline,
        accepted_at,
        event.at,
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
            row = _case_row(hall, event)
            if earlier is not None and row[8] is None:
                row = (*row[:8], earlier[8], row[9])  # keep the acceptance time of the run
            changes.cases[event.case_id] = row
            if type(event) in _ALERTS:
                alert = _ALERTS[type(event)]
                alert_at = event.at if alert is not None else None
                changes.case_alerts[event.case_id] = (alert, alert_at, hall, event.case_id)
    return changes
