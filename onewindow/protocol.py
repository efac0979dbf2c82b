"""Every JSON shape on the wire, defined once for the server and all its clients.

Request bodies, answers and websocket events are frozen msgspec Structs. The server
validates with them, the OpenAPI document is generated from them, and clients decode
with them: nobody builds a wire dict by hand at a call site.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta, Struct

T = TypeVar("T")

TicketStateName = Literal[
    "waiting", "called", "serving", "done", "no_show", "cancelled", "expired"
]
TicketKindName = Literal["normal", "priority", "special"]
WindowStateName = Literal["closed", "open", "paused"]
WindowRoleName = Literal["consultation", "acceptance", "guide", "specialist"]
StaffRoleName = Literal["clerk", "guide", "supervisor", "admin"]
DeviceRoleName = Literal["kiosk", "display", "evaluator"]
ChannelName = Literal["kiosk", "guide", "window", "online", "phone"]

ServiceCode = Annotated[str, Meta(min_length=1, max_length=2, pattern="^[A-Z]{1,2}$")]
WindowNumber = Annotated[int, Meta(ge=1, le=9999)]
ShortText = Annotated[str, Meta(max_length=200)]


class Wire(Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every request and answer."""


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


# --- websocket events -----------------------------------------------------------------


class EventBase(Struct, frozen=True, tag_field="type", omit_defaults=False):
    seq: int
    at: dt.datetime


class TicketEventBase(EventBase, frozen=True):
    number: str
    service: str
    ticket: TicketView
    window: int | None = None


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
)
StreamMessage = Event | Snapshot | Heartbeat

EVENT_TYPES: tuple[type[EventBase], ...] = Event.__args__

# --- encoding and decoding, here and nowhere else -------------------------------------

_encoder = msgspec.json.Encoder()
_stream_decoder: msgspec.json.Decoder[StreamMessage] = msgspec.json.Decoder(StreamMessage)
_event_decoder: msgspec.json.Decoder[Event] = msgspec.json.Decoder(Event)


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


def decode(data: bytes | str, kind: type[T]) -> T:
    """Decode and validate; raises `msgspec.DecodeError` / `msgspec.ValidationError`."""
    return msgspec.json.decode(data, type=kind)


def decode_message(data: bytes | str) -> StreamMessage:
    """One websocket message: an event, a snapshot or a heartbeat."""
    return _stream_decoder.decode(data)


def decode_event(data: bytes | str) -> Event:
    return _event_decoder.decode(data)


def event_type(cls: type[EventBase]) -> str:
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def schema_components(
    types: list[Any], ref_template: str = "#/components/schemas/{name}"
) -> tuple[tuple[dict[str, Any], ...], dict[str, Any]]:
    """JSON Schemas of `types` for the OpenAPI document."""
    return msgspec.json.schema_components(types, ref_template=ref_template)
