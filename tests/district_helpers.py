"""A small district for the centre's tests, and hall events built from the wire shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from central.config import DistrictConfig, parse_district
from onewindow import protocol as p

TZ = dt.timezone(dt.timedelta(hours=8))
HALL_TOKENS = {"HZ": "hall-hz-uplink-token-0001", "JN": "hall-jn-uplink-token-0002"}
SUPERVISOR = {"Authorization": "Bearer district-supervisor-token-1"}


def district(dsn: str, **centre: Any) -> DistrictConfig:
    return parse_district(
        {
            "centre": {"database": dsn, "timezone": "Asia/Shanghai", **centre},
            "halls": [
                {
                    "code": "HZ",
                    "name_zh": "海珠区政务服务中心",
                    "level": "district",
                    "token": HALL_TOKENS["HZ"],
                },
                {
                    "code": "JN",
                    "name_zh": "江南中街道政务服务中心",
                    "level": "street",
                    "token": HALL_TOKENS["JN"],
                },
            ],
            "viewers": [
                {
                    "name": "district-supervisor",
                    "role": "supervisor",
                    "token": SUPERVISOR["Authorization"].removeprefix("Bearer "),
                },
            ],
        }
    )


def hall_auth(code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {HALL_TOKENS[code]}"}


def ticket_event(seq: int, kind: type[p.TicketEventBase], number: str, **ticket: Any) -> Any:
    now = dt.datetime.now(TZ)
    view = p.TicketView(
        id=f"t-{number}",
        number=number,
        service=number[0],
        kind="normal",
        state=ticket.pop("state", "waiting"),
        issued_at=ticket.pop("issued_at", now),
        channel="kiosk",
        **ticket,
    )
    return kind(seq=seq, at=now, number=number, service=number[0], ticket=view, window=view.window)


def issued(seq: int, number: str) -> dict[str, Any]:
    """A `ticket.issued` event as the hall's uplink sends it (plain JSON)."""
    return p.decode(p.encode(ticket_event(seq, p.TicketIssued, number)), dict[str, Any])


def batch(*events: dict[str, Any], head: int = 0) -> dict[str, Any]:
    return {"events": list(events), "head": head or max((e["seq"] for e in events), default=0)}


def wire(event: Any) -> dict[str, Any]:
    return p.decode(p.encode(event), dict[str, Any])


def window_opened(seq: int, window: int) -> dict[str, Any]:
    return wire(p.WindowOpened(seq=seq, at=dt.datetime.now(TZ), window=window, state="open"))


def called(seq: int, number: str, window: int) -> dict[str, Any]:
    return wire(ticket_event(seq, p.TicketCalled, number, state="called", window=window))


def case_accepted(seq: int, case_no: str, at: dt.datetime | None = None) -> dict[str, Any]:
    return wire(
        p.CaseAccepted(
            seq=seq,
            at=at or dt.datetime.now(TZ),
            case_id=f"c-{case_no}",
            case_no=case_no,
            item="310100001",
            service="A",
            state="accepted",
            window=3,
            deadline=dt.date.today() + dt.timedelta(days=7),
        )
    )
