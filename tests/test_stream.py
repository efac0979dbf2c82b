"""The websocket event stream: snapshot, exact resume by seq, heartbeats, slow clients."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from onewindow import protocol as p
from onewindow.config import Config
from queue_server.http.app import create_app
from queue_server.http.keys import HUB
from tests.api_helpers import act, add_staff, issue, login


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"))
    return await aiohttp_client(create_app(config, db_path))


async def _read(ws: aiohttp.ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(count):
        msg = await asyncio.wait_for(ws.receive(), 5)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        out.append(json.loads(msg.data))
    return out


async def _settle() -> None:
    await asyncio.sleep(0.05)  # lets the coalesced queue.changed be committed


async def test_first_message_is_a_snapshot_then_live_events(client: TestClient) -> None:
    async with client.ws_connect("/api/ws?token=demo-display-token") as ws:
        (first,) = await _read(ws, 1)
        snapshot = p.decode_message(json.dumps(first))
        assert isinstance(snapshot, p.Snapshot) and snapshot.state.hall == "海珠区政务服务中心"
        await issue(client, "A")
        issued, changed = await _read(ws, 2)
        assert issued["type"] == "ticket.issued" and issued["number"] == "A001"
        assert changed["type"] == "queue.changed" and changed["waiting"]["A"] == 1
        assert [issued["seq"], changed["seq"]] == [first["seq"] + 1, first["seq"] + 2]


async def test_reconnect_with_since_gets_exactly_the_missed_events(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    async with client.ws_connect(
        "/api/ws", headers={"Authorization": "Bearer demo-display-token"}
    ) as ws:
        (snap,) = await _read(ws, 1)
    last_seen = snap["seq"]
    # While the screen is away: three tickets, two calls, one finish.
    for _ in range(3):
        await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    await act(client, clerk, 5, "finish")
    await act(client, clerk, 5, "call-next")
    await _settle()
    async with client.ws_connect(f"/api/ws?token=demo-display-token&since={last_seen}") as ws:
        state = await (await client.get("/api/state?token=demo-display-token")).json()
        missed = await _read(ws, state["seq"] - last_seen)
        assert [m["seq"] for m in missed] == list(range(last_seen + 1, state["seq"] + 1))
        calls = [m["number"] for m in missed if m["type"] == "ticket.called"]
        assert calls == ["A001", "A002"]
        assert all(m["type"] != "snapshot" for m in missed)
        await issue(client, "B")
        (live,) = await _read(ws, 1)
        assert live["seq"] == state["seq"] + 1 and live["number"] == "B001"


async def test_since_from_the_future_or_garbage(client: TestClient) -> None:
    async with client.ws_connect("/api/ws?token=demo-display-token&since=999999") as ws:
        (first,) = await _read(ws, 1)
        assert first["type"] == "snapshot"
    resp = await client.get("/api/ws?token=demo-display-token&since=abc")
    assert resp.status == 422
    resp = await client.get("/api/ws")
    assert resp.status == 401


async def test_idle_stream_carries_heartbeats(client: TestClient) -> None:
    client.app[HUB].heartbeat_s = 0.1
    async with client.ws_connect("/api/ws?token=demo-display-token") as ws:
        snap, beat = await _read(ws, 2)
        assert beat["type"] == "heartbeat" and beat["seq"] == snap["seq"]


def _stalled_screen(host: str, port: int) -> socket.socket:
    """A websocket client that completes the handshake and then never reads again."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET /api/ws?token=demo-display-token HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head
    return sock


async def test_a_slow_screen_never_delays_the_others(client: TestClient) -> None:
    url = str(client.make_url("/api/ws?token=demo-display-token"))
    client.app[HUB].outbox_limit = 200  # a smaller allowance than a hall's, to keep this quick
    async with aiohttp.ClientSession() as session:
        # A screen that stops reading: its socket buffers fill, then its outbox.
        stalled = await asyncio.to_thread(_stalled_screen, client.host, client.port)
        fast = await session.ws_connect(url)
        await _read(fast, 1)
        # Its link is slow too, as a television on a weak Wi-Fi: a small send buffer
        # on the server's side of its connection.
        port = stalled.getsockname()[1]
        for c in client.app[HUB].clients:
            peer = c.ws.get_extra_info("peername")
            if peer and peer[1] == port:
                c.ws.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        kiosk = {"Authorization": "Bearer demo-kiosk-token"}
        for i in range(1600):
            await client.post(
                "/api/tickets",
                json={"service": "A", "kind": "normal"},
                headers={**kiosk, "Idempotency-Key": f"k{i}"},
            )
        await _settle()
        seen = 0
        while seen < 1600:
            msg = json.loads((await asyncio.wait_for(fast.receive(), 5)).data)
            seen += msg["type"] == "ticket.issued"
        assert seen == 1600
        # The slow one was cut loose (and would resume by seq when it reconnects).
        assert len(client.app[HUB].clients) == 1
        stalled.close()
        await fast.close()
