"""Talking to the hall server, for every client (kiosk, clerk terminal, screens, tools).

`HallClient` makes REST calls and decodes answers with the protocol module; every
failure becomes an `ApiFailure` (the server said no, with its code and message in the
user's language) or `Unreachable` (no answer). `EventStream` follows `/api/ws`,
resuming with `since` after any drop, and tells its user when it is live or not.
No UI code here, so it can be tested and reused alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import aiohttp
import msgspec

from onewindow import protocol as p

T = TypeVar("T")


class ClientError(Exception):
    """Base of what a client call can fail with."""


class ApiFailure(ClientError):
    """The server refused: `status`, stable `code` and a message for a person."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class Unreachable(ClientError):
    """No answer from the server (down, refused, timed out, dropped)."""


class HallClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        language: str = "zh",
        timeout_s: float = 5.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.language = language
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HallClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        answer: type[T] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> T | None:
        """One call; returns the decoded answer, or None for an empty (204) answer."""
        head = {"Accept-Language": "en" if self.language == "en" else "zh-CN"}
        if self.token:
            head["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            head["Content-Type"] = "application/json"
        head.update(headers or {})
        data = p.encode(body) if body is not None else None
        try:
            async with self._http().request(
                method, self.base_url + path, data=data, headers=head
            ) as resp:
                raw = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            raise Unreachable(str(e) or type(e).__name__) from e
        if status >= 400:
            try:
                err = p.decode(raw, p.ErrorBody).error
                raise ApiFailure(status, err.code, err.message)
            except msgspec.DecodeError:
                raise ApiFailure(status, "http_error", raw[:200].decode(errors="replace")) from None
        if status == 204 or answer is None or not raw:
            return None
        return p.decode(raw, answer)

    # -- the calls --

    async def login(self, staff_id: str, pin: str, window: int | None) -> p.LoginResponse:
        body = p.LoginRequest(staff_id=staff_id, pin=pin, window=window)
        out = await self.request("POST", "/api/login", p.LoginResponse, body)
        assert out is not None
        self.token = out.token
        return out

    async def logout(self) -> None:
        await self.request("POST", "/api/logout")

    async def state(self) -> p.StateSnapshot:
        out = await self.request("GET", "/api/state", p.StateSnapshot)
        assert out is not None
        return out

    async def issue_ticket(
        self,
        service: str,
        kind: str = "normal",
        *,
        key: str | None = None,
        channel: str | None = None,
        window: int | None = None,
    ) -> p.TicketView:
        """Issue a ticket; pass the same `key` when retrying so it is issued once."""
        body = p.IssueTicketRequest(service=service, kind=kind, channel=channel, window=window)  # type: ignore[arg-type]
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        out = await self.request("POST", "/api/tickets", p.TicketView, body, headers)
        assert out is not None
        return out

    async def issue_special(
        self,
        from_ticket: str,
        *,
        service: str | None = None,
        window: int | None = None,
        case: str | None = None,
    ) -> p.TicketView:
        body = p.SpecialTicketRequest(
            from_ticket=from_ticket, service=service, window=window, case=case
        )
        out = await self.request("POST", "/api/special-tickets", p.TicketView, body)
        assert out is not None
        return out

    async def ticket(self, ticket_id: str) -> p.TicketView:
        out = await self.request("GET", f"/api/tickets/{ticket_id}", p.TicketView)
        assert out is not None
        return out

    async def find_tickets(self, **query: str) -> list[p.TicketView]:
        qs = urlencode({k: v for k, v in query.items() if v})
        out = await self.request("GET", f"/api/tickets?{qs}", p.TicketList)
        return out.tickets if out else []

    async def window_action(
        self, window: int, action: str, body: Any = None
    ) -> p.TicketView | None:
        """call-next / recall / start / finish / no-show / transfer / call; None on 204."""
        return await self.request("POST", f"/api/windows/{window}/{action}", p.TicketView, body)

    async def call_next(self, window: int) -> p.TicketView | None:
        return await self.window_action(window, "call-next")

    async def pause(self, window: int, reason: str = "") -> p.WindowView:
        out = await self.request(
            "POST", f"/api/windows/{window}/pause", p.WindowView, p.PauseRequest(reason=reason)
        )
        assert out is not None
        return out

    async def resume(self, window: int) -> p.WindowView:
        out = await self.request("POST", f"/api/windows/{window}/resume", p.WindowView)
        assert out is not None
        return out

    async def progress(self, case_no: str, phone4: str) -> p.ProgressView:
        """Where a case is (public): 404 `progress_not_found` for any wrong pair."""
        query = urlencode({"case_no": case_no, "phone4": phone4})
        out = await self.request("GET", f"/api/progress?{query}", p.ProgressView)
        assert out is not None
        return out

    async def rate(self, score: int, ticket: str | None = None, comment: str = "") -> p.RatingView:
        """好差评: `ticket` is the ticket's opaque id, never its number (the kiosk must give
        it; an evaluator may leave it out, and may rate only its window's last ticket)."""
        body = p.RatingRequest(score=score, ticket=ticket, comment=comment)
        out = await self.request("POST", "/api/ratings", p.RatingView, body)
        assert out is not None
        return out

    async def ticket_action(self, ticket: str, action: str, body: Any = None) -> p.TicketView:
        """Supervision: cancel / reinstate / reassign a ticket by id or number."""
        out = await self.request("POST", f"/api/tickets/{ticket}/{action}", p.TicketView, body)
        assert out is not None
        return out

    # -- cases, follow-ups and the simulated clock (the simulator, back-office tools) --

    async def catalogue(self) -> list[p.CatalogueItemView]:
        out = await self.request("GET", "/api/catalogue", p.CatalogueList)
        return out.items if out else []

    async def new_case(self, body: p.NewCaseRequest) -> p.CaseView:
        """Pre-check (`precheck=True`) or submit a case from the window's ticket."""
        out = await self.request("POST", "/api/cases", p.CaseView, body)
        assert out is not None
        return out

    async def case(self, ref: str) -> p.CaseView:
        """One case by id or case number (staff; the applicant comes masked)."""
        out = await self.request("GET", f"/api/cases/{ref}", p.CaseView)
        assert out is not None
        return out

    async def cases(self, **query: str) -> list[p.CaseView]:
        """Cases by `state`, `alert` (warning / overdue), `window` or `ticket`."""
        qs = urlencode({k: v for k, v in query.items() if v})
        out = await self.request("GET", f"/api/cases?{qs}", p.CaseList)
        return out.cases if out else []

    async def case_action(self, ref: str, action: str, body: Any = None) -> p.CaseView:
        """submit / materials / return / approve / reject / issue, by case id or number."""
        out = await self.request("POST", f"/api/cases/{ref}/{action}", p.CaseView, body)
        assert out is not None
        return out

    async def ratings(self, *, bad: bool = False) -> list[p.RatingView]:
        """Ratings, newest first; `bad=True` for the supervisors' follow-up list (1–2)."""
        out = await self.request(
            "GET", "/api/ratings?bad=1" if bad else "/api/ratings", p.RatingList
        )
        return out.ratings if out else []

    async def report(self, **period: str) -> p.Report:
        """Report figures (supervisors); no period: today, live."""
        qs = urlencode({k: v for k, v in period.items() if v})
        out = await self.request("GET", f"/api/reports?{qs}" if qs else "/api/reports", p.Report)
        assert out is not None
        return out

    async def follow_up(self, rating_id: int, note: str) -> p.RatingView:
        body = p.FollowUpRequest(note=note)
        out = await self.request("POST", f"/api/ratings/{rating_id}/follow-up", p.RatingView, body)
        assert out is not None
        return out

    async def clock(self) -> p.ClockView:
        out = await self.request("GET", "/api/clock", p.ClockView)
        assert out is not None
        return out

    async def set_clock(self, now: dt.datetime) -> p.ClockView:
        """Move a simulated clock (server started with `--sim-clock`, supervisor token)."""
        out = await self.request("POST", "/api/sim/clock", p.ClockView, p.ClockRequest(now=now))
        assert out is not None
        return out


@dataclass(frozen=True)
class Link:
    """Not an event: the stream went live (`live=True`) or lost the server."""

    live: bool
    reason: str = ""
    status: int | None = None  # the HTTP status when the server refused the stream (401...)


class EventStream:
    """Follows `/api/ws`, resuming by `since`; yields messages and `Link` changes.

    The first message after a (re)connection is a `Snapshot` when the server could
    not give the missed events; otherwise the missed events come in order, so a
    consumer that applies every message it gets is never stale for long.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        since: int | None = None,
        min_backoff_s: float = 0.2,
        max_backoff_s: float = 5.0,
    ) -> None:
        self.url = base_url.rstrip("/").replace("http", "ws", 1) + "/api/ws"
        self.token = token
        self.last_seq = since
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self._closing = False

    def close(self) -> None:
        self._closing = True

    async def messages(self) -> AsyncIterator[p.StreamMessage | Link]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus, WebSocketException

        backoff = self.min_backoff_s
        while not self._closing:
            query = f"?since={self.last_seq}" if self.last_seq is not None else ""
            try:
                async with connect(
                    self.url + query,
                    additional_headers={"Authorization": f"Bearer {self.token}"},
                    compression=None,
                    open_timeout=5,
                    ping_interval=10,
                    ping_timeout=10,
                    close_timeout=2,
                    proxy=None,
                ) as ws:
                    yield Link(True)
                    backoff = self.min_backoff_s
                    async for raw in ws:
                        message = p.decode_message(raw)
                        if isinstance(message, p.Heartbeat):
                            continue
                        stale = self.last_seq is not None and message.seq <= self.last_seq
                        if stale and not isinstance(message, p.Snapshot):
                            continue  # already seen before the reconnection
                        self.last_seq = message.seq
                        yield message
                        if self._closing:
                            return
            except InvalidStatus as e:
                yield Link(False, str(e), e.response.status_code)
            except (OSError, TimeoutError, WebSocketException, msgspec.DecodeError) as e:
                yield Link(False, str(e) or type(e).__name__)
            else:
                if not self._closing:
                    yield Link(False, "closed")
            if self._closing:
                return
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(self.max_backoff_s, backoff * 2)
