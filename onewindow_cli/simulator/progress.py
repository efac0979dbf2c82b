"""One line of progress in the terminal: the simulated day, its clock, and the counts."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from onewindow import i18n


class Progress:
    """Rewrites one line on a terminal; elsewhere prints a line per simulated hour."""

    def __init__(
        self, language: str = "zh", out: TextIO | None = None, quiet: bool = False
    ) -> None:
        self.language = language
        self.out = out or sys.stderr
        self.quiet = quiet
        self.tty = self.out.isatty()
        self.started = time.monotonic()
        self._last = 0.0
        self._hour = ""
        self.label = ""

    def text(self, key: str, **values: object) -> str:
        return i18n.text(f"simulator.{key}", self.language, **values)

    def say(self, key: str, **values: object) -> None:
        if self.quiet:
            return
        if self.tty:
            self.out.write("\r\033[K")
        print(self.text(key, **values), file=self.out, flush=True)

    def day(self, index: int, count: int, day: str) -> None:
        self.label = self.text("day", index=index, count=count, day=day)

    def update(
        self, clock: str, issued: int, served: int, waiting: int, force: bool = False
    ) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        hour = clock[:2]
        if self.tty and (force or now - self._last > 0.2):
            line = self._line(clock, issued, served, waiting, now)
            self.out.write("\r\033[K" + line)
            self.out.flush()
            self._last = now
        elif not self.tty and (force or hour != self._hour):
            print(self._line(clock, issued, served, waiting, now), file=self.out, flush=True)
        self._hour = hour

    def _line(self, clock: str, issued: int, served: int, waiting: int, now: float) -> str:
        return self.text(
            "progress",
            label=self.label,
            clock=clock,
            issued=issued,
            served=served,
            waiting=waiting,
            elapsed=round(now - self.started),
        )

    def end_line(self) -> None:
        if self.tty and not self.quiet:
            self.out.write("\n")
            self.out.flush()
