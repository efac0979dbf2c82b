"""What the simulation knows while it runs: clients, visits, records and waiting lines."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from onewindow import protocol as p
from onewindow.client import ApiFailure, HallClient
from onewindow.config import Config
from onewindow.workdays import WorkCalendar
from onewindow_cli.simulator.engine import Actor, Engine, Step
from onewindow_cli.simulator.layout import Desk, line_of
from onewindow_cli.simulator.model import ServiceMix, Visitor
from onewindow_cli.simulator.records import CaseRecord, RatingRecord, TicketRecord

T = TypeVar("T")


@dataclass
class Visit:
    """One trip of a visitor to the hall, from ticket to leaving."""

    plan: Visitor
    purpose: str  # new | materials | again | pickup | requeue
    case: CaseRecord | None = None
    ticket: TicketRecord | None = None
    missing: tuple[str, ...] = ()
    always_present: bool = False  # back at the desk with a special or reinstated ticket
    actor: Actor = field(init=False)

    def __post_init__(self) -> None:
        self.actor = Actor(f"v{self.plan.key}")

    @property
    def key(self) -> str:
        return self.plan.key

    def present(self, at: int) -> bool:
        return self.always_present or self.plan.present(at)


@dataclass
class Clients:
    kiosk: HallClient
    supervisor: HallClient
    guide: HallClient  # the guide desk's clerk, or the supervisor when there is none
    desks: dict[int, HallClient]
    evaluators: dict[int, HallClient]

    def all(self) -> list[HallClient]:
        unique = {id(c): c for c in (self.kiosk, self.supervisor, self.guide)}
        for c in [*self.desks.values(), *self.evaluators.values()]:
            unique[id(c)] = c
        return list(unique.values())


class World:
    def __init__(
        self,
        seed: str,
        config: Config,
        engine: Engine,
        clients: Clients,
        desks: list[Desk],
        mix: ServiceMix,
        live: bool,
        language: str = "zh",
    ) -> None:
        self.seed = seed
        self.language = language
        self.config = config
        self.tz = config.hall.tz
        self.calendar = WorkCalendar(config.holidays, config.workdays)
        self.recalls = config.calling.recalls_before_no_show
        self.grace_s = int(config.calling.no_show_grace_minutes * 60)
        self.engine = engine
        self.clients = clients
        self.desks = desks
        self.mix = mix
        self.live = live
        self.consult_first = frozenset(c for c, m in mix.modes.items() if m == "consult_first")
        self.tickets: list[TicketRecord] = []
        self.by_id: dict[str, TicketRecord] = {}
        self.visit_of: dict[str, Visit] = {}  # ticket id -> visit
        self.cases: list[CaseRecord] = []
        self.ratings: list[RatingRecord] = []
        self.waiting: Counter[str] = Counter()
        self.served = 0  # tickets done, for the progress line
        self.refused: list[str] = []
        self.mismatches: list[str] = []
        self.later: dict[dt.date, list[Visit]] = {}  # trips back on a later day
        self.tasks: dict[dt.date, list[tuple[int, Actor, frozenset[str], Step]]] = {}
        self.pickups: list[tuple[dt.date, CaseRecord]] = []  # decided, to be collected
        self.day = dt.date.min
        self.last_day = dt.date.min
        self.day_ends = 0  # epoch seconds: nothing of today may happen after this

    # -- time --

    def at(self, day: dt.date, clock: dt.time) -> int:
        return int(dt.datetime.combine(day, clock, self.tz).timestamp())

    def when(self, epoch: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(epoch, self.tz)

    def business_day(self, epoch: int) -> dt.date:
        start = self.config.hall.day_starts_at
        shift = dt.timedelta(hours=start.hour, minutes=start.minute)
        return (self.when(epoch) - shift).date()

    def task(self, when: int, by: Actor, keys: set[str], step: Step) -> None:
        """A step on this or a later simulated day (dropped after the last one)."""
        day = self.business_day(when)
        if day == self.day:
            self.engine.schedule(when, by, keys, step)
        elif self.day < day <= self.last_day:
            self.tasks.setdefault(day, []).append((when, by, frozenset(keys), step))

    # -- requests --

    async def attempt(self, what: str, call: Awaitable[T]) -> T | None:
        """A request the simulation expects to succeed; a refusal is noted, not raised."""
        try:
            return await call
        except ApiFailure as e:
            self.refused.append(f"{what}: {e.status} {e.code}: {e.message}")
            return None

    def check_time(self, what: str, stamped: dt.datetime | None, expected: int) -> None:
        """With a simulated clock the server must have stamped exactly our instant."""
        if self.live or stamped is None:
            return
        if int(stamped.timestamp()) != expected:
            self.mismatches.append(f"{what}: {stamped.isoformat()} != {self.when(expected)}")

    # -- tickets and lines --

    def line(self, rec: TicketRecord) -> str:
        return line_of(rec.service, rec.kind == "special", rec.target_window)

    def issued(self, view: p.TicketView, visit: Visit, at: int) -> TicketRecord:
        self.check_time(f"issue {view.number}", view.issued_at, at)
        rec = TicketRecord(
            number=view.number,
            day=self.business_day(at).isoformat(),
            service=view.service,
            first_service=view.service,
            kind=view.kind,
            channel=view.channel,
            visitor=visit.key,
            visitor_item=visit.plan.item.code if visit.plan.item else None,
            issued_at=at,
            target_window=view.target_window,
            id=view.id,
        )
        self.tickets.append(rec)
        self.by_id[view.id] = rec
        self.visit_of[view.id] = visit
        visit.ticket = rec
        self.waiting[self.line(rec)] += 1
        return rec

    def leaves_line(self, rec: TicketRecord) -> None:
        self.waiting[self.line(rec)] -= 1

    def joins_line(self, rec: TicketRecord) -> None:
        rec.state = "waiting"
        self.waiting[self.line(rec)] += 1

    def case_of(self, rec: TicketRecord) -> CaseRecord | None:
        """The latest case linked to the ticket: the one its rating is counted under."""
        visit = self.visit_of.get(rec.id)
        case = visit.case if visit else None
        return case if case is not None and case.ticket_id == rec.id else None
