"""A simulated run: sign in, play each working day through the public API, sign out.

Day by day: the hall's clock is set to 08:00 (the server closes the day before and
ends its sessions), the supervisor and the guide desk sign in, the windows sign in
just before 08:30, visitors arrive along the day's curve, and the engine plays every
step until nobody is left; then the windows sign out. Cases decided, visitors coming
back and results collected on a later day are carried over.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from onewindow import protocol as p
from onewindow.client import ApiFailure, HallClient, Unreachable
from onewindow.config import Config
from onewindow_cli.simulator import backoffice, figures, layout, model, truth, visitors
from onewindow_cli.simulator.desk import DeskActor
from onewindow_cli.simulator.engine import Actor, Engine
from onewindow_cli.simulator.progress import Progress
from onewindow_cli.simulator.world import Clients, Visit, World

DAY_BEGINS = dt.time(8, 0)
LEFT_OPEN = ("waiting", "called", "serving")


class SimulationError(Exception):
    """Why the simulation cannot go on, as a locale key (`simulator.<key>`) and values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Options:
    server: str
    config: Config
    config_path: str
    visitors: int = 1000
    windows: int | None = None
    seed: str = "1"
    days: int = 1
    start: dt.date | None = None
    speed: float | None = None
    tick_s: int = 10
    live: bool = False
    pin: str = "1234"
    language: str = "zh"
    skip: tuple[int, ...] = ()


class Simulation:
    def __init__(self, opts: Options, progress: Progress) -> None:
        self.opts = opts
        self.progress = progress
        url, cfg = opts.server, opts.config
        kiosk = next((d.token for d in cfg.devices if d.role == "kiosk"), None)
        if kiosk is None:
            raise SimulationError("no_kiosk")
        self.kiosk = HallClient(url, kiosk, timeout_s=30)
        self.supervisor = HallClient(url, timeout_s=30)
        self.engine = Engine(
            opts.tick_s, None if opts.live else self._set_clock, opts.speed, self._after_batch
        )
        self.desks: list[DeskActor] = []
        self.world: World | None = None
        self.guide: layout.WindowShape | None = None
        self.day_actor = Actor("day")

    async def _set_clock(self, epoch: int) -> None:
        assert self.world is not None
        await self.supervisor.set_clock(self.world.when(epoch))

    async def _login(self, client: HallClient, staff_id: str, window: int | None) -> None:
        try:
            await client.login(staff_id, self.opts.pin, window)
        except ApiFailure as e:
            if e.code in ("bad_credentials", "account_disabled"):
                raise SimulationError("staff_missing", staff=staff_id) from None
            raise SimulationError("refused", what=f"login {staff_id}", message=e.message) from None

    # -- setting up --

    async def _hall(self) -> tuple[World, list[dt.date]]:
        opts, cfg = self.opts, self.opts.config
        await self._login(self.supervisor, layout.SUPERVISOR_ID, None)
        clock = await self.supervisor.clock()
        if not opts.live and not clock.simulated:
            raise SimulationError("not_simulated")
        state = await self.kiosk.state()
        catalogue = await self.kiosk.catalogue()
        modes = {s.code: s.mode for s in state.services}
        consult_first = frozenset(c for c, m in modes.items() if m == "consult_first")
        calling, guide, codes = self._windows(state, modes, consult_first)
        desks = layout.desks(calling, consult_first)
        evaluators = {
            d.window: HallClient(opts.server, d.token, timeout_s=30)
            for d in cfg.devices
            if d.role == "evaluator" and d.window in {w.number for w in calling}
        }
        guide_client = HallClient(opts.server, timeout_s=30) if guide else self.supervisor
        desk_clients = {d.number: HallClient(opts.server, timeout_s=30) for d in desks}
        clients = Clients(self.kiosk, self.supervisor, guide_client, desk_clients, evaluators)
        mix = model.ServiceMix.of(codes, modes, catalogue)
        world = World(opts.seed, cfg, self.engine, clients, desks, mix, opts.live, opts.language)
        self.guide = guide
        self.desks = [DeskActor(world, d, opts.pin, opts.language) for d in desks]
        return world, self._days(world, clock)

    def _windows(
        self, state: p.StateSnapshot, modes: Mapping[str, str], consult_first: frozenset[str]
    ) -> tuple[list[layout.WindowShape], layout.WindowShape | None, list[str]]:
        """(calling windows, the guide desk if staffed, the services they can serve)."""
        opts = self.opts
        # Live, a window someone else has open is theirs; one of our own clerks holds
        # only after an earlier run that could not sign out, and is taken over.
        shapes = [
            layout.WindowShape(w.number, w.role, tuple(w.services))
            for w in state.windows
            if w.number not in opts.skip
            and not (opts.live and w.state != "closed" and w.staff_id != layout.staff_id(w.number))
        ]
        count = opts.windows or len(shapes)
        if count > len(shapes):
            raise SimulationError("too_many_windows", asked=count, have=len(shapes))
        everywhere = {line for w in shapes for line in layout.desk_lines(w, consult_first)}
        codes = [c for c in modes if c in everywhere]
        try:
            chosen = layout.choose(shapes, count, codes, consult_first)
        except layout.LayoutError as e:
            raise SimulationError(e.key, **e.values) from None
        calling = [w for w in chosen if w.role in layout.CALLING_ROLES]
        if not calling or not codes:
            raise SimulationError("no_windows")
        return calling, next((w for w in chosen if w.role == "guide"), None), codes

    def _days(self, world: World, clock: p.ClockView) -> list[dt.date]:
        today = world.business_day(int(clock.now.timestamp()))
        start = self.opts.start or (
            today if self.opts.live else world.calendar.add_workdays(today, 1)
        )
        if not self.opts.live and start <= today:
            raise SimulationError("clock_ahead", now=clock.now.astimezone(world.tz).isoformat())
        days = [start]
        while len(days) < self.opts.days:
            days.append(world.calendar.add_workdays(days[-1], 1))
        return days

    # -- the run --

    async def run(self) -> truth.Truth:
        try:
            world, days = await self._hall()
            self.world = world
            world.last_day = days[-1]
            for index, day in enumerate(days, start=1):
                self.progress.day(index, len(days), day.isoformat())
                await self._day(world, day)
            self.progress.end_line()
            await self.supervisor.logout()
            return self._truth(world, days)
        except Unreachable as e:
            raise SimulationError("unreachable", server=self.opts.server, reason=str(e)) from None
        except ApiFailure as e:  # e.g. a kiosk token the server does not know
            raise SimulationError("refused", what=e.code, message=e.message) from None
        finally:
            await self._close()

    async def _day(self, world: World, day: dt.date) -> None:
        world.day = day
        world.day_ends = world.at(day, dt.time(23, 0))
        begins = world.at(day, DAY_BEGINS)
        self.engine.new_day()
        if not self.opts.live:
            await self._set_clock(begins)
            for rec in world.tickets:  # what the day before left open expired at the rollover
                if rec.state in LEFT_OPEN:
                    rec.state, rec.closed_at = "expired", begins
            await self._login(self.supervisor, layout.SUPERVISOR_ID, None)
        if self.guide is not None:
            await self._login(
                world.clients.guide, layout.staff_id(self.guide.number), self.guide.number
            )
        n = self.opts.visitors
        plans = model.plan_day(
            world.seed, day, world.tz, n, world.mix, world.config.kiosk.allow_priority
        )
        visits = [Visit(v, "new") for v in plans] + world.later.pop(day, [])
        visits.sort(key=lambda v: (v.plan.arrives, v.key))
        opens = world.at(day, model.WINDOWS_OPEN)
        if self.opts.live and visits:  # a demo wants calls at once, not a quiet half hour
            opens = visits[0].plan.arrives + 60
        for desk in self.desks:
            desk.plan_day(day, opens)
        backoffice.collect(world, visits)
        for visit in visits:
            visitors.schedule_arrival(world, self.day_actor, visit)
        for when, by, keys, step in world.tasks.pop(day, []):
            self.engine.schedule(when, by, keys, step)
        await self.engine.run()
        self._after_batch(self.engine.active, force=True)
        if not self.opts.live:
            await self._set_clock(self.engine.active + 60)
        await asyncio.gather(*(d.sign_out() for d in self.desks))
        if self.guide is not None:
            await world.attempt("logout guide", world.clients.guide.logout())
            world.clients.guide.token = None

    def _after_batch(self, t: int, force: bool = False) -> None:
        world = self.world
        if world is None:
            return
        dispatch(world, self.desks, t)
        self.progress.update(
            world.when(t).strftime("%H:%M"),
            len(world.tickets),
            world.served,
            sum(world.waiting.values()),
            force,
        )

    def _truth(self, world: World, days: list[dt.date]) -> truth.Truth:
        tickets = sorted(world.tickets, key=lambda r: (r.day, r.issued_at, r.number))
        cases = sorted(world.cases, key=lambda c: c.key)
        ratings = sorted(world.ratings, key=lambda r: (r.day, r.ticket))
        result = figures.compute(
            tickets, cases, ratings, days[0], days[-1], world.tz, world.business_day
        )
        windows = [d.desk.number for d in self.desks] + ([self.guide.number] if self.guide else [])
        return truth.Truth(
            seed=self.opts.seed,
            config=self.opts.config_path,
            days=[d.isoformat() for d in days],
            visitors_per_day=self.opts.visitors,
            windows=sorted(windows),
            tick_s=self.opts.tick_s,
            timezone=world.config.hall.timezone,
            tickets=tickets,
            cases=cases,
            ratings=ratings,
            figures=result,
            refused=world.refused + world.mismatches,
        )

    async def _close(self) -> None:
        """Leave the hall tidy even when stopped half-way (Ctrl+C in live mode)."""
        world = self.world
        if world is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._sign_out_all(world), 10)
            for client in world.clients.all():
                await client.close()
        await self.kiosk.close()
        await self.supervisor.close()

    async def _sign_out_all(self, world: World) -> None:
        async def leave(desk: DeskActor) -> None:
            if desk.state == "closed":
                return
            if desk.ticket is not None and desk.ticket.state == "serving":
                await world.attempt("finish", desk.client.window_action(desk.desk.number, "finish"))
            await desk.sign_out()

        await asyncio.gather(*(leave(d) for d in self.desks), return_exceptions=True)
        if self.guide is not None and world.clients.guide.token:
            await world.attempt("logout guide", world.clients.guide.logout())


def dispatch(world: World, desks: list[DeskActor], t: int) -> None:
    """Wake idle windows for what is waiting: at most one window per waiting ticket."""
    idle = [d for d in desks if d.state == "idle"]
    if not idle or not any(c > 0 for c in world.waiting.values()):
        return
    free = {line: c for line, c in world.waiting.items() if c > 0}
    for desk in sorted(idle, key=lambda d: (d.idle_since, d.desk.number)):
        line = next((x for x in desk.desk.lines if free.get(x, 0) > 0), None)
        if line is not None:
            free[line] -= 1
            desk.wake(t)
