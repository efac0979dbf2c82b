"""A terminal screen: follows the hall by `seq`, draws the board, reads calls aloud.

`EventStream` resumes with `since` after every drop; the board applies each message
once, in order; `/api/state` is re-read on a slow timer and after a gap as a safety
net. Every call the board reports is kept in `calls` (each once, in order), drawn,
printed (in `--plain` mode) and queued for the voice if it is fresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
import time
from dataclasses import dataclass
from typing import TextIO

from display.board import Board
from display.voice import VoiceQueue
from onewindow import protocol as p
from onewindow.client import ApiFailure, EventStream, HallClient, Link, Unreachable
from onewindow.i18n import text

# A call missed while the screen was away is still read out if it is this recent.
ANNOUNCE_MAX_AGE_S = 120.0
FLASH_S = 8.0
ALTERNATE_S = 10


@dataclass(frozen=True)
class ScreenOptions:
    server: str
    token: str
    window: int | None = None
    lang: str | None = None  # None: the hall's [display].language
    voice_command: str = ""
    refresh_s: float = 60.0


class TerminalScreen:
    def __init__(self, options: ScreenOptions) -> None:
        self.options = options
        self.board = Board()
        self.calls: list[p.CallView] = []
        self.live = False
        self.links = 0  # connections made: more than one means it resumed after a drop
        self.fault = ""
        self.problem = ""  # why the server is not reachable, while it is not
        self.offset = dt.timedelta(0)  # server clock minus ours
        self.flash_until = 0.0
        self.changed = asyncio.Event()
        self.voice = VoiceQueue(options.voice_command) if options.voice_command else None
        self._client = HallClient(options.server, options.token)

    # -- following the hall --

    async def follow(self, stream: EventStream | None = None) -> None:
        """Apply the event stream to the board until cancelled."""
        stream = stream or EventStream(self.options.server, self.options.token)
        try:
            async for message in stream.messages():
                if isinstance(message, Link):
                    await self._link(message)
                elif isinstance(message, p.Snapshot):
                    self._took(self._load(message.state))
                elif not isinstance(message, p.Heartbeat):  # EventStream drops those anyway
                    outcome, new = self.board.apply(message)
                    if outcome == "gap":
                        await self.refresh()
                    self._took(new)
        finally:
            stream.close()

    async def close(self) -> None:
        await self._client.close()

    async def refresh(self) -> bool:
        """Re-read /api/state; False (with `fault` or `problem` set) if that failed."""
        try:
            state = await self._client.state()
        except ApiFailure as e:
            if e.status in (401, 403):
                self.fault = text("display.token_wrong", self.language)
                self.changed.set()
            return False
        except Unreachable as e:
            self.problem = str(e)
            return False
        self.fault = ""
        self._took(self._load(state))
        return True

    async def refresher(self) -> None:
        while True:
            await asyncio.sleep(self.options.refresh_s)
            await self.refresh()

    async def _link(self, link: Link) -> None:
        self.live = link.live
        if link.live:
            self.links += 1
            self.problem = ""
        else:
            self.problem = link.reason
            await self.refresh()  # tells a wrong token apart from a server that is down
        self.on_link(link.live)
        self.changed.set()

    def _load(self, state: p.StateSnapshot) -> list[p.CallView] | None:
        self.offset = state.at - dt.datetime.now(dt.UTC)
        new = self.board.load(state)
        if self.voice is not None:
            self.voice.repeat = self.board.announce_repeat
            self.voice.mode = self.options.lang or self.board.language
        return new

    def _took(self, new: list[p.CallView] | None) -> None:
        if new is None:
            return
        if new:
            self.flash_until = time.monotonic() + FLASH_S
        for call in new:
            self.calls.append(call)
            self.on_call(call)
            wanted = self.options.window in (None, call.window)
            if self.voice is not None and wanted and self.age_s(call) <= ANNOUNCE_MAX_AGE_S:
                self.voice.announce(call)
        self.changed.set()

    def on_call(self, call: p.CallView) -> None:
        """Each new call, once, in order (the plain output prints it)."""

    def on_link(self, live: bool) -> None:
        """The stream went live or was lost (the plain output logs it)."""

    # -- time and language --

    def now(self) -> dt.datetime:
        tz = self.board.server_at.tzinfo if self.board.server_at else None
        return dt.datetime.now(dt.UTC).astimezone(tz) + self.offset

    def age_s(self, call: p.CallView) -> float:
        return (self.now() - call.at).total_seconds()

    @property
    def language(self) -> str:
        mode = self.options.lang or self.board.language
        if mode == "both":
            return "en" if int(time.time()) // ALTERNATE_S % 2 else "zh"
        return mode if mode in ("zh", "en") else "zh"

    @property
    def flashing(self) -> bool:
        return time.monotonic() < self.flash_until


class PlainScreen(TerminalScreen):
    """One line per call (or per change at a window), for an LED board or a log."""

    def __init__(self, options: ScreenOptions, out: TextIO = sys.stdout) -> None:
        super().__init__(options)
        self.out = out
        self._last_line = ""

    def on_call(self, call: p.CallView) -> None:
        if self.options.window is None:
            values = {"number": call.number, "window": call.window}
            line = text("display.call_sentence", self.language, **values)
            print(f"{self.now():%H:%M:%S} {line}", file=self.out, flush=True)

    def on_link(self, live: bool) -> None:
        # On stderr, so stdout carries nothing but what the board shows.
        if live:
            line = text("display.connected", self.language, server=self.options.server)
        else:
            line = text("display.reconnecting", self.language)
        print(f"{self.now():%H:%M:%S} {line}", file=sys.stderr, flush=True)

    async def paint(self) -> None:
        """Window mode: a line each time what the window shows changes."""
        while True:
            await self.changed.wait()
            self.changed.clear()
            slot = self.board.windows.get(self.options.window or 0)
            if slot is None:
                continue
            line = slot.current.number if slot.current else "-"
            if line != self._last_line:
                self._last_line = line
                print(line, file=self.out, flush=True)


async def run_tasks(screen: TerminalScreen, painter: asyncio.Task[None] | None = None) -> None:
    """Follow, refresh, speak and paint until one of them stops or we are cancelled."""
    tasks = [asyncio.create_task(screen.follow()), asyncio.create_task(screen.refresher())]
    if screen.voice is not None:
        tasks.append(asyncio.create_task(screen.voice.run()))
    if painter is not None:
        tasks.append(painter)
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await screen.close()
