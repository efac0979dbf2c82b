"""The district live monitor over real HTTP: who may watch, what it warns of, how it pushes."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from central.app import create_central_app
from central.config import DistrictConfig, MonitorConfig, parse_district
from onewindow import protocol as p
from onewindow.config_table import ConfigError
from onewindow.protocol import monitor as pm
from tests.centralserver import CentralServer, write_district
from tests.district_helpers import (
    HALL_TOKENS,
    SUPERVISOR,
    TZ,
    batch,
    called,
    case_accepted,
    district,
    hall_auth,
    issued,
    ticket_event,
    window_opened,
    wire,
)
from tests.hallserver import free_port

Factory = Callable[..., Awaitable[Any]]
LIMITS = MonitorConfig(
    long_wait_min=30, min_open_windows=2, deadline_warn_days=2, lag_warn_events=50, refresh_s=0.5
)


def with_limits(config: DistrictConfig, offline_after_s: float = 60.0) -> DistrictConfig:
    centre = dataclasses.replace(config.centre, offline_after_s=offline_after_s)
    return dataclasses.replace(config, monitor=LIMITS, centre=centre)


@pytest.fixture
async def centre(aiohttp_client: Factory, pg_dsn: str) -> AsyncIterator[TestClient]:
    yield await aiohttp_client(create_central_app(with_limits(district(pg_dsn))))


async def deliver(centre: TestClient, hall: str, *events: dict[str, Any], head: int = 0) -> None:
    resp = await centre.post(
        f"/api/halls/{hall}/events", json=batch(*events, head=head), headers=hall_auth(hall)
    )
    assert resp.status == 200, await resp.text()


async def snapshot(centre: TestClient) -> pm.MonitorSnapshot:
    resp = await centre.get("/api/monitor", headers=SUPERVISOR)
    assert resp.status == 200, await resp.text()
    return p.decode(await resp.read(), pm.MonitorSnapshot)


def kinds(snap: pm.MonitorSnapshot, hall: str) -> set[str]:
    return {w.kind for w in snap.warnings if w.hall == hall}


def waiting_since(seq: int, number: str, minutes: float) -> dict[str, Any]:
    issued_at = dt.datetime.now(TZ) - dt.timedelta(minutes=minutes)
    return wire(ticket_event(seq, p.TicketIssued, number, issued_at=issued_at))


def case(
    seq: int, case_no: str, deadline: dt.date, kind: type[p.CaseEventBase] = p.CaseAccepted
) -> dict[str, Any]:
    return wire(
        kind(
            seq=seq,
            at=dt.datetime.now(TZ),
            case_id=f"c-{case_no}",
            case_no=case_no,
            item="310100001",
            service="A",
            state="accepted",
            window=3,
            deadline=deadline,
        )
    )


class Watcher:
    """A real websocket client on `/monitor/ws`, keeping every message it got."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.messages: list[tuple[float, pm.MonitorSnapshot | pm.MonitorUpdate]] = []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                decoded = p.decode(msg.data, pm.MonitorMessage)  # type: ignore[arg-type]
                self.messages.append((loop.time(), decoded))

    def tiles(self, hall: str) -> list[tuple[float, pm.HallTile]]:
        out = []
        for at, m in self.messages:
            out += [(at, t) for t in m.halls if t.hall.code == hall]
        return out

    async def until(
        self, check: Callable[[pm.HallTile], bool], hall: str = "HZ", limit: float = 5.0
    ) -> float:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while loop.time() < deadline:
            for at, tile in self.tiles(hall):
                if check(tile):
                    return at
            await asyncio.sleep(0.01)
        raise AssertionError(f"no tile of {hall} as expected; got {self.tiles(hall)[-1:]}")

    async def close(self) -> None:
        await self.ws.close()
        await self.task


# -- who may watch --


async def test_monitor_page_needs_a_viewer_token(centre: TestClient) -> None:
    resp = await centre.get("/monitor", allow_redirects=False)
    assert resp.status == 401 and "缺少令牌" in await resp.text()
    resp = await centre.get(f"/monitor?token={HALL_TOKENS['HZ']}", allow_redirects=False)
    assert resp.status == 403 and "不能查看监控" in await resp.text()
    resp = await centre.get("/monitor?token=not-a-token-at-all", allow_redirects=False)
    assert resp.status == 401 and "set-cookie" not in resp.headers


async def test_token_moves_into_a_strict_cookie_and_out_of_the_address(
    centre: TestClient,
) -> None:
    token = SUPERVISOR["Authorization"].removeprefix("Bearer ")
    resp = await centre.get(f"/monitor?lang=en&token={token}", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/monitor?lang=en"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith(f"onewindow_monitor={token};")
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes
    assert "Path=/monitor" in cookie and "SameSite=Strict" in cookie
    assert token not in resp.headers["Location"]

    page = await centre.get("/monitor?lang=en", headers={"Cookie": f"onewindow_monitor={token}"})
    text = await page.text()
    assert page.status == 200 and "District service halls" in text and token not in text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


async def test_monitor_websocket_refuses_no_token_and_hall_tokens(centre: TestClient) -> None:
    for headers, status, code in (({}, 401, "unauthorized"), (hall_auth("HZ"), 403, "forbidden")):
        resp = await centre.get("/monitor/ws", headers=headers)
        assert resp.status == status
        body = await resp.json()
        assert body["error"]["code"] == code and body["error"]["message"]
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await centre.ws_connect("/monitor/ws", headers=headers)
    token = SUPERVISOR["Authorization"].removeprefix("Bearer ")
    for ws_headers in (SUPERVISOR, {"Cookie": f"onewindow_monitor={token}"}):
        ws = await centre.ws_connect("/monitor/ws", headers=ws_headers)
        first = p.decode((await ws.receive()).data, pm.MonitorSnapshot)
        assert [t.hall.code for t in first.halls] == ["HZ", "JN"]
        await ws.close()


# -- snapshot and push --


async def test_snapshot_on_connect_then_a_call_is_pushed_at_once(centre: TestClient) -> None:
    await deliver(centre, "HZ", issued(1, "A001"), issued(2, "A002"), window_opened(3, 5))
    watcher = Watcher(await centre.ws_connect("/monitor/ws", headers=SUPERVISOR))
    await watcher.until(lambda t: t.hall.waiting_total == 2)
    first = watcher.messages[0][1]
    assert isinstance(first, pm.MonitorSnapshot) and first.centre
    assert first.limits.long_wait_min == 30 and first.limits.offline_after_s == 60

    loop = asyncio.get_running_loop()
    sent = loop.time()
    await deliver(centre, "HZ", called(4, "A001", 5))
    got = await watcher.until(lambda t: [(w.number, w.serving) for w in t.windows] == [(5, "A001")])
    assert got - sent < 0.5
    tile = watcher.tiles("HZ")[-1][1]
    assert (tile.hall.serving, tile.hall.waiting_total, tile.hall.open_windows) == (1, 1, 1)
    # Only the hall that changed is sent.
    update = watcher.messages[-1][1]
    assert isinstance(update, pm.MonitorUpdate) and [t.hall.code for t in update.halls] == ["HZ"]
    await watcher.close()


async def test_a_burst_of_deliveries_is_coalesced_per_hall(centre: TestClient) -> None:
    watcher = Watcher(await centre.ws_connect("/monitor/ws", headers=SUPERVISOR))
    await watcher.until(lambda t: True)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for seq in range(1, 41):
        await deliver(centre, "HZ", issued(seq, f"A{seq:03d}"))
    elapsed = loop.time() - start
    await watcher.until(lambda t: t.hall.tickets_today == 40)
    pushes = [at for at, _ in watcher.tiles("HZ")[1:]]
    # One push every 0.2 s at most (the first goes at once), and never one per delivery.
    assert len(pushes) <= elapsed / 0.2 + 2 < 40
    gaps = [b - a for a, b in itertools.pairwise(pushes)]
    assert all(g > 0.15 for g in gaps), gaps
    await watcher.close()


# -- warnings --


async def test_long_wait_and_few_open_windows_are_warned(centre: TestClient) -> None:
    await deliver(centre, "HZ", waiting_since(1, "A001", 45), window_opened(2, 3))
    await deliver(
        centre, "JN", waiting_since(1, "A001", 5), window_opened(2, 1), window_opened(3, 2)
    )
    snap = await snapshot(centre)
    assert kinds(snap, "HZ") == {"long_wait", "few_windows"}
    assert kinds(snap, "JN") == set()
    long_wait = next(w for w in snap.warnings if w.kind == "long_wait")
    assert (long_wait.value, long_wait.limit) == (45, 30)
    few = next(w for w in snap.warnings if w.kind == "few_windows")
    assert (few.value, few.limit) == (1, 2)


async def test_a_hall_with_nobody_waiting_is_not_warned_for_closed_windows(
    centre: TestClient,
) -> None:
    await deliver(centre, "HZ", window_opened(1, 3))
    assert kinds(await snapshot(centre), "HZ") == set()


async def test_uplink_lag_is_warned(centre: TestClient) -> None:
    await deliver(centre, "HZ", issued(1, "A001"), head=80)
    snap = await snapshot(centre)
    lag = next(w for w in snap.warnings if w.kind == "lag")
    assert (lag.hall, lag.value, lag.limit) == ("HZ", 79, 50)


async def test_silent_and_never_seen_halls_are_offline_and_the_tick_pushes_it(
    aiohttp_client: Factory, pg_dsn: str
) -> None:
    centre = await aiohttp_client(
        create_central_app(with_limits(district(pg_dsn), offline_after_s=0.6))
    )
    await deliver(centre, "HZ", issued(1, "A001"))
    watcher = Watcher(await centre.ws_connect("/monitor/ws", headers=SUPERVISOR))
    first = (await watcher.until(lambda t: t.hall.online), watcher.messages[0][1])[1]
    assert isinstance(first, pm.MonitorSnapshot)
    never = next(w for w in first.warnings if w.hall == "JN")
    assert (never.kind, never.value) == ("offline", -1)
    assert ("offline", "HZ") not in {(w.kind, w.hall) for w in first.warnings}
    # No event arrives: the periodic re-read notices the silence and pushes it.
    await watcher.until(lambda t: not t.hall.online, limit=3.0)
    last = [m for _, m in watcher.messages if m.warnings is not None][-1]
    offline = {w.hall for w in last.warnings or [] if w.kind == "offline"}
    assert offline == {"HZ", "JN"}
    await watcher.close()


async def test_cases_near_and_past_their_deadline_are_listed_and_counted(
    centre: TestClient,
) -> None:
    today = dt.datetime.now(TZ).date()
    far = today + dt.timedelta(days=30)
    await deliver(
        centre,
        "HZ",
        case(1, "HZ-OVER", today - dt.timedelta(days=1)),
        case(2, "HZ-TODAY", today),
        case(3, "HZ-FAR", far),
        # The hall warned this one (its holidays make it near): the centre believes it.
        case(4, "HZ-HOLIDAY", far),
        case(5, "HZ-HOLIDAY", far, p.CaseWarning),
        # Flagged overdue by the hall, then accepted again (materials completed): cleared.
        case(6, "HZ-AGAIN", far),
        case(7, "HZ-AGAIN", far, p.CaseOverdue),
        case(8, "HZ-AGAIN", far),
    )
    await deliver(centre, "JN", case_accepted(1, "JN-1"))
    snap = await snapshot(centre)
    listed = [(c.case_no, c.overdue) for c in snap.cases]
    assert listed == [("HZ-OVER", True), ("HZ-TODAY", False), ("HZ-HOLIDAY", False)]
    assert snap.cases_total == 3
    assert next(c for c in snap.cases if c.case_no == "HZ-TODAY").days_left == 0
    assert next(c for c in snap.cases if c.case_no == "HZ-HOLIDAY").hall_alert == "warning"
    counted = {(w.kind, w.value) for w in snap.warnings if w.hall == "HZ"}
    assert counted == {("cases_overdue", 1), ("cases_due", 2)}
    # Done with: an approved case is no longer due.
    done = wire(
        p.CaseApproved(
            seq=9,
            at=dt.datetime.now(TZ),
            case_id="c-HZ-OVER",
            case_no="HZ-OVER",
            item="310100001",
            service="A",
            state="approved",
            window=3,
            deadline=today - dt.timedelta(days=1),
        )
    )
    await deliver(centre, "HZ", done)
    snap = await snapshot(centre)
    assert [c.case_no for c in snap.cases] == ["HZ-TODAY", "HZ-HOLIDAY"]
    assert "cases_overdue" not in kinds(snap, "HZ")


# -- the [monitor] table --


def _district(monitor: dict[str, Any]) -> DistrictConfig:
    hall = {"code": "HZ", "name_zh": "海珠", "token": HALL_TOKENS["HZ"]}
    return parse_district({"halls": [hall], "monitor": monitor})


def test_monitor_limits_have_defaults_and_are_checked() -> None:
    assert _district({}).monitor == MonitorConfig()
    assert _district({"long_wait_min": 20, "lag_warn_events": 10}).monitor.long_wait_min == 20
    with pytest.raises(ConfigError) as e:
        _district({"long_wait_mins": 20})
    assert e.value.key == "monitor.long_wait_mins" and "monitor.long_wait_min" in e.value.reason
    with pytest.raises(ConfigError) as e:
        _district({"min_open_windows": -1})
    assert e.value.key == "monitor.min_open_windows"
    with pytest.raises(ConfigError) as e:
        _district({"deadline_warn_days": "2"})
    assert e.value.key == "monitor.deadline_warn_days"
    with pytest.raises(ConfigError) as e:
        _district({"refresh_s": 0.1})
    assert e.value.key == "monitor.refresh_s"


async def test_new_routes_are_in_the_openapi_document(centre: TestClient) -> None:
    doc = await (await centre.get("/api/openapi.json")).json()
    assert {"/monitor", "/monitor/ws", "/api/monitor"} <= set(doc["paths"])
    assert "MonitorUpdate" in doc["components"]["schemas"]


async def test_a_centre_stopping_closes_its_monitors_and_does_not_wait_on_them(
    pg_dsn: str, tmp_path: Path
) -> None:
    port = free_port()
    server = CentralServer(write_district(tmp_path, pg_dsn, port), port=port).start()
    try:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(server.url + "/monitor/ws", headers=SUPERVISOR)
            assert (await ws.receive()).type == aiohttp.WSMsgType.TEXT
            started = time.monotonic()
            server.stop()  # SIGTERM; stop() kills after 10 s
            assert time.monotonic() - started < 3
            closing = await ws.receive()
            assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 1001  # going away
    finally:
        server.kill()
