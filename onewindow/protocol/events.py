"""Websocket events: each carries the hall-wide `seq` and the time it happened."""

from __future__ import annotations

import datetime as dt

import msgspec
from msgspec import Struct

from onewindow.protocol.base import WindowStateName
from onewindow.protocol.intake import CaseStateName
from onewindow.protocol.queue import StateSnapshot, TicketView

# --- websocket events -----------------------------------------------------------------


class EventBase(Struct, frozen=True, tag_field="type", omit_defaults=False):
    seq: int
    at: dt.datetime


class TicketEventBase(EventBase, frozen=True):
    number: str
    service: str
    ticket: TicketView
    window: int | None = None
    # What the reports read of a ticket beyond its public view (the district centre
    # rebuilds the hall's report rows from these): the clerk by staff id, never a name.
    business_day: dt.date | None = None
    staff_id: str | None = None
    first_called_at: dt.datetime | None = None


class TicketIssued(TicketEventBase, frozen=True, tag="ticket.issued"):
    pass


class TicketCalled(TicketEventBase, frozen=True, tag="ticket.called"):
    call_count: int = 1


class TicketRecalled(TicketEventBase, frozen=True, tag="ticket.recalled"):
    call_count: int = 2


class TicketStarted(TicketEventBase, frozen=True, tag="ticket.started"):
    pass


class TicketFinished(TicketEventBase, frozen=True, tag="ticket.finished"):
    pass


class TicketNoShow(TicketEventBase, frozen=True, tag="ticket.no_show"):
    pass


class TicketReinstated(TicketEventBase, frozen=True, tag="ticket.reinstated"):
    pass


class TicketTransferred(TicketEventBase, frozen=True, tag="ticket.transferred"):
    from_service: str = ""
    from_window: int | None = None


class TicketCancelled(TicketEventBase, frozen=True, tag="ticket.cancelled"):
    pass


class TicketExpired(TicketEventBase, frozen=True, tag="ticket.expired"):
    pass


class WindowEventBase(EventBase, frozen=True):
    window: int
    state: WindowStateName
    staff_id: str | None = None
    reason: str | None = None


class WindowOpened(WindowEventBase, frozen=True, tag="window.opened"):
    pass


class WindowPaused(WindowEventBase, frozen=True, tag="window.paused"):
    pass


class WindowResumed(WindowEventBase, frozen=True, tag="window.resumed"):
    pass


class WindowClosed(WindowEventBase, frozen=True, tag="window.closed"):
    pass


class QueueChanged(EventBase, frozen=True, tag="queue.changed"):
    waiting: dict[str, int]


class CaseEventBase(EventBase, frozen=True):
    """A case moved; it names the case and the item, never the applicant."""

    case_id: str
    case_no: str | None
    item: str
    service: str
    state: CaseStateName
    window: int | None = None
    deadline: dt.date | None = None
    # For the reports (early completion, overdue, immediate share): times, not people.
    immediate: bool = False
    staff_id: str | None = None
    accepted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    overdue: bool = False


class CaseAccepted(CaseEventBase, frozen=True, tag="case.accepted"):
    # HMAC-SHA256(the district's proof_key, "case_no|last 4 phone digits"): lets the
    # centre check a visitor's proof for the district-wide progress query without ever
    # holding the digits (onewindow/case_numbers.py). None when the hall has no key.
    proof: str | None = None


class CaseReturned(CaseEventBase, frozen=True, tag="case.returned"):
    missing: list[str] = msgspec.field(default_factory=list)


class CaseApproved(CaseEventBase, frozen=True, tag="case.approved"):
    pass


class CaseRejected(CaseEventBase, frozen=True, tag="case.rejected"):
    pass


class CaseIssued(CaseEventBase, frozen=True, tag="case.issued"):
    pass


class CaseWarning(CaseEventBase, frozen=True, tag="case.warning"):
    remaining_workdays: int = 0


class CaseOverdue(CaseEventBase, frozen=True, tag="case.overdue"):
    pass


class RatingReceived(EventBase, frozen=True, tag="rating.received"):
    rating_id: int
    number: str
    service: str
    window: int | None
    score: int
    # For the reports: the rated ticket's day, clerk (staff id) and item; never the comment.
    business_day: dt.date | None = None
    staff_id: str | None = None
    item: str | None = None


class RatingFollowedUp(EventBase, frozen=True, tag="rating.followed_up"):
    """A supervisor recorded the follow-up of a bad rating; the note stays in the hall."""

    rating_id: int


class Snapshot(EventBase, frozen=True, tag="snapshot"):
    """First message of a stream whose `since` is absent or too old."""

    state: StateSnapshot


class Heartbeat(EventBase, frozen=True, tag="heartbeat"):
    """Sent when the stream is idle; `seq` is the last event's, so a client can check it."""


Event = (
    TicketIssued
    | TicketCalled
    | TicketRecalled
    | TicketStarted
    | TicketFinished
    | TicketNoShow
    | TicketReinstated
    | TicketTransferred
    | TicketCancelled
    | TicketExpired
    | WindowOpened
    | WindowPaused
    | WindowResumed
    | WindowClosed
    | QueueChanged
    | CaseAccepted
    | CaseReturned
    | CaseApproved
    | CaseRejected
    | CaseIssued
    | CaseWarning
    | CaseOverdue
    | RatingReceived
    | RatingFollowedUp
)
StreamMessage = Event | Snapshot | Heartbeat

EVENT_TYPES: tuple[type[EventBase], ...] = Event.__args__
