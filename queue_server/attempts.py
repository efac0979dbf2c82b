"""Wrong attempts counted per caller over a sliding window, exact under parallel requests.

A caller's attempt takes its place in the count *before* anything is awaited, in one
synchronous step of the event loop: requests that overlap can never all read the count
as under the limit and then all go ahead. An attempt that turns out right gives its
place back, so only wrong ones use up the allowance.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attempt:
    caller: str
    at: float


class AttemptLimit:
    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._counted: dict[str, deque[float]] = {}
        self._next_sweep = clock() + window_s

    def take(self, caller: str, limit: int) -> Attempt | None:
        """A counted place for one more attempt, or None when `caller` has used `limit`."""
        now = self._clock()
        self._sweep(now)
        counted = self._counted.setdefault(caller, deque())
        _forget_before(counted, now - self.window_s)
        if len(counted) >= limit:
            return None
        counted.append(now)
        return Attempt(caller, now)

    def give_back(self, attempt: Attempt) -> None:
        """The attempt was right (or never checked): it does not count against the caller."""
        counted = self._counted.get(attempt.caller)
        if counted is None:
            return
        with contextlib.suppress(ValueError):  # already out of the window
            counted.remove(attempt.at)
        if not counted:
            del self._counted[attempt.caller]

    def _sweep(self, now: float) -> None:
        # Callers seen once and never again would otherwise stay in memory for good.
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window_s
        horizon = now - self.window_s
        for caller in [
            c for c, counted in self._counted.items() if not counted or counted[-1] < horizon
        ]:
            del self._counted[caller]


def _forget_before(counted: deque[float], horizon: float) -> None:
    while counted and counted[0] < horizon:
        counted.popleft()
