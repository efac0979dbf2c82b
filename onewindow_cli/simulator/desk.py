"""A clerk at a window: sign in, call, recall, start, serve, transfer, pause, finish.

Each step holds its window's key, and the line keys of the window whenever it may call
the next ticket, so two windows that share a line never call at the same instant.
"""

from __future__ import annotations

import datetime as dt

from onewindow import i18n
from onewindow import protocol as p
from onewindow_cli.simulator import casework, model, visitors
from onewindow_cli.simulator.engine import Actor, Step
from onewindow_cli.simulator.layout import Desk
from onewindow_cli.simulator.model import draw
from onewindow_cli.simulator.records import TicketRecord
from onewindow_cli.simulator.world import Visit, World

LUNCH_STARTS = (dt.time(11, 45), dt.time(12, 30))  # two shifts: the hall never closes at noon
LUNCH_S = 40 * 60


class DeskActor:
    def __init__(self, world: World, desk: Desk, pin: str, language: str) -> None:
        self.w = world
        self.desk = desk
        self.pin = pin
        self.language = language
        self.actor = Actor(f"w{desk.number:04d}")
        self.client = world.clients.desks[desk.number]
        self.evaluator = world.clients.evaluators.get(desk.number)
        self.state = "closed"  # closed | idle | waking | busy | paused
        self.idle_since = 0
        self.ticket: TicketRecord | None = None
        self.breaks: list[tuple[int, int, str]] = []
        self.own = frozenset({f"win:{desk.number}"})
        self.calling = self.own | {f"line:{line}" for line in desk.lines}
        special_lines = {f"line:{c}*" for c in desk.services}
        # Finishing may number a case, or (at consultation) issue a special ticket.
        self.finishing = (
            self.calling
            | {"case_no"}
            | ({"place"} | special_lines if desk.role == "consultation" else set())
        )

    def at(self, when: int, keys: frozenset[str] | set[str], step: Step) -> None:
        self.w.engine.schedule(when, self.actor, keys, step)

    # -- the day --

    def plan_day(self, day: dt.date, opens: int) -> None:
        rng = draw(self.w.seed, day, self.actor.name, "day")
        lunch = LUNCH_STARTS[self.desk.number % 2]
        self.breaks = [(self.w.at(day, lunch), LUNCH_S, "simulator.pause_lunch")]
        if rng.random() < 0.5:
            start = self.w.at(day, dt.time(14, 30)) + int(rng.uniform(0, 90 * 60))
            self.breaks.append((start, 10 * 60, "simulator.pause_break"))
        early = (5, 30) if self.w.live else (60, 600)  # seconds before the windows open
        self.at(opens - int(rng.uniform(*early)), self.own, self.sign_in)
        self._opens = opens

    async def sign_in(self, t: int) -> None:
        await self.w.engine.clock()
        login = self.client.login(self.desk.staff_id, self.pin, self.desk.number)
        if await self.w.attempt(f"login {self.desk.staff_id}", login) is None:
            return
        if self.w.live:
            await self._finish_leftover()
        self.state = "waking"
        self.at(self._opens + self._reaction(t), self.calling, self.call_next)

    async def _finish_leftover(self) -> None:
        """A ticket an earlier run left in this window's hands (it was stopped hard)."""
        n = self.desk.number
        window = await self.client.request("GET", f"/api/windows/{n}", p.WindowView)
        if window is not None and window.current is not None:
            await self.w.attempt(
                f"finish {window.current.number}", self.client.window_action(n, "finish")
            )

    async def sign_out(self) -> None:
        if self.state != "closed":
            await self.w.attempt(f"logout {self.desk.staff_id}", self.client.logout())
            self.state = "closed"

    def _reaction(self, t: int) -> int:
        return int(draw(self.w.seed, self.actor.name, t, "react").uniform(3, 12))

    def wake(self, t: int) -> None:
        """Something this window may call is waiting (see `run.dispatch`)."""
        self.state = "waking"
        self.at(t + self._reaction(t), self.calling, self.call_next)

    # -- calling --

    async def call_next(self, t: int) -> None:
        if self._take_break(t):
            await self._pause(t)
            return
        await self.w.engine.clock()
        refusals = len(self.w.refused)
        view = await self.w.attempt(
            f"call-next {self.desk.number}", self.client.call_next(self.desk.number)
        )
        if view is None:
            self.state, self.idle_since = "idle", t
            if len(self.w.refused) == refusals:
                self._nothing_waits()
            return
        self.state = "busy"
        rec = self.w.by_id.get(view.id) or visitors.adopt(self.w, view, t)
        self.w.leaves_line(rec)
        rec.state, rec.window, rec.staff_id = "called", self.desk.number, self.desk.staff_id
        rec.call_count, rec.called_at, rec.started_at = 1, t, None
        rec.first_called_at = rec.first_called_at or t
        self.w.check_time(f"call {rec.number}", view.called_at, t)
        self.ticket = rec
        self._await_visitor(t)

    def _nothing_waits(self) -> None:
        """The server had nothing for this window, so none of its lines holds a ticket.

        With a simulated clock our count must agree. Beside a live hall a person may
        have called one of our tickets at their own window: forget it, or idle windows
        would be woken for it again and again.
        """
        for line in self.desk.lines:
            if self.w.waiting[line] > 0:
                if not self.w.live:
                    self.w.mismatches.append(f"window {self.desk.number}: {line} not empty")
                self.w.waiting[line] = 0

    def _await_visitor(self, t: int) -> None:
        rec = self._held()
        visit = self.w.visit_of[rec.id]
        if visit.present(t):
            walk = int(
                draw(self.w.seed, visit.key, rec.number, rec.call_count, "walk").uniform(15, 75)
            )
            self.at(t + walk, self.own, self.start)
        else:
            gap = int(draw(self.w.seed, self.actor.name, t, "recall").uniform(30, 50))
            self.at(t + gap, self.calling, self.recall)

    def _held(self) -> TicketRecord:
        assert self.ticket is not None
        return self.ticket

    async def recall(self, t: int) -> None:
        rec = self._held()
        visit = self.w.visit_of[rec.id]
        if visit.present(t):
            self._await_visitor(t)
            return
        await self.w.engine.clock()
        n = self.desk.number
        if rec.call_count <= self.w.recalls:
            if await self.w.attempt(f"recall {rec.number}", self.client.window_action(n, "recall")):
                rec.call_count += 1
            self._await_visitor(t)
            return
        if await self.w.attempt(f"no-show {rec.number}", self.client.window_action(n, "no-show")):
            rec.state, rec.no_show_at = "no_show", t
            visitors.plan_comeback(self.w, self.actor, visit, rec, t)
        self.ticket = None
        await self.after_ticket(t)

    async def start(self, t: int) -> None:
        rec = self._held()
        visit = self.w.visit_of[rec.id]
        skip = (
            rec.call_count == 1
            and draw(self.w.seed, visit.key, rec.number, rec.transfers, "skip").random()
            < model.SKIPS_START
        )
        if not skip:
            await self.w.engine.clock()
            view = await self.w.attempt(
                f"start {rec.number}", self.client.window_action(self.desk.number, "start")
            )
            if view is not None:
                rec.state, rec.started_at = "serving", t
                self.w.check_time(f"start {rec.number}", view.started_at, t)
        rng = draw(self.w.seed, visit.key, rec.number, rec.transfers, "desk")
        target = self._transfer_target(rec, visit, rng.random())
        if target is not None:
            self.at(
                t + int(rng.uniform(30, 90)),
                self.calling | {f"line:{target[2]}"},
                lambda now: self.transfer(now, target[0], target[1]),
            )
            return
        stage = (
            "consult" if self.desk.role == "consultation" and rec.kind != "special" else "accept"
        )
        seconds = model.service_seconds(
            self.w.seed, visit.plan.item, rec.service, stage, f"{visit.key}/{rec.number}"
        )
        self.at(t + seconds, self.finishing, self.serve_end)

    def _transfer_target(
        self, rec: TicketRecord, visit: Visit, u: float
    ) -> tuple[str | None, int | None, str] | None:
        """(service, window, line) when this ticket is sent elsewhere."""
        if rec.kind != "special" and rec.service != visit.plan.service and rec.transfers == 0:
            return visit.plan.service, None, visit.plan.service
        if rec.kind == "special" and rec.target_window is None and u < model.TO_SPECIALIST:
            specialist = next(
                (
                    d
                    for d in self.w.desks
                    if d.role == "specialist" and rec.service in d.services and d is not self.desk
                ),
                None,
            )
            if specialist is not None:
                return None, specialist.number, f"#{specialist.number}"
        return None

    async def transfer(self, t: int, service: str | None, window: int | None) -> None:
        rec = self._held()
        await self.w.engine.clock()
        body = p.TransferRequest(service=service, window=window)
        view = await self.w.attempt(
            f"transfer {rec.number}", self.client.window_action(self.desk.number, "transfer", body)
        )
        if view is not None:
            rec.service, rec.target_window = view.service, view.target_window
            rec.window, rec.call_count, rec.called_at, rec.started_at = None, 0, None, None
            rec.transfers += 1
            self.w.joins_line(rec)
            self.w.visit_of[rec.id].always_present = True
        self.ticket = None
        await self.after_ticket(t)

    # -- finishing --

    async def serve_end(self, t: int) -> None:
        rec = self._held()
        visit = self.w.visit_of[rec.id]
        await self.w.engine.clock()
        await casework.serve(self.w, self, rec, visit, t)
        if rec.state != "done":
            view = await self.w.attempt(
                f"finish {rec.number}", self.client.window_action(self.desk.number, "finish")
            )
            if view is not None:
                rec.state, rec.outcome, rec.finished_at, rec.closed_at = "done", "served", t, t
                self.w.served += 1
                self.w.check_time(f"finish {rec.number}", view.finished_at, t)
                await visitors.after_service(self.w, self, visit, rec, t)
        self.ticket = None
        await self.after_ticket(t)

    async def after_ticket(self, t: int) -> None:
        if self._take_break(t):
            await self._pause(t)
        else:
            await self.call_next(t)

    def _take_break(self, t: int) -> bool:
        return bool(self.breaks) and self.breaks[0][0] <= t

    async def _pause(self, t: int) -> None:
        _, seconds, reason = self.breaks.pop(0)
        text = i18n.text(reason, self.language)
        await self.w.engine.clock()
        if await self.w.attempt(
            f"pause {self.desk.number}", self.client.pause(self.desk.number, text)
        ):
            self.state = "paused"
            self.at(t + seconds, self.calling, self.resume)
        else:
            self.state, self.idle_since = "idle", t

    async def resume(self, t: int) -> None:
        await self.w.engine.clock()
        await self.w.attempt(f"resume {self.desk.number}", self.client.resume(self.desk.number))
        self.state = "busy"
        await self.call_next(t)
