"""Commands to the queue (imperative names): what a kiosk, a clerk or a supervisor asks."""

from __future__ import annotations

from dataclasses import dataclass

from queue_server.rules.state import TicketKind


@dataclass(frozen=True)
class IssueTicket:
    service: str
    kind: TicketKind = TicketKind.NORMAL
    channel: str = "kiosk"
    target_window: int | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class IssueSpecial:
    from_ticket: str
    service: str | None = None
    target_window: int | None = None
    case: str | None = None
    by_window: int | None = None
    channel: str = "guide"


@dataclass(frozen=True)
class OpenWindow:
    window: int
    staff_id: str


@dataclass(frozen=True)
class CloseWindow:
    window: int


@dataclass(frozen=True)
class PauseWindow:
    window: int
    reason: str = ""


@dataclass(frozen=True)
class ResumeWindow:
    window: int


@dataclass(frozen=True)
class CallNext:
    window: int


@dataclass(frozen=True)
class CallTicket:
    window: int
    ticket: str  # id or number


@dataclass(frozen=True)
class Recall:
    window: int


@dataclass(frozen=True)
class Start:
    window: int


@dataclass(frozen=True)
class Finish:
    window: int


@dataclass(frozen=True)
class MarkNoShow:
    window: int


@dataclass(frozen=True)
class Transfer:
    window: int
    service: str | None = None
    target_window: int | None = None


@dataclass(frozen=True)
class Reassign:
    """A supervisor moves a waiting ticket to another service or a named window."""

    ticket: str
    service: str | None = None
    target_window: int | None = None


@dataclass(frozen=True)
class CancelTicket:
    ticket: str


@dataclass(frozen=True)
class Reinstate:
    ticket: str


Command = (
    IssueTicket
    | IssueSpecial
    | OpenWindow
    | CloseWindow
    | PauseWindow
    | ResumeWindow
    | CallNext
    | CallTicket
    | Recall
    | Start
    | Finish
    | MarkNoShow
    | Transfer
    | Reassign
    | CancelTicket
    | Reinstate
)

__all__ = [
    "CallNext",
    "CallTicket",
    "CancelTicket",
    "CloseWindow",
    "Command",
    "Finish",
    "IssueSpecial",
    "IssueTicket",
    "MarkNoShow",
    "OpenWindow",
    "PauseWindow",
    "Reassign",
    "Recall",
    "Reinstate",
    "ResumeWindow",
    "Start",
    "Transfer",
]
