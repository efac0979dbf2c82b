"""Types every wire shape is built from."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

TicketStateName = Literal["waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]
TicketKindName = Literal["normal", "priority", "special"]
WindowStateName = Literal["closed", "open", "paused"]
WindowRoleName = Literal["consultation", "acceptance", "guide", "specialist"]
StaffRoleName = Literal["clerk", "guide", "supervisor", "admin"]
DeviceRoleName = Literal["kiosk", "display", "evaluator"]
ChannelName = Literal["kiosk", "guide", "window", "online", "phone"]

# Either case on the way in (the API upper-cases it, as the CLI does); capitals on the way out.
ServiceCode = Annotated[str, Meta(min_length=1, max_length=2, pattern="^[A-Za-z]{1,2}$")]
WindowNumber = Annotated[int, Meta(ge=1, le=9999)]
ShortText = Annotated[str, Meta(max_length=200)]


class Wire(Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every request and answer."""
