"""Queue shapes: sign-in, tickets, windows, the hall's state."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta

from onewindow.protocol.base import (
    ChannelName,
    ServiceCode,
    ShortText,
    StaffRoleName,
    TicketKindName,
    TicketStateName,
    WindowNumber,
    WindowRoleName,
    WindowStateName,
    Wire,
)

# --- requests ------------------------------------------------------------------------


class LoginRequest(Wire, frozen=True):
    staff_id: Annotated[str, Meta(min_length=1, max_length=64)]
    pin: Annotated[str, Meta(min_length=1, max_length=64)]
    window: WindowNumber | None = None


class IssueTicketRequest(Wire, frozen=True):
    service: ServiceCode
    kind: TicketKindName = "normal"
    channel: ChannelName | None = None
    window: WindowNumber | None = None


class SpecialTicketRequest(Wire, frozen=True):
    from_ticket: Annotated[str, Meta(min_length=1, max_length=64)]
    service: ServiceCode | None = None
    window: WindowNumber | None = None
    case: Annotated[str, Meta(max_length=64)] | None = None


class TransferRequest(Wire, frozen=True):
    service: ServiceCode | None = None
    window: WindowNumber | None = None


class CallTicketRequest(Wire, frozen=True):
    ticket: Annotated[str, Meta(min_length=1, max_length=64)]


class PauseRequest(Wire, frozen=True):
    reason: ShortText = ""


# --- answers --------------------------------------------------------------------------


class ErrorDetail(Wire, frozen=True):
    code: str
    message: str


class ErrorBody(Wire, frozen=True):
    error: ErrorDetail


class LoginResponse(Wire, frozen=True):
    token: str
    role: StaffRoleName
    staff_id: str
    window: int | None
    window_role: WindowRoleName | None
    expires_at: dt.datetime


class TicketView(Wire, frozen=True):
    id: str
    number: str
    service: str
    kind: TicketKindName
    state: TicketStateName
    issued_at: dt.datetime
    channel: str
    window: int | None = None
    target_window: int | None = None
    people_ahead: int | None = None
    estimated_wait_s: int | None = None
    call_count: int = 0
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    outcome: str | None = None
    from_ticket: str | None = None
    case: str | None = None


class TicketList(Wire, frozen=True):
    tickets: list[TicketView]


class WindowView(Wire, frozen=True):
    number: int
    name: str
    role: WindowRoleName
    services: list[str]
    state: WindowStateName
    staff_id: str | None = None
    pause_reason: str | None = None
    current: TicketView | None = None
    changed_at: dt.datetime | None = None
    waiting_here: int = 0


class ServiceView(Wire, frozen=True):
    code: str
    prefix: str
    name_zh: str
    name_en: str
    mode: Literal["direct", "consult_first"]
    waiting: int
    oldest_wait_s: int
    mean_service_s: int
    open_windows: int
    wait_alert_s: int


class CallView(Wire, frozen=True):
    number: str
    service: str
    window: int
    call_count: int
    at: dt.datetime


class DisplaySettings(Wire, frozen=True):
    language: Literal["zh", "en", "both"]
    recent_calls: int
    announce_repeat: int


class StateSnapshot(Wire, frozen=True):
    hall: str
    notice: str
    business_day: dt.date
    seq: int
    at: dt.datetime
    windows: list[WindowView]
    services: list[ServiceView]
    recent_calls: list[CallView]
    display: DisplaySettings
    allow_priority: bool


class StaffView(Wire, frozen=True):
    staff_id: str
    role: StaffRoleName
    window: int | None


class ClockRequest(Wire, frozen=True):
    """Only on a server started with `--sim-clock`: move the hall's clock forward."""

    now: dt.datetime


class ClockView(Wire, frozen=True):
    now: dt.datetime
    simulated: bool
