"""The clerk terminal's link to the hall server: sign-in, actions and the live mirror.

No Textual here: the screens call these coroutines from workers, and tests can drive
a `Desk` against a real server without a terminal. Two promises live here rather than
in the screens, so that no screen can forget them:

- an action is refused at once while the event stream is down (never queued), and
- only one action is in flight at a time: a second press while the first is on the
  wire is refused as `Busy`, so a double press never makes two calls; and the same
  action again within `REPEAT_GUARD_S` of the last one's answer is refused as
  `Repeated`, because on a fast network a double press can outlive the request.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from onewindow import protocol as p
from onewindow.client import ApiFailure, ClientError, EventStream, HallClient, Link, Unreachable
from onewindow.i18n import text

from .hall_model import HallModel

T = TypeVar("T")
Clock = Callable[[], dt.datetime]
# Longer than a double press or a key bounce (~100–300 ms), shorter than a clerk
# needs to look at the screen before meaning to do the same thing again.
REPEAT_GUARD_S = 0.6


def local_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Offline(ClientError):
    """Refused here: the live link to the server is down."""


class Busy(ClientError):
    """Refused here: another action is still on the wire."""


class Repeated(ClientError):
    """Refused here: the very same action was answered a moment ago."""


@dataclass(frozen=True)
class SessionEnded:
    """The server no longer knows this sign-in (signed out elsewhere, or a new day)."""


Update = p.StreamMessage | Link | SessionEnded


OWN_WORDS = frozenset({"window_not_open"})  # refusals the terminal words itself


def describe(error: BaseException, lang: str, server: str = "") -> str:
    """A message for the clerk, in their language, for any failed call."""
    if isinstance(error, ApiFailure) and error.code in OWN_WORDS:
        # The terminal names its own key to resume (F7), which the server cannot know.
        return text(f"clerk.error.{error.code}", lang)
    if isinstance(error, ApiFailure):
        return error.message  # the server words it in the language we asked for
    if isinstance(error, Offline):
        return text("clerk.error.offline", lang)
    if isinstance(error, Busy):
        return text("clerk.error.busy", lang)
    if isinstance(error, Repeated):
        return text("clerk.error.repeated", lang)
    if isinstance(error, Unreachable):
        return text("clerk.error.unreachable", lang, server=server)
    return text("clerk.error.unexpected", lang, error=type(error).__name__)


class Desk:
    def __init__(
        self,
        server: str,
        lang: str = "zh",
        clock: Clock = local_clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server = server.rstrip("/")
        self.client = HallClient(self.server, language=lang)
        self.clock = clock
        self.model = HallModel()
        self.session: p.LoginResponse | None = None
        self.live = False
        self.in_flight: str | None = None
        self.monotonic = monotonic
        self._last: tuple[str, float] = ("", -REPEAT_GUARD_S)  # last action, when answered
        self._stream: EventStream | None = None

    @property
    def window(self) -> int | None:
        return self.session.window if self.session else None

    def set_language(self, lang: str) -> None:
        self.client.language = lang

    async def login(self, staff_id: str, pin: str, window: int | None) -> p.LoginResponse:
        self.session = await self.client.login(staff_id, pin, window)
        self.model = HallModel()
        return self.session

    async def logout(self) -> None:
        await self.act("logout", self.client.logout)
        self.forget()

    def forget(self) -> None:
        """Drop the sign-in locally (after sign-out, or when the server ended it)."""
        self.stop()
        self.session = None
        self.client.token = None
        self.live = False

    def stop(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    async def close(self) -> None:
        self.stop()
        await self.client.close()

    # -- actions --

    async def act(self, name: str, call: Callable[[], Awaitable[T]]) -> T:
        if not self.live:
            raise Offline(name)
        if self.in_flight is not None:
            raise Busy(self.in_flight)
        last, answered = self._last
        if name == last and self.monotonic() - answered < REPEAT_GUARD_S:
            raise Repeated(name)
        self.in_flight = name
        try:
            return await call()
        finally:
            self.in_flight = None
            self._last = (name, self.monotonic())

    async def window_action(self, action: str, body: Any = None) -> p.TicketView | None:
        """call-next, recall, start, finish, no-show, transfer, call at the own window."""
        assert self.window is not None
        window = self.window
        return await self.act(action, lambda: self.client.window_action(window, action, body))

    async def pause(self, reason: str) -> p.WindowView:
        assert self.window is not None
        window = self.window
        return await self.act("pause", lambda: self.client.pause(window, reason))

    async def resume(self) -> p.WindowView:
        assert self.window is not None
        window = self.window
        return await self.act("resume", lambda: self.client.resume(window))

    async def issue_special(self, from_ticket: str, service: str | None) -> p.TicketView:
        return await self.act(
            "special", lambda: self.client.issue_special(from_ticket, service=service)
        )

    async def issue_ticket(self, service: str, kind: str) -> p.TicketView:
        # channel "guide": the ticket was issued at the guide desk on a visitor's behalf
        return await self.act(
            f"issue:{service}:{kind}",
            lambda: self.client.issue_ticket(service, kind, channel="guide"),
        )

    async def lookup(self, number: str) -> list[p.TicketView]:
        return await self.act("lookup", lambda: self.client.find_tickets(number=number))

    async def ticket_action(self, ticket: str, action: str, body: Any = None) -> p.TicketView:
        """Supervision: cancel, reassign or reinstate a ticket by its id."""
        return await self.act(action, lambda: self.client.ticket_action(ticket, action, body))

    # -- the live mirror --

    async def follow(self) -> AsyncGenerator[Update, None]:
        """Keeps `model` current; yields every change for the screen to redraw.

        Runs until `stop()`. Reconnects by itself with `since`, so the clerk never has
        to do anything after the server or the network comes back.
        """
        assert self.session is not None
        self._stream = stream = EventStream(self.server, self.session.token)
        async for message in stream.messages():
            if isinstance(message, Link):
                self.live = message.live
                if not message.live and _refused(message.reason):
                    yield SessionEnded()
                    return
                yield message
                if message.live and self.model.ready and not self.model.waiting_complete:
                    await self._fetch_waiting()
                continue
            if isinstance(message, p.Snapshot):
                self.model.reset(message.state, self.clock())
                await self._fetch_waiting()
                await self._fetch_day_calls()
            elif not isinstance(message, p.Heartbeat):
                self.model.apply(message)
            yield message

    async def _fetch_day_calls(self) -> None:
        window = self.session.window if self.session is not None else None
        if window is None:
            return
        try:
            tickets = await self.client.find_tickets(limit="5000")
        except ClientError:
            return  # the live calls still show; the next snapshot fetches again
        self.model.set_day_calls(window, tickets)

    async def _fetch_waiting(self) -> None:
        # The snapshot has counts only; the clerk's queue panel needs each waiting
        # ticket's kind and age, so fetch the list once and keep it by events.
        try:
            tickets = await self.client.find_tickets(state="waiting", limit="5000")
        except ClientError:
            return  # retried on the next (re)connection
        self.model.set_waiting(tickets)


def _refused(reason: str) -> bool:
    # websockets words a refused upgrade "server rejected WebSocket connection: HTTP 401"
    return "HTTP 401" in reason or "HTTP 403" in reason
