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

import base64
import bisect
import copy
import datetime as dt
import secrets
import zoneinfo
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATES = frozenset(
    {TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.NO_SHOW}
)
IN_HAND = frozenset({TicketState.CALLED, TicketState.SERVING})


class TicketKind(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"
    SPECIAL = "special"


class Rank(IntEnum):
    """Call order between kinds: a lower rank is called first."""

    SPECIAL = 0
    PRIORITY = 1
    NORMAL = 2


RANK = {TicketKind.SPECIAL: Rank.SPECIAL, TicketKind.PRIORITY: Rank.PRIORITY}
RANKS = tuple(Rank)  # iterating a tuple is much cheaper than iterating the Enum


class WindowState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


# --- errors, split by whose fault they are -------------------------------------------


class QueueError(Exception):
    """Base of every refusal; `code` is stable, `detail` names the offending values."""

    code = "queue_error"

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class BadCommand(QueueError):
    """The request names something that does not exist or is not allowed (422)."""


class NotFound(QueueError):
    """No such ticket or window (404)."""


class IllegalMove(QueueError):
    """The command is valid but the current state forbids it (409)."""


# --- the hall's shape, from the config ------------------------------------------------


@dataclass(frozen=True)
class ServiceRule:
    code: str
    prefix: str
    consult_first: bool = False
    default_service_s: float = 360.0


@dataclass(frozen=True)
class WindowRule:
    number: int
    role: str
    services: tuple[str, ...]
    order: str = "fifo"


@dataclass(frozen=True)
class HallRules:
    services: tuple[ServiceRule, ...]
    windows: tuple[WindowRule, ...]
    timezone: str = "Asia/Shanghai"
    day_starts_at: dt.time = dt.time(0, 0)
    recalls_before_no_show: int = 2
    no_show_grace: dt.timedelta = dt.timedelta(minutes=30)
    special_prefix: str = "T"
    recent_samples: int = 20
    allow_priority_at_kiosk: bool = True

    def business_day(self, now: dt.datetime) -> dt.date:
        local = now.astimezone(zoneinfo.ZoneInfo(self.timezone))
        start = dt.timedelta(hours=self.day_starts_at.hour, minutes=self.day_starts_at.minute)
        return (local - start).date()


# --- state -----------------------------------------------------------------------------


@dataclass
class Ticket:
    id: str
    number: str
    service: str
    kind: TicketKind
    business_day: dt.date
    place: int  # position in line, kept across transfers and reinstatement
    issued_at: dt.datetime
    channel: str = "kiosk"
    state: TicketState = TicketState.WAITING
    target_window: int | None = None
    window: int | None = None
    call_count: int = 0
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    no_show_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    from_ticket: str | None = None
    case: str | None = None
    outcome: str | None = None
    idempotency_key: str | None = None
    transfers: int = 0
    staff_id: str | None = None  # the clerk of the window that called it
    first_called_at: dt.datetime | None = None  # the end of the visitor's wait


@dataclass
class Window:
    number: int
    role: str
    services: tuple[str, ...]
    order: str = "fifo"
    state: WindowState = WindowState.CLOSED
    staff_id: str | None = None
    pause_reason: str | None = None
    current: str | None = None  # id of the ticket in hand
    changed_at: dt.datetime | None = None


# --- commands (imperative) -------------------------------------------------------------


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


# --- events (past tense) ---------------------------------------------------------------


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


# --- the waiting lines -----------------------------------------------------------------


class _Line:
    """Waiting tickets of one (service or window, rank), kept sorted by place."""

    __slots__ = ("ids", "places")

    def __init__(self) -> None:
        self.places: list[int] = []
        self.ids: dict[int, str] = {}

    def add(self, place: int, ticket_id: str) -> None:
        if not self.places or place > self.places[-1]:
            self.places.append(place)
        else:
            bisect.insort(self.places, place)
        self.ids[place] = ticket_id

    def remove(self, place: int) -> None:
        i = bisect.bisect_left(self.places, place)
        if i < len(self.places) and self.places[i] == place:
            del self.places[i]
            del self.ids[place]

    def head(self) -> int | None:
        return self.places[0] if self.places else None

    def before(self, place: int) -> int:
        return bisect.bisect_left(self.places, place)

    def __len__(self) -> int:
        return len(self.places)


_random_pool = bytearray()


def new_ticket_id() -> str:
    """An opaque id (96 random bits) that cannot be guessed from any other ticket's."""
    # One system call for many ids: issuing a ticket is the hot path.
    if len(_random_pool) < 12:
        _random_pool.extend(secrets.token_bytes(12 * 512))
    chunk = bytes(_random_pool[:12])
    del _random_pool[:12]
    return base64.urlsafe_b64encode(chunk).decode()


def _copy_ticket(t: Ticket) -> Ticket:
    return copy.copy(t)


def _copy_window(w: Window) -> Window:
    return copy.copy(w)


# --- the hall --------------------------------------------------------------------------


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
    _lines: dict[tuple[str, Rank], _Line] = field(default_factory=dict)
    _services: dict[str, ServiceRule] = field(default_factory=dict)
    _caller_cache: dict[tuple[str, Rank], list[Window]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._services = {s.code: s for s in self.rules.services}
        for w in self.rules.windows:
            self.windows.setdefault(w.number, Window(w.number, w.role, w.services, w.order))
        for code in self._services:
            self.service_times.setdefault(code, deque(maxlen=self.rules.recent_samples))

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
                self._enqueue(t)
            if t.state is TicketState.DONE and t.called_at and t.finished_at:
                self._sample(t)

    # -- the one entry point --

    def handle(self, command: Command, now: dt.datetime) -> list[Event]:
        """Apply `command` at `now`; returns the events, or raises a `QueueError`."""
        events: list[Event] = list(self.roll_over(now))
        before = self.waiting_counts()
        handler: Callable[[Any, dt.datetime], list[Event]] = getattr(
            self, "_" + type(command).__name__
        )
        events.extend(handler(command, now))
        after = self.waiting_counts()
        if after != before or any(isinstance(e, QueueChanged) for e in events):
            events = [e for e in events if not isinstance(e, QueueChanged)]
            events.append(QueueChanged(after))
        return events

    def tick(self, now: dt.datetime) -> list[Event]:
        """The clock moved on with no command: only the day rollover can happen."""
        events = list(self.roll_over(now))
        if events:
            events = [e for e in events if not isinstance(e, QueueChanged)]
            events.append(QueueChanged(self.waiting_counts()))
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
                    self._dequeue(t)
                    t.state, t.closed_at = TicketState.EXPIRED, now
                    yield TicketExpired(_copy_ticket(t))
            for w in self.windows.values():
                if w.state is not WindowState.CLOSED:
                    w.state, w.staff_id, w.current, w.pause_reason = (
                        WindowState.CLOSED,
                        None,
                        None,
                        None,
                    )
                    w.changed_at = now
                    yield WindowClosed(_copy_window(w))
            yield QueueChanged({})
        self.day = today
        self.tickets.clear()
        self.by_number.clear()
        self.by_key.clear()
        self.counters.clear()
        self._lines.clear()

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

    # -- line bookkeeping --

    def _line_keys(self, t: Ticket) -> tuple[str, Rank]:
        rank = RANK.get(t.kind, Rank.NORMAL)
        owner = f"#{t.target_window}" if t.target_window is not None else t.service
        return owner, rank

    def _enqueue(self, t: Ticket) -> None:
        key = self._line_keys(t)
        self._lines.setdefault(key, _Line()).add(t.place, t.id)

    def _dequeue(self, t: Ticket) -> None:
        if t.state is TicketState.WAITING:
            line = self._lines.get(self._line_keys(t))
            if line is not None:
                line.remove(t.place)

    def waiting_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self._services, 0)
        for (owner, _), line in self._lines.items():
            if not owner.startswith("#"):
                counts[owner] += len(line)
        return counts

    def waiting_for_window(self, number: int) -> int:
        return sum(len(line) for (owner, _), line in self._lines.items() if owner == f"#{number}")

    def _eligible(self, w: Window, service: str, rank: Rank) -> bool:
        consult_first = self._services[service].consult_first
        if w.role == "consultation":
            return rank is not Rank.SPECIAL
        if w.role == "guide":
            return False
        return rank is Rank.SPECIAL or not consult_first

    def _sources(self, w: Window, rank: Rank) -> list[_Line]:
        lines = []
        own = self._lines.get((f"#{w.number}", rank))
        if own:
            lines.append(own)
        for code in w.services:
            line = self._lines.get((code, rank))
            if line and self._eligible(w, code, rank):
                lines.append(line)
        return lines

    def next_for(self, w: Window) -> Ticket | None:
        """Who is next at `w`: special, then priority, then normal; oldest or listed first."""
        for rank in RANKS:
            lines = self._sources(w, rank)
            if not lines:
                continue
            line = lines[0] if w.order == "listed" else min(lines, key=lambda li: li.places[0])
            head = line.head()
            assert head is not None
            return self.tickets[line.ids[head]]
        return None

    def people_ahead(self, t: Ticket) -> int:
        """Waiting tickets that the hall would call before `t` in its line."""
        if t.state is not TicketState.WAITING:
            return 0
        owner, rank = self._line_keys(t)
        # A consult-first service's special tickets and its other tickets are called at
        # different windows, so neither side waits behind the other.
        split = t.target_window is None and self._services[t.service].consult_first
        ahead = 0
        for r in RANKS:
            line = self._lines.get((owner, r))
            if (
                line is None
                or r > rank
                or (split and (r is Rank.SPECIAL) != (rank is Rank.SPECIAL))
            ):
                continue
            ahead += len(line) if r < rank else line.before(t.place)
        return ahead

    def serving_windows(self, t: Ticket) -> int:
        """Open windows that could call `t`."""
        owner, rank = self._line_keys(t)
        if t.target_window is not None:
            w = self.windows.get(t.target_window)
            return int(w is not None and w.state is WindowState.OPEN)
        return sum(1 for w in self._callers(owner, rank) if w.state is WindowState.OPEN)

    def _callers(self, service: str, rank: Rank) -> list[Window]:
        """Windows that may call tickets of (service, rank): fixed by the config."""
        key = (service, rank)
        found = self._caller_cache.get(key)
        if found is None:
            found = [
                w
                for w in self.windows.values()
                if service in w.services and self._eligible(w, service, rank)
            ]
            self._caller_cache[key] = found
        return found

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
        self._enqueue(t)
        return t

    def _check_target(self, service: str | None, window: int | None) -> None:
        if service is not None:
            self.service(service)
        if window is not None:
            w = self.window(window)
            if w.role == "guide":
                raise BadCommand("window_cannot_call", window=window)

    def _IssueTicket(self, c: IssueTicket, now: dt.datetime) -> list[Event]:
        if c.idempotency_key and c.idempotency_key in self.by_key:
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
        return [TicketIssued(_copy_ticket(t), self.people_ahead(t), self.estimated_wait_s(t))]

    def _IssueSpecial(self, c: IssueSpecial, now: dt.datetime) -> list[Event]:
        source = self.ticket(c.from_ticket)
        if source.kind is TicketKind.SPECIAL:
            raise IllegalMove("already_special", ticket=source.number)
        if source.state in (TicketState.CANCELLED, TicketState.EXPIRED):
            raise IllegalMove("ticket_closed", ticket=source.number, state=source.state.value)
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
        events.append(TicketIssued(_copy_ticket(t), self.people_ahead(t), self.estimated_wait_s(t)))
        return events

    def _close_referred(self, t: Ticket, now: dt.datetime) -> list[Event]:
        """The visitor leaves consultation with a special ticket: the old one is done."""
        self._dequeue(t)
        if t.state in IN_HAND and t.window is not None:
            self.windows[t.window].current = None
        t.state, t.outcome, t.closed_at = TicketState.DONE, "referred", now
        t.finished_at = now if t.called_at else None
        if t.called_at and t.finished_at:
            self._sample(t)
        return [TicketFinished(_copy_ticket(t))]

    # -- windows --

    def _OpenWindow(self, c: OpenWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        if w.state is not WindowState.CLOSED and w.staff_id not in (None, c.staff_id):
            raise IllegalMove("window_taken", window=w.number)
        w.state, w.staff_id, w.pause_reason, w.changed_at = WindowState.OPEN, c.staff_id, None, now
        return [WindowOpened(_copy_window(w))]

    def _CloseWindow(self, c: CloseWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        events: list[Event] = []
        t = self.current(c.window)
        if t is not None and t.state is TicketState.SERVING:
            raise IllegalMove("ticket_in_service", window=w.number, ticket=t.number)
        if t is not None and t.state is TicketState.CALLED:
            t.state, t.window = TicketState.WAITING, None
            self._enqueue(t)
            events.append(TicketReinstated(_copy_ticket(t)))
        w.state, w.staff_id, w.current, w.pause_reason = WindowState.CLOSED, None, None, None
        w.changed_at = now
        events.append(WindowClosed(_copy_window(w)))
        return events

    def _PauseWindow(self, c: PauseWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        if w.state is not WindowState.OPEN:
            raise IllegalMove("window_not_open", window=w.number, state=w.state.value)
        w.state, w.pause_reason, w.changed_at = WindowState.PAUSED, c.reason or None, now
        return [WindowPaused(_copy_window(w))]

    def _ResumeWindow(self, c: ResumeWindow, now: dt.datetime) -> list[Event]:
        w = self.window(c.window)
        if w.state is not WindowState.PAUSED:
            raise IllegalMove("window_not_paused", window=w.number, state=w.state.value)
        w.state, w.pause_reason, w.changed_at = WindowState.OPEN, None, now
        return [WindowResumed(_copy_window(w))]

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
        self._dequeue(t)
        t.state, t.window, t.call_count, t.called_at = TicketState.CALLED, w.number, 1, now
        t.started_at = t.no_show_at = None
        t.staff_id = w.staff_id
        t.first_called_at = t.first_called_at or now
        w.current = t.id
        return [TicketCalled(_copy_ticket(t))]

    def _CallNext(self, c: CallNext, now: dt.datetime) -> list[Event]:
        w = self._ready_to_call(c.window)
        t = self.next_for(w)
        return [] if t is None else self._call(w, t, now)

    def _CallTicket(self, c: CallTicket, now: dt.datetime) -> list[Event]:
        w = self._ready_to_call(c.window)
        t = self.ticket(c.ticket)
        if t.state is TicketState.NO_SHOW:
            self._check_grace(t, now)
        elif t.state is not TicketState.WAITING:
            raise IllegalMove("ticket_not_waiting", ticket=t.number, state=t.state.value)
        owner, rank = self._line_keys(t)
        callable_here = t.target_window == w.number or (
            t.target_window is None and owner in w.services and self._eligible(w, owner, rank)
        )
        if not callable_here:
            raise IllegalMove("ticket_not_for_window", ticket=t.number, window=w.number)
        return self._call(w, t, now)

    def _in_hand(self, number: int, *allowed: TicketState) -> Ticket:
        t = self.current(number)
        if t is None or t.state not in allowed:
            state = t.state.value if t else None
            raise IllegalMove("no_ticket_in_hand", window=number, state=state)
        return t

    def _Recall(self, c: Recall, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c.window, TicketState.CALLED)
        if t.call_count > self.rules.recalls_before_no_show:
            raise IllegalMove("recall_limit", ticket=t.number, calls=t.call_count)
        t.call_count += 1
        return [TicketRecalled(_copy_ticket(t))]

    def _Start(self, c: Start, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c.window, TicketState.CALLED)
        t.state, t.started_at = TicketState.SERVING, now
        return [TicketStarted(_copy_ticket(t))]

    def _Finish(self, c: Finish, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c.window, TicketState.CALLED, TicketState.SERVING)
        t.state, t.finished_at, t.closed_at = TicketState.DONE, now, now
        t.outcome = t.outcome or "served"
        self.windows[c.window].current = None
        self._sample(t)
        return [TicketFinished(_copy_ticket(t))]

    def _MarkNoShow(self, c: MarkNoShow, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c.window, TicketState.CALLED)
        if t.call_count <= self.rules.recalls_before_no_show:
            left = self.rules.recalls_before_no_show - t.call_count + 1
            raise IllegalMove("recalls_left", ticket=t.number, recalls_left=left)
        t.state, t.no_show_at = TicketState.NO_SHOW, now
        self.windows[c.window].current = None
        return [TicketNoShow(_copy_ticket(t))]

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
        self._enqueue(t)
        return old

    def _Transfer(self, c: Transfer, now: dt.datetime) -> list[Event]:
        t = self._in_hand(c.window, TicketState.CALLED, TicketState.SERVING)
        if c.target_window == c.window:
            raise BadCommand("transfer_to_self", window=c.window)
        old_service, old_window = self._move(t, c.service, c.target_window)
        self.windows[c.window].current = None
        return [TicketTransferred(_copy_ticket(t), old_service, old_window)]

    def _Reassign(self, c: Reassign, now: dt.datetime) -> list[Event]:
        t = self.ticket(c.ticket)
        if t.state is not TicketState.WAITING:
            raise IllegalMove("ticket_not_waiting", ticket=t.number, state=t.state.value)
        self._dequeue(t)
        old_service, _ = self._move(t, c.service, c.target_window)
        return [TicketTransferred(_copy_ticket(t), old_service, None)]

    def _CancelTicket(self, c: CancelTicket, now: dt.datetime) -> list[Event]:
        t = self.ticket(c.ticket)
        if t.state not in OPEN_STATES:
            raise IllegalMove("ticket_closed", ticket=t.number, state=t.state.value)
        self._dequeue(t)
        if t.state in IN_HAND and t.window is not None:
            self.windows[t.window].current = None
        t.state, t.closed_at = TicketState.CANCELLED, now
        return [TicketCancelled(_copy_ticket(t))]

    def _check_grace(self, t: Ticket, now: dt.datetime) -> None:
        assert t.no_show_at is not None
        if now - t.no_show_at > self.rules.no_show_grace:
            raise IllegalMove("grace_expired", ticket=t.number)

    def _Reinstate(self, c: Reinstate, now: dt.datetime) -> list[Event]:
        t = self.ticket(c.ticket)
        if t.state is not TicketState.NO_SHOW:
            raise IllegalMove("ticket_not_no_show", ticket=t.number, state=t.state.value)
        self._check_grace(t, now)
        t.state, t.window, t.call_count, t.no_show_at = TicketState.WAITING, None, 0, None
        t.called_at = None
        self._enqueue(t)
        return [TicketReinstated(_copy_ticket(t))]
