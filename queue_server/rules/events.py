"""Events of the queue (past tense): what happened, each with a copy of what it touched."""

from __future__ import annotations

from dataclasses import dataclass

from queue_server.rules.state import Ticket, Window


@dataclass(frozen=True)
class TicketEvent:
    ticket: Ticket  # a copy taken when the event happened


@dataclass(frozen=True)
class TicketIssued(TicketEvent):
    people_ahead: int = 0
    estimated_wait_s: int = 0


@dataclass(frozen=True)
class TicketCalled(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketRecalled(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketStarted(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketFinished(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketNoShow(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketReinstated(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketTransferred(TicketEvent):
    from_service: str = ""
    from_window: int | None = None


@dataclass(frozen=True)
class TicketCancelled(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketExpired(TicketEvent):
    pass


@dataclass(frozen=True)
class WindowEvent:
    window: Window  # a copy


@dataclass(frozen=True)
class WindowOpened(WindowEvent):
    pass


@dataclass(frozen=True)
class WindowPaused(WindowEvent):
    pass


@dataclass(frozen=True)
class WindowResumed(WindowEvent):
    pass


@dataclass(frozen=True)
class WindowClosed(WindowEvent):
    pass


@dataclass(frozen=True)
class QueueChanged:
    waiting: dict[str, int]


Event = TicketEvent | WindowEvent | QueueChanged

__all__ = [
    "Event",
    "QueueChanged",
    "TicketCalled",
    "TicketCancelled",
    "TicketEvent",
    "TicketExpired",
    "TicketFinished",
    "TicketIssued",
    "TicketNoShow",
    "TicketRecalled",
    "TicketReinstated",
    "TicketStarted",
    "TicketTransferred",
    "WindowClosed",
    "WindowEvent",
    "WindowOpened",
    "WindowPaused",
    "WindowResumed",
]
