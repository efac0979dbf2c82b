"""The hall's queue rules, with no I/O: commands go in, events come out.

Everything the queue promises lives here: daily numbering per service in the hall's
time zone, the legal ticket moves, who is next at a window, recalls and no-shows,
transfers that keep a ticket's place, pausing and closing windows, the day rollover
and the estimated wait. The caller passes `now` (an aware datetime) with each command,
so the rules are the same in a test, a simulation and the live hall.

Ticket moves (anything not listed is an `IllegalMove`):

    waiting  --call-->      called   --recall-->   called (until the recall limit)
    called   --start-->     serving  --finish-->   done
    called   --finish-->    done          (a clerk may skip "start")
    called   --no-show-->   no_show  --reinstate--> waiting (within the grace time)
    called / serving --transfer--> waiting (same number and place, new service/window)
    waiting / called / serving / no_show --cancel--> cancelled
    waiting / called / serving at the end of the business day --> expired

A consult-first service's ordinary tickets are called only at consultation windows;
special tickets (特呼) are called only at the other windows, before everyone else.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from queue_server.rules.commands import *  # noqa: F403 (the rules core is one import for its callers)
from queue_server.rules.commands import (
    CallNext,
    CallTicket,
    CancelTicket,
    CloseWindow,
    Command,
    Finish,
    IssueSpecial,
    IssueTicket,
    MarkNoShow,
    OpenWindow,
    PauseWindow,
    Reassign,
    Recall,
    Reinstate,
    ResumeWindow,
    Start,
    Transfer,
)
from queue_server.rules.events import *  # noqa: F403
from queue_server.rules.events import (
    Event,
    QueueChanged,
    TicketCalled,
    TicketCancelled,
    TicketExpired,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    TicketReinstated,
    TicketStarted,
    TicketTransferred,
    WindowClosed,
    WindowOpened,
    WindowPaused,
    WindowResumed,
)
from queue_server.rules.lines import WaitingLines
from queue_server.rules.state import *  # noqa: F403
from queue_server.rules.state import (
    IN_HAND,
    OPEN_STATES,
    BadCommand,
    Forbidden,
    HallRules,
    IllegalMove,
    NotFound,
    ServiceRule,
    Ticket,
    TicketKind,
    TicketState,
    Window,
    WindowState,
    copy_ticket,
    copy_window,
    new_ticket_id,
)


@dataclass(frozen=True)
class Move:
    """What a command does to the ticket it acts on: from which states, into which one.

    A ticket in none of `sources` refuses the command with `refusal`.
    """

    sources: frozenset[TicketState]
    target: TicketState
    refusal: str


_S = TicketState

# The desks whose clerks hand out special-call tickets (特呼号) after a pre-check.
SPECIAL_ISSUERS = frozenset({"consultation", "guide"})

# The tickets' transition table: every command that moves a ticket, one row each.
# (Issuing makes a ticket WAITING; CallNext takes the first WAITING ticket it may call.)
TICKET_MOVES: dict[type[Any], Move] = {
    CallTicket: Move(frozenset({_S.WAITING, _S.NO_SHOW}), _S.CALLED, "ticket_not_waiting"),
    Recall: Move(frozenset({_S.CALLED}), _S.CALLED, "no_ticket_in_hand"),
    Start: Move(frozenset({_S.CALLED}), _S.SERVING, "no_ticket_in_hand"),
    Finish: Move(frozenset({_S.CALLED, _S.SERVING}), _S.DONE, "no_ticket_in_hand"),
    MarkNoShow: Move(frozenset({_S.CALLED}), _S.NO_SHOW, "no_ticket_in_hand"),
    Transfer: Move(frozenset({_S.CALLED, _S.SERVING}), _S.WAITING, "no_ticket_in_hand"),
    Reassign: Move(frozenset({_S.WAITING}), _S.WAITING, "ticket_not_waiting"),
    CancelTicket: Move(frozenset(OPEN_STATES), _S.CANCELLED, "ticket_closed"),
    Reinstate: Move(frozenset({_S.NO_SHOW}), _S.WAITING, "ticket_not_no_show"),
    # A referral to a special ticket closes the one it comes from, whatever it was doing.
    IssueSpecial: Move(frozenset(OPEN_STATES | {_S.DONE}), _S.DONE, "ticket_closed"),
}


@dataclass
class Hall:
    """The queue state of one hall for the current business day."""

    rules: HallRules
    day: dt.date | None = None
    tickets: dict[str, Ticket] = field(default_factory=dict)
    windows: dict[int, Window] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)  # prefix -> last seq today
    next_place: int = 1
    by_number: dict[str, str] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    service_times: dict[str, deque[float]] = field(default_factory=dict)
    _services: dict[str, ServiceRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._services = {s.code: s for s in self.rules.services}
        for w in self.rules.windows:
            self.windows.setdefault(w.number, Window(w.number, w.role, w.services, w.order))
        for code in self._services:
            self.service_times.setdefault(code, deque(maxlen=self.rules.recent_samples))
        self.lines = WaitingLines(self._services, self.windows, self.tickets)

    # -- loading a stored day --

    def restore(self, tickets: Iterable[Ticket], day: dt.date) -> None:
        """Rebuild the lines from stored tickets of `day` (windows are set by the caller)."""
        self.day = day
        for t in tickets:
            self.tickets[t.id] = t
            self.by_number[t.number] = t.id
            if t.idempotency_key:
                self.by_key[t.idempotency_key] = t.id
            prefix = t.number.rstrip("0123456789")
            seq = int(t.number[len(prefix) :])
            self.counters[prefix] = max(self.counters.get(prefix, 0), seq)
            self.next_place = max(self.next_place, t.place + 1)
            if t.state is TicketState.WAITING:
                self.lines.add(t)
            if t.state is TicketState.DONE and t.called_at and t.finished_at:
                self._sample(t)

    # -- the one entry point --

    def handle(self, command: Command, now: dt.datetime) -> list[Event]:
        """Apply `command` at `now`; returns the events, or raises a `QueueError`."""
        events: list[Event] = list(self.roll_over(now))
        before = self.lines.counts()
        events.extend(HANDLERS[type(command)](self, command, now))
        after = self.lines.counts()
        if after != before or any(isinstance(e, QueueChanged) for e in events):
            events = [e for e in events if not isinstance(e, QueueChanged)]
            events.append(QueueChanged(after))
        return events

    def tick(self, now: dt.datetime) -> list[Event]:
        """The clock moved on with no command: only the day rollover can happen."""
        events = list(self.roll_over(now))
        if events:
            events = [e for e in events if not isinstance(e, QueueChanged)]
            events.append(QueueChanged(self.lines.counts()))
        return events

    def roll_over(self, now: dt.datetime) -> Iterator[Event]:
        """At the first command of a new business day, close what the old day left open."""
        today = self.rules.business_day(now)
        if self.day == today:
            return
        if self.day is not None:
            for t in list(self.tickets.values()):
                # A no-show stays a no-show: the day's figures count it as such.
                if t.state in OPEN_STATES and t.state is not TicketState.NO_SHOW:
                    self.lines.remove(t)
                    t.state, t.closed_at = TicketState.EXPIRED, now
                    yield TicketExpired(copy_ticket(t))
            for w in self.windows.values():
                if w.state is not WindowState.CLOSED:
                    w.state, w.staff_id, w.current, w.pause_reason = (
                        WindowState.CLOSED,
                        None,
                        None,
                        None,
                    )
                    w.changed_at = now
                    yield WindowClosed(copy_window(w))
            yield QueueChanged({})
        self.day = today
        self.tickets.clear()
        self.by_number.clear()
        self.by_key.clear()
        self.counters.clear()
        self.lines.clear()

    # -- lookups --

    def service(self, code: str) -> ServiceRule:
        try:
            return self._services[code]
        except KeyError:
            raise BadCommand("unknown_service", service=code) from None

    def window(self, number: int) -> Window:
        try:
            return self.windows[number]
        except KeyError:
            raise NotFound("unknown_window", window=number) from None

    def ticket(self, ref: str) -> Ticket:
        """A ticket of today by id or by number (`A012`)."""
        t = self.tickets.get(ref) or self.tickets.get(self.by_number.get(ref.upper(), ""))
        if t is None:
            raise NotFound("unknown_ticket", ticket=ref)
        return t

    def current(self, window: int) -> Ticket | None:
        w = self.window(window)
        return self.tickets.get(w.current) if w.current else None

    # -- the lines, as the rest of the server asks about them --

    def waiting_counts(self) -> dict[str, int]:
        return self.lines.counts()

    def waiting_for_window(self, number: int) -> int:
        return self.lines.for_window(number)

    def next_for(self, w: Window) -> Ticket | None:
        return self.lines.next_for(w)

    def people_ahead(self, t: Ticket) -> int:
        return self.lines.people_ahead(t)

    def serving_windows(self, t: Ticket) -> int:
        return self.lines.serving_windows(t)

    def mean_service_s(self, service: str) -> float:
        samples = self.service_times.get(service)
        if samples:
            return sum(samples) / len(samples)
        return self._services[service].default_service_s

    def estimated_wait_s(self, t: Ticket) -> int:
        """Tickets ahead × recent mean service time ÷ open windows serving the service."""
        ahead = self.people_ahead(t)
        return round(ahead * self.mean_service_s(t.service) / max(1, self.serving_windows(t)))

    def _sample(self, t: Ticket) -> None:
        assert t.called_at and t.finished_at
        begun = t.started_at or t.called_at
        self.service_times[t.service].append((t.finished_at - begun).total_seconds())

    # -- issuing --

    def _number(self, prefix: str) -> str:
        seq = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = seq
        return f"{prefix}{seq:03d}"

    def _new_ticket(
        self, service: str, kind: TicketKind, now: dt.datetime, prefix: str, **extra: object
    ) -> Ticket:
        assert self.day is not None
        t = Ticket(
            id=new_ticket_id(),
            number=self._number(prefix),
            service=service,
            kind=kind,
            business_day=self.day,
            place=self.next_place,
            issued_at=now,
            **extra,  # type: ignore[arg-type]
        )
        self.next_place += 1
        self.tickets[t.id] = t
        self.by_number[t.number] = t.id
        self.lines.add(t)
        return t

    def may_issue_special(self, window: int | None, supervises: bool) -> bool:
        """Special-call tickets come from a consultation window or the guide desk."""
        desk = self.windows.get(window) if window is not None else None
        return supervises or (desk is not None and desk.role in SPECIAL_ISSUERS)

    def _check_target(self, service: str | None, window: int | None) -> None:
        if service is not None:
            self.service(service)
        if window is not None:
            w = self.window(window)
            if w.role == "guide":
                raise BadCommand("window_cannot_call", window=window)

    def repeated_issue(self, c: IssueTicket) -> Ticket | None:
        """The ticket an earlier issue with the same key made today, or None.

        A key names one request: the same key with another service, kind or window is a
        different request wrongly labelled, refused rather than answered with the first.
        """
        first = self.tickets.get(self.by_key.get(c.idempotency_key or "", ""))
        if first is None:
            return None
        if (first.service, first.kind, first.target_window) != (
            c.service,
            c.kind,
            c.target_window,
        ):
            raise IllegalMove("idempotency_key_reused", number=first.number)
        return first

    def _issue_ticket(self, c: IssueTicket, now: dt.datetime) -> list[Event]:
        if c.channel == "kiosk":
            # A ticket machine gives ordinary and priority numbers to the line, nothing else.
            if c.kind is TicketKind.SPECIAL or c.target_window is not None:
                raise Forbidden("kind_not_allowed")
            if c.kind is TicketKind.PRIORITY and not self.rules.allow_priority_at_kiosk:
                raise BadCommand("priority_not_allowed")
        if self.repeated_issue(c) is not None:
            return []
        rule = self.service(c.service)
        if c.kind is TicketKind.SPECIAL:
            raise BadCommand("special_needs_referral", service=c.service)
        self._check_target(None, c.target_window)
        t = self._new_ticket(
            c.service,
            c.kind,
            now,
            rule.prefix,
            channel=c.channel,
            target_window=c.target_window,
            idempotency_key=c.idempotency_key,
        )
        if c.idempotency_key:
            self.by_key[c.idempotency_key] = t.id
        return [TicketIssued(copy_ticket(t), self.people_ahead(t), self.estimated_wait_s(t))]

    def _issue_special(self, c: IssueSpecial, now: dt.datetime) -> list[Event]:
        source = self.ticket(c.from_ticket)
        if source.kind is TicketKind.SPECIAL:
            raise IllegalMove("already_special", ticket=source.number)
        self._check_move(c, source)
        if any(t.from_ticket == source.id for t in self.tickets.values()):
            raise IllegalMove("special_already_issued", ticket=source.number)
        service = c.service or source.service
        self._check_target(service, c.target_window)
        if c.target_window is None and not any(
            code == service and w.role in ("acceptance", "specialist")
            for w in self.windows.values()
            for code in w.services
        ):
            raise BadCommand("no_window_for_special", service=service)
        events: list[Event] = []
        if source.state in IN_HAND | {TicketState.WAITING, TicketState.NO_SHOW}:
            events.extend(self._close_referred(source, now))
        t = self._new_ticket(
            service,
            TicketKind.SPECIAL,
            now,
            self.rules.special_prefix,
            channel=c.channel,
            target_window=c.target_window,
            from_ticket=source.id,
            case=c.case,
        )
        events.append(TicketIssued(copy_ticket(t), self.people_ahead(t), self.estimated_wait_s(t)))
        return events

    def _close_referred(self, t: Ticket, now: dt.datetime) -> list[Event]:
        """The visitor leaves consultation with a special ticket: the old one is done."""
        self.lines.remove(t)
        if t.state in IN_HAND and t.window is not None:
            self.windows[t.window].current = None
        t.state, t.outcome, t.closed_at = TicketState.DONE, "referred", now
        t.finished_at = now if t.called_at else None
        if t.called_at and t.finished_at:
            self._sample(t)
        return [TicketFinished(copy_ticket(t))]

    # -- windows --

    def _open_window(self, c: OpenWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        if w.state is not WindowState.CLOSED and w.staff_id not in (None, c.staff_id):
            raise IllegalMove("window_taken", window=w.number)
        w.state, w.staff_id, w.pause_reason, w.changed_at = WindowState.OPEN, c.staff_id, None, now
        return [WindowOpened(copy_window(w))]

    def _close_window(self, c: CloseWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        events: list[Event] = []
        t = self.current(c.window)
        if t is not None and t.state is TicketState.SERVING:
            raise IllegalMove("ticket_in_service", window=w.number, ticket=t.number)
        if t is not None and t.state is TicketState.CALLED:
            t.state, t.window = TicketState.WAITING, None
            self.lines.add(t)
            events.append(TicketReinstated(copy_ticket(t)))
        w.state, w.staff_id, w.current, w.pause_reason = WindowState.CLOSED, None, None, None
        w.changed_at = now
        events.append(WindowClosed(copy_window(w)))
        return events

    def _pause_window(self, c: PauseWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        if w.state is not WindowState.OPEN:
            raise IllegalMove("window_not_open", window=w.number, state=w.state.value)
        w.state, w.pause_reason, w.changed_at = WindowState.PAUSED, c.reason or None, now
        return [WindowPaused(copy_window(w))]

    def _resume_window(self, c: ResumeWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        if w.state is not WindowState.PAUSED:
            raise IllegalMove("window_not_paused", window=w.number, state=w.state.value)
        w.state, w.pause_reason, w.changed_at = WindowState.OPEN, None, now
        return [WindowResumed(copy_window(w))]

    # -- calling --

    def _ready_to_call(self, number: int) -> Window:
        w = self.window(number)
        if w.state is not WindowState.OPEN:
            raise IllegalMove("window_not_open", window=number, state=w.state.value)
        if w.role == "guide":
            raise IllegalMove("window_cannot_call", window=number)
        held = self.current(number)
        if held is not None and held.state in IN_HAND:
            raise IllegalMove("ticket_in_hand", window=number, ticket=held.number)
        return w

    def _call(self, w: Window, t: Ticket, now: dt.datetime) -> list[Event]:
        self.lines.remove(t)
        t.state, t.window, t.call_count, t.called_at = TicketState.CALLED, w.number, 1, now
        t.started_at = t.no_show_at = None
        t.staff_id = w.staff_id
        t.first_called_at = t.first_called_at or now
        w.current = t.id
        return [TicketCalled(copy_ticket(t))]

    def _call_next(self, c: CallNext, now: dt.datetime) -> list[Event]:
        w = self._ready_to_call(c.window)
        t = self.next_for(w)
        return [] if t is None else self._call(w, t, now)

    def _call_ticket(self, c: CallTicket, now: dt.datetime) -> list[Event]:
        w = self._ready_to_call(c.window)
        t = self.ticket(c.ticket)
        self._check_move(c, t)
        if t.state is TicketState.NO_SHOW:
            self._check_grace(t, now)
        owner, rank = self.lines.key(t)
        callable_here = t.target_window == w.number or (
            t.target_window is None and owner in w.services and self.lines.eligible(w, owner, rank)
        )
        if not callable_here:
            raise IllegalMove("ticket_not_for_window", ticket=t.number, window=w.number)
        return self._call(w, t, now)

    def _check_move(self, c: Command, t: Ticket) -> None:
        move = TICKET_MOVES[type(c)]
        if t.state not in move.sources:
            raise IllegalMove(move.refusal, ticket=t.number, state=t.state.value)

    def _in_hand(self, c: Command, number: int) -> Ticket:
        """The ticket window `number` holds, if `c` may act on it (per `TICKET_MOVES`)."""
        t = self.current(number)
        if t is None or t.state not in TICKET_MOVES[type(c)].sources:
            state = t.state.value if t else None
            raise IllegalMove("no_ticket_in_hand", window=number, state=state)
        return t

    def _recall(self, c: Recall, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c, c.window)
        if t.call_count > self.rules.recalls_before_no_show:
            raise IllegalMove("recall_limit", ticket=t.number, calls=t.call_count)
        t.call_count += 1
        return [TicketRecalled(copy_ticket(t))]

    def _start(self, c: Start, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c, c.window)
        t.state, t.started_at = TicketState.SERVING, now
        return [TicketStarted(copy_ticket(t))]

    def _finish(self, c: Finish, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c, c.window)
        t.state, t.finished_at, t.closed_at = TicketState.DONE, now, now
        t.outcome = t.outcome or "served"
        self.windows[c.window].current = None
        self._sample(t)
        return [TicketFinished(copy_ticket(t))]

    def _mark_no_show(self, c: MarkNoShow, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c, c.window)
        if t.call_count <= self.rules.recalls_before_no_show:
            left = self.rules.recalls_before_no_show - t.call_count + 1
            raise IllegalMove("recalls_left", ticket=t.number, recalls_left=left)
        t.state, t.no_show_at = TicketState.NO_SHOW, now
        self.windows[c.window].current = None
        return [TicketNoShow(copy_ticket(t))]

    def _move(self, t: Ticket, service: str | None, window: int | None) -> tuple[str, int | None]:
        if service is None and window is None:
            raise BadCommand("transfer_needs_target")
        self._check_target(service, window)
        old = (t.service, t.window)
        t.service = service or t.service
        t.target_window = window
        t.state, t.window, t.call_count = TicketState.WAITING, None, 0
        t.called_at = t.started_at = None
        t.transfers += 1
        self.lines.add(t)
        return old

    def _transfer(self, c: Transfer, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c, c.window)
        if c.target_window == c.window:
            raise BadCommand("transfer_to_self", window=c.window)
        old_service, old_window = self._move(t, c.service, c.target_window)
        self.windows[c.window].current = None
        return [TicketTransferred(copy_ticket(t), old_service, old_window)]

    def _reassign(self, c: Reassign, now: dt.datetime) -> list[Event]:
        t = self.ticket(c.ticket)
        self._check_move(c, t)
        self.lines.remove(t)
        old_service, _ = self._move(t, c.service, c.target_window)
        return [TicketTransferred(copy_ticket(t), old_service, None)]

    def _cancel_ticket(self, c: CancelTicket, now: dt.datetime) -> list[Event]:
        t = self.ticket(c.ticket)
        self._check_move(c, t)
        self.lines.remove(t)
        if t.state in IN_HAND and t.window is not None:
            self.windows[t.window].current = None
        t.state, t.closed_at = TicketState.CANCELLED, now
        return [TicketCancelled(copy_ticket(t))]

    def _check_grace(self, t: Ticket, now: dt.datetime) -> None:
        assert t.no_show_at is not None
        if now - t.no_show_at > self.rules.no_show_grace:
            raise IllegalMove("grace_expired", ticket=t.number)

    def _reinstate(self, c: Reinstate, now: dt.datetime) -> list[Event]:
        t = self.ticket(c.ticket)
        self._check_move(c, t)
        self._check_grace(t, now)
        t.state, t.window, t.call_count, t.no_show_at = TicketState.WAITING, None, 0, None
        t.called_at = None
        self.lines.add(t)
        return [TicketReinstated(copy_ticket(t))]


# Which handler applies which command: one row per command, read top to bottom.
HANDLERS: dict[type[Any], Callable[[Hall, Any, dt.datetime], list[Event]]] = {
    IssueTicket: Hall._issue_ticket,
    IssueSpecial: Hall._issue_special,
    OpenWindow: Hall._open_window,
    CloseWindow: Hall._close_window,
    PauseWindow: Hall._pause_window,
    ResumeWindow: Hall._resume_window,
    CallNext: Hall._call_next,
    CallTicket: Hall._call_ticket,
    Recall: Hall._recall,
    Start: Hall._start,
    Finish: Hall._finish,
    MarkNoShow: Hall._mark_no_show,
    Transfer: Hall._transfer,
    Reassign: Hall._reassign,
    CancelTicket: Hall._cancel_ticket,
    Reinstate: Hall._reinstate,
}
