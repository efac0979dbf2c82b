"""Every JSON shape on the wire, defined once for the server and all its clients.

Request bodies, answers and websocket events are frozen msgspec Structs. The server
validates with them, the OpenAPI document is generated from them, and clients decode
with them: nobody builds a wire dict by hand at a call site. Import this package
(`from onewindow import protocol as p`); its parts are `queue` (tickets, windows, the
hall's state), `intake` (catalogue, cases, ratings, progress), `reports` (the figures of
a period) and `events`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from onewindow.protocol.base import (
    ChannelName,
    DeviceRoleName,
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
from onewindow.protocol.events import (
    EVENT_TYPES,
    CaseAccepted,
    CaseApproved,
    CaseEventBase,
    CaseIssued,
    CaseOverdue,
    CaseRejected,
    CaseReturned,
    CaseWarning,
    Event,
    EventBase,
    Heartbeat,
    QueueChanged,
    RatingFollowedUp,
    RatingReceived,
    Snapshot,
    StreamMessage,
    TicketCalled,
    TicketCancelled,
    TicketEventBase,
    TicketExpired,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    TicketReinstated,
    TicketStarted,
    TicketTransferred,
    WindowClosed,
    WindowEventBase,
    WindowOpened,
    WindowPaused,
    WindowResumed,
)
from onewindow.protocol.intake import (
    Applicant,
    CaseList,
    CaseStateName,
    CaseView,
    CatalogueItemView,
    CatalogueList,
    DecisionRequest,
    FollowUpRequest,
    IdTypeName,
    ItemCode,
    MaskedApplicant,
    MaterialName,
    MaterialsRequest,
    MaterialView,
    NewCaseRequest,
    ProgressView,
    RatingList,
    RatingRequest,
    RatingView,
    ReturnRequest,
    SubmitCaseRequest,
    TicketRef,
)
from onewindow.protocol.queue import (
    CallTicketRequest,
    CallView,
    ClockRequest,
    ClockView,
    DisplaySettings,
    ErrorBody,
    ErrorDetail,
    IssueTicketRequest,
    LoginRequest,
    LoginResponse,
    PauseRequest,
    ServiceView,
    SpecialTicketRequest,
    StaffView,
    StateSnapshot,
    TicketList,
    TicketView,
    TransferRequest,
    WindowView,
)
from onewindow.protocol.reports import (
    BadRating,
    CaseFigures,
    DayFigures,
    Durations,
    GroupFigures,
    HourFigures,
    RatingFigures,
    Report,
    TicketFigures,
    WaitBucket,
)

T = TypeVar("T")

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


__all__ = [
    "EVENT_TYPES",
    "Applicant",
    "BadRating",
    "CallTicketRequest",
    "CallView",
    "CaseAccepted",
    "CaseApproved",
    "CaseEventBase",
    "CaseFigures",
    "CaseIssued",
    "CaseList",
    "CaseOverdue",
    "CaseRejected",
    "CaseReturned",
    "CaseStateName",
    "CaseView",
    "CaseWarning",
    "CatalogueItemView",
    "CatalogueList",
    "ChannelName",
    "ClockRequest",
    "ClockView",
    "DayFigures",
    "DecisionRequest",
    "DeviceRoleName",
    "DisplaySettings",
    "Durations",
    "ErrorBody",
    "ErrorDetail",
    "Event",
    "EventBase",
    "FollowUpRequest",
    "GroupFigures",
    "Heartbeat",
    "HourFigures",
    "IdTypeName",
    "IssueTicketRequest",
    "ItemCode",
    "LoginRequest",
    "LoginResponse",
    "MaskedApplicant",
    "MaterialName",
    "MaterialView",
    "MaterialsRequest",
    "NewCaseRequest",
    "PauseRequest",
    "ProgressView",
    "QueueChanged",
    "RatingFigures",
    "RatingFollowedUp",
    "RatingList",
    "RatingReceived",
    "RatingRequest",
    "RatingView",
    "Report",
    "ReturnRequest",
    "ServiceCode",
    "ServiceView",
    "ShortText",
    "Snapshot",
    "SpecialTicketRequest",
    "StaffRoleName",
    "StaffView",
    "StateSnapshot",
    "StreamMessage",
    "SubmitCaseRequest",
    "TicketCalled",
    "TicketCancelled",
    "TicketEventBase",
    "TicketExpired",
    "TicketFigures",
    "TicketFinished",
    "TicketIssued",
    "TicketKindName",
    "TicketList",
    "TicketNoShow",
    "TicketRecalled",
    "TicketRef",
    "TicketReinstated",
    "TicketStarted",
    "TicketStateName",
    "TicketTransferred",
    "TicketView",
    "TransferRequest",
    "WaitBucket",
    "WindowClosed",
    "WindowEventBase",
    "WindowNumber",
    "WindowOpened",
    "WindowPaused",
    "WindowResumed",
    "WindowRoleName",
    "WindowStateName",
    "WindowView",
    "Wire",
    "decode",
    "decode_event",
    "decode_message",
    "encode",
    "event_type",
    "schema_components",
]
