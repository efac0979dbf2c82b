"""A discrete-event engine that keeps many requests in flight and still replays exactly.

Steps are scheduled at whole seconds, rounded up to the tick (`tick_s`). All steps due
at one instant form a batch: the hall's clock is set to that instant once (lazily, by the
first step that sends a request, so a batch of no-ops costs nothing), then the batch runs
concurrently, except that a step waits for every earlier step of the batch that shares
one of its keys. Keys name what a step may change or read — a waiting line, the place
counter, a window, a visitor — so the server applies conflicting requests in the same
order every run, and steps with nothing in common run side by side.
"Earlier" is the step's `order`: the name and counter of the actor that scheduled it,
which never depends on which request happened to finish first.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

Step = Callable[[int], Awaitable[None]]


class Actor:
    """Anything that schedules steps: its name and own counter give their order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def order(self) -> tuple[str, int]:
        self.count += 1
        return (self.name, self.count)


@dataclass(order=True)
class _Entry:
    at: int
    order: tuple[str, int]
    keys: frozenset[str] = field(compare=False)
    step: Step = field(compare=False)


class Engine:
    def __init__(
        self,
        tick_s: int = 1,
        set_clock: Callable[[int], Awaitable[None]] | None = None,
        speed: float | None = None,
        after_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.tick_s = max(1, tick_s)
        self._set_clock = set_clock
        self.speed = speed
        self.after_batch = after_batch
        self.now = 0
        self._heap: list[_Entry] = []
        self._clock_task: asyncio.Future[None] | None = None
        self._clock_at = -1
        self._pace_origin: tuple[int, float] | None = None
        self.active = 0  # the last instant at which a request was sent

    def schedule(self, at: int, by: Actor, keys: Iterable[str], step: Step) -> int:
        """Run `step` at `at` (rounded up to the tick, and never before the next one)."""
        at = -(-at // self.tick_s) * self.tick_s
        if self.now and at <= self.now:
            at = self.now + self.tick_s
        heapq.heappush(self._heap, _Entry(at, by.order(), frozenset(keys), step))
        return at

    def new_day(self) -> None:
        """Pacing starts afresh each day: the night is not waited out in real time."""
        self._pace_origin = None
        self._clock_at = -1

    async def clock(self) -> None:
        """Before a step's first request: the hall's clock reads the batch's instant."""
        self.active = self.now
        if self._set_clock is None or self._clock_at == self.now:
            return
        if self._clock_task is None:
            self._clock_task = asyncio.ensure_future(self._set_clock(self.now))
        await self._clock_task
        self._clock_at = self.now

    async def run(self) -> None:
        """Run batches until nothing is scheduled."""
        while self._heap:
            at = self._heap[0].at
            batch = []
            while self._heap and self._heap[0].at == at:
                batch.append(heapq.heappop(self._heap))
            await self._pace(at)
            self.now = at
            self._clock_task = None
            await self._run_batch(batch)
            if self.after_batch is not None:
                self.after_batch(at)

    async def _pace(self, at: int) -> None:
        """With a speed, simulated time runs `speed` times as fast as real time."""
        if self.speed is None:
            return
        if self._pace_origin is None:
            self._pace_origin = (at, time.monotonic())
        start, real = self._pace_origin
        delay = real + (at - start) / self.speed - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _run_batch(self, batch: list[_Entry]) -> None:
        last: dict[str, asyncio.Future[None]] = {}
        tasks = []
        for entry in batch:
            deps = {last[k] for k in entry.keys if k in last}
            task = asyncio.ensure_future(self._after(deps, entry))
            for k in entry.keys:
                last[k] = task
            tasks.append(task)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                raise r

    @staticmethod
    async def _after(deps: set[asyncio.Future[None]], entry: _Entry) -> None:
        if deps:
            await asyncio.wait(deps)
        await entry.step(entry.at)
