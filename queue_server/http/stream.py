"""The live event stream at `/api/ws?since=SEQ`.

A client gets exactly the events it missed since `since` (or a snapshot when it gives
none, or the gap is too old), then every event as it is committed. Each client has
its own bounded outbox and sender task, so a slow screen never delays the others; a
client that falls too far behind is disconnected and catches up by `since` when it
reconnects. Idle streams carry a heartbeat so a dead screen is noticed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from aiohttp import WSCloseCode, WSMsgType, web

from onewindow import protocol as p
from queue_server.service import HallService
from queue_server.store import storage as db

log = logging.getLogger(__name__)
BACKLOG_LIMIT = 5000
OUTBOX_LIMIT = 2000
HEARTBEAT_S = 15.0


# Put in an outbox by the heartbeat timer: the sender then writes a heartbeat.
BEAT = (-1, "")


class Client:
    __slots__ = ("last_send", "outbox", "sent", "ws")

    def __init__(self, ws: web.WebSocketResponse, outbox_limit: int) -> None:
        self.ws = ws
        self.outbox: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(outbox_limit)
        self.sent = 0  # the last seq this client has been sent
        self.last_send = asyncio.get_running_loop().time()


class Hub:
    def __init__(self, service: HallService, heartbeat_s: float = HEARTBEAT_S) -> None:
        self.service = service
        self.heartbeat_s = heartbeat_s
        self.outbox_limit = OUTBOX_LIMIT
        self.clients: set[Client] = set()
        self._beats: asyncio.Task[None] | None = None

    def publish(self, events: list[tuple[int, str]]) -> None:
        """Hand committed events to every client's outbox, never waiting on one."""
        for client in list(self.clients):
            for item in events:
                try:
                    client.outbox.put_nowait(item)
                except asyncio.QueueFull:
                    log.warning("a stream client fell behind; disconnecting it to resume")
                    self.clients.discard(client)
                    with contextlib.suppress(asyncio.QueueFull):
                        client.outbox.put_nowait(None)
                    break

    async def _beat(self) -> None:
        """One timer for all clients (a timeout per client and message costs more than the
        send itself with a thousand screens): a heartbeat to each one left idle."""
        loop = asyncio.get_running_loop()
        while self.clients:
            await asyncio.sleep(self.heartbeat_s / 3)
            now = loop.time()
            for client in list(self.clients):
                if now - client.last_send >= self.heartbeat_s:
                    client.last_send = now
                    with contextlib.suppress(asyncio.QueueFull):
                        client.outbox.put_nowait(BEAT)

    async def close_all(self) -> None:
        if self._beats is not None:
            self._beats.cancel()
        for client in list(self.clients):
            await client.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def serve(self, request: web.Request, since: int | None) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, heartbeat=self.heartbeat_s * 2)
        await ws.prepare(request)
        client = Client(ws, self.outbox_limit)
        self.clients.add(client)  # first, so nothing committed from now on is missed
        if self._beats is None or self._beats.done():
            self._beats = asyncio.create_task(self._beat())
        sender = asyncio.create_task(self._send(client, since))
        try:
            async for msg in ws:  # screens only listen; anything they send is ignored
                if msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self.clients.discard(client)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return ws

    async def _send(self, client: Client, since: int | None) -> None:
        ws = client.ws
        try:
            await self._catch_up(client, since)
            while not ws.closed:
                item = await client.outbox.get()
                if item is None:
                    await ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"fell behind")
                    return
                seq, body = item
                if item is BEAT:
                    beat = p.Heartbeat(seq=client.sent, at=self.service.clock.now())
                    await ws.send_str(p.encode(beat).decode())
                elif seq > client.sent:
                    await ws.send_str(body)
                    client.sent = seq
                    client.last_send = asyncio.get_running_loop().time()
                if not client.outbox.empty():
                    # Round-robin: every screen gets this event before any gets the next.
                    await asyncio.sleep(0)
        except (ConnectionError, RuntimeError) as e:
            log.info("stream client gone: %s", e)
            await ws.close()

    async def _catch_up(self, client: Client, since: int | None) -> None:
        svc = self.service
        if since is not None and 0 <= since <= svc.seq:
            missed = await svc.storage.read(lambda c: db.events_after(c, since, BACKLOG_LIMIT + 1))
            if len(missed) <= BACKLOG_LIMIT:
                client.sent = since
                for seq, body in missed:
                    await client.ws.send_str(body)
                    client.sent = seq
                return
        state = svc.snapshot()
        message = p.Snapshot(seq=state.seq, at=dt.datetime.now(svc.clock.tz), state=state)
        await client.ws.send_str(p.encode(message).decode())
        client.sent = state.seq
