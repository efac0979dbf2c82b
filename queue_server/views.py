"""Turning the rules core's state and events into the protocol's wire shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from onewindow import protocol as p
from onewindow.config import Config
from queue_server import rules as r

_TICKET_EVENTS: dict[type[r.TicketEvent], type[p.TicketEventBase]] = {
    r.TicketIssued: p.TicketIssued,
    r.TicketCalled: p.TicketCalled,
    r.TicketRecalled: p.TicketRecalled,
    r.TicketStarted: p.TicketStarted,
    r.TicketFinished: p.TicketFinished,
    r.TicketNoShow: p.TicketNoShow,
    r.TicketReinstated: p.TicketReinstated,
    r.TicketTransferred: p.TicketTransferred,
    r.TicketCancelled: p.TicketCancelled,
    r.TicketExpired: p.TicketExpired,
}
_WINDOW_EVENTS: dict[type[r.WindowEvent], type[p.WindowEventBase]] = {
    r.WindowOpened: p.WindowOpened,
    r.WindowPaused: p.WindowPaused,
    r.WindowResumed: p.WindowResumed,
    r.WindowClosed: p.WindowClosed,
}


def ticket_view(
    t: r.Ticket, people_ahead: int | None = None, wait_s: int | None = None
) -> p.TicketView:
    return p.TicketView(
        id=t.id,
        number=t.number,
        service=t.service,
        kind=t.kind.value,
        state=t.state.value,
        issued_at=t.issued_at,
        channel=t.channel,
        window=t.window,
        target_window=t.target_window,
        people_ahead=people_ahead,
        estimated_wait_s=wait_s,
        call_count=t.call_count,
        called_at=t.called_at,
        started_at=t.started_at,
        finished_at=t.finished_at,
        outcome=t.outcome,
        from_ticket=t.from_ticket,
        case=t.case,
    )


def live_ticket_view(hall: r.Hall, t: r.Ticket) -> p.TicketView:
    """A ticket with its place in line worked out now (for answers, not events)."""
    if t.state is r.TicketState.WAITING:
        return ticket_view(t, hall.people_ahead(t), hall.estimated_wait_s(t))
    return ticket_view(t)


def wire_event(event: r.Event, seq: int, at: dt.datetime) -> p.Event:
    if isinstance(event, r.TicketEvent):
        t = event.ticket
        extra: dict[str, object] = {}
        if isinstance(event, r.TicketIssued):
            view = ticket_view(t, event.people_ahead, event.estimated_wait_s)
        else:
            view = ticket_view(t)
        if isinstance(event, r.TicketCalled | r.TicketRecalled):
            extra["call_count"] = t.call_count
        if isinstance(event, r.TicketTransferred):
            extra = {"from_service": event.from_service, "from_window": event.from_window}
        cls = _TICKET_EVENTS[type(event)]
        return cls(
            seq=seq,
            at=at,
            number=t.number,
            service=t.service,
            ticket=view,
            window=t.window,
            business_day=t.business_day,
            staff_id=t.staff_id,
            first_called_at=t.first_called_at,
            **extra,  # type: ignore[arg-type]
        )
    if isinstance(event, r.WindowEvent):
        w = event.window
        return _WINDOW_EVENTS[type(event)](
            seq=seq,
            at=at,
            window=w.number,
            state=w.state.value,
            staff_id=w.staff_id,
            reason=w.pause_reason,
        )
    return p.QueueChanged(seq=seq, at=at, waiting=dict(event.waiting))


def window_view(config: Config, hall: r.Hall, w: r.Window) -> p.WindowView:
    cfg = config.window(w.number)
    current = hall.tickets.get(w.current) if w.current else None
    return p.WindowView(
        number=w.number,
        name=cfg.name if cfg else str(w.number),
        role=w.role,  # type: ignore[arg-type]
        services=list(w.services),
        state=w.state.value,
        staff_id=w.staff_id,
        pause_reason=w.pause_reason,
        current=ticket_view(current) if current else None,
        changed_at=w.changed_at,
        waiting_here=hall.waiting_for_window(w.number),
    )


def oldest_waiting(hall: r.Hall, now: dt.datetime) -> dict[str, int]:
    """Seconds the longest-waiting ticket of each service has waited."""
    oldest: dict[str, dt.datetime] = {}
    for t in hall.tickets.values():
        if t.state is r.TicketState.WAITING and t.target_window is None:
            seen = oldest.get(t.service)
            if seen is None or t.issued_at < seen:
                oldest[t.service] = t.issued_at
    return {code: max(0, int((now - at).total_seconds())) for code, at in oldest.items()}


def service_views(config: Config, hall: r.Hall, now: dt.datetime) -> list[p.ServiceView]:
    waiting = hall.waiting_counts()
    oldest = oldest_waiting(hall, now)
    views = []
    for s in config.services:
        open_windows = sum(
            1
            for w in hall.windows.values()
            if w.state is r.WindowState.OPEN and s.code in w.services
        )
        views.append(
            p.ServiceView(
                code=s.code,
                prefix=s.prefix,
                name_zh=s.name_zh,
                name_en=s.name_en,
                mode=s.mode,  # type: ignore[arg-type]
                waiting=waiting.get(s.code, 0),
                oldest_wait_s=oldest.get(s.code, 0),
                mean_service_s=round(hall.mean_service_s(s.code)),
                open_windows=open_windows,
                wait_alert_s=round(s.wait_alert_minutes * 60),
            )
        )
    return views


def snapshot(
    config: Config, hall: r.Hall, seq: int, now: dt.datetime, calls: Iterable[p.CallView]
) -> p.StateSnapshot:
    assert hall.day is not None
    return p.StateSnapshot(
        hall=config.hall.name,
        notice=config.hall.notice,
        business_day=hall.day,
        seq=seq,
        at=now,
        windows=[window_view(config, hall, w) for w in sorted(hall.windows.values(), key=_num)],
        services=service_views(config, hall, now),
        recent_calls=list(calls),
        display=p.DisplaySettings(
            language=config.display.language,  # type: ignore[arg-type]
            recent_calls=config.display.recent_calls,
            announce_repeat=config.display.announce_repeat,
        ),
        allow_priority=config.kiosk.allow_priority,
    )


def _num(w: r.Window) -> int:
    return w.number
