"""Hall screens: call → screen latency with 100 and 1,000 websocket screens, server RSS.

The screens run in separate processes (several per run, each holding many sockets)
and note when each `ticket.called` arrives; the driver notes when it sent the call
(CLOCK_MONOTONIC is one clock for every process on Linux). A call's latency covers
the HTTP call, the durable commit (synchronous=FULL) and the fan-out. The baseline
is a bare aiohttp app that broadcasts a message of the same size to as many clients
with no rules and no disk, measured in the same run: `python -m bench.screens`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import msgspec

from bench.harness import CONFIG, ROOT, Process, Table, onewindow_server, percentile, temp_dir

TOKEN = "demo-display-token"
# screens: (client processes, seconds between calls). Calls are spaced so one has reached
# every screen before the next; few client processes, as each takes CPU from the server
# on a two-core machine (8 processes instead of 4 add ~30 ms to the 1,000-screen p99).
SETTINGS = {100: (2, 0.05), 1000: (4, 0.2)}
REPEAT = 3  # runs of each measure, ours and the baseline taking turns


class Seen(msgspec.Struct):
    type: str
    number: str = ""


@dataclass(frozen=True)
class Result:
    p50_ms: float
    p99_ms: float
    max_ms: float
    last_p99_ms: float  # per call, the last screen to show it
    missed: int
    rss_mb: float


# --- the screens (run in their own processes) -----------------------------------------


def _loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _run(coro: Coroutine[Any, Any, None]) -> None:
    loop = _loop()
    try:
        loop.run_until_complete(coro)
    finally:
        loop.close()


def screens(url: str, count: int, compress: int) -> None:
    """`python -m bench.screens --screens URL N`: says "ready" once every screen has its
    snapshot, waits for a line on stdin, then prints {number: [arrival times]}."""
    _run(_screens(url, count, compress))


async def _screens(url: str, count: int, compress: int) -> None:
    import aiohttp

    decode = msgspec.json.Decoder(Seen).decode
    seen: dict[str, list[float]] = {}
    ws_url = url.replace("http", "ws", 1) + f"/api/ws?token={TOKEN}"

    async def follow(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            at = time.monotonic()
            # Only calls are timed: the screens' own CPU is taken from the server's two cores.
            if '"ticket.called"' in msg.data:
                seen.setdefault(decode(msg.data).number, []).append(at)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        gate = asyncio.Semaphore(50)  # a hall's screens do not all connect in one instant

        async def connect() -> aiohttp.ClientWebSocketResponse:
            async with gate:
                ws = await session.ws_connect(ws_url, compress=compress, autoping=True)
                await ws.receive()  # the snapshot
                return ws

        sockets = await asyncio.gather(*(connect() for _ in range(count)))
        readers = [asyncio.create_task(follow(ws)) for ws in sockets]
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        for task in readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    print(json.dumps(seen), flush=True)


# --- the bare broadcast baseline --------------------------------------------------------


def serve_baseline(port: int, size: int, compress: bool) -> None:
    from aiohttp import web

    clients: set[web.WebSocketResponse] = set()
    seq = 0

    async def stream(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=compress)
        await ws.prepare(request)
        await ws.send_str('{"type":"snapshot"}')
        clients.add(ws)
        try:
            async for _ in ws:
                pass
        finally:
            clients.discard(ws)
        return ws

    async def call(request: web.Request) -> web.Response:
        nonlocal seq
        seq += 1
        head = {"seq": seq, "type": "ticket.called", "number": request.query["number"]}
        body = json.dumps({**head, "pad": ""})
        body = json.dumps({**head, "pad": "x" * max(0, size - len(body))})
        for ws in list(clients):
            await ws.send_str(body)
        return web.json_response({"number": head["number"]})

    async def probe(request: web.Request) -> web.Response:
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/api/ws", stream)
    app.router.add_post("/call", call)
    app.router.add_get("/api/openapi.json", probe)
    # The same event loop as `onewindow serve` (uvloop where installed), for a fair ratio.
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, loop=_loop())


def baseline_server(size: int, compress: bool) -> Process:
    flag = ["--deflate"] if compress else []
    return Process(
        [
            sys.executable,
            "-m",
            "bench.screens",
            "--serve-baseline",
            "{port}",
            "--size",
            str(size),
            *flag,
        ]
    )


# --- the driver -------------------------------------------------------------------------


class Http:
    def __init__(self, url: str) -> None:
        self.conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)

    def post(self, path: str, body: object = None, token: str = "", key: str = "") -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        self.conn.request("POST", path, json.dumps(body) if body is not None else None, headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{path}: {resp.status} {data[:200]!r}")
        return json.loads(data) if data else {}


def measure(
    server: Process,
    count: int,
    calls: int,
    call: Callable[[int], str],
    between: Callable[[], None] | None = None,
    compress: int = 0,
) -> Result:
    """Connect `count` screens, make `calls` calls through `call(i) -> number` (and
    `between()` half-way to the next one), collect when each screen saw each call."""
    processes, gap = SETTINGS[count]
    workers = []
    for i in range(processes):
        share = count // processes + (1 if i < count % processes else 0)
        argv = [
            sys.executable,
            "-m",
            "bench.screens",
            "--screens",
            server.url,
            str(share),
            "--compress",
            str(compress),
        ]
        workers.append(
            subprocess.Popen(
                argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
        )
    try:
        for worker in workers:
            assert worker.stdout is not None
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError("screens did not connect")
        sent: dict[str, float] = {}
        next_at = time.monotonic()
        for i in range(calls):
            begun = time.monotonic()
            sent[call(i)] = begun
            if between is not None:
                time.sleep(max(0.0, next_at + gap / 2 - time.monotonic()))
                between()
            next_at += gap
            time.sleep(max(0.0, next_at - time.monotonic()))
        time.sleep(1.0)
        rss = server.rss_mb()
        seen: dict[str, list[float]] = {}
        for worker in workers:
            out, _ = worker.communicate("stop\n", timeout=60)
            for number, times in json.loads(out).items():
                seen.setdefault(number, []).extend(times)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    samples, last, missed = [], [], 0
    for number, begun in sent.items():
        times = [(t - begun) * 1000 for t in seen.get(number, [])]
        missed += count - len(times)
        samples.extend(times)
        if times:
            last.append(max(times))
    return Result(
        percentile(samples, 50),
        percentile(samples, 99),
        max(samples),
        percentile(last, 99),
        missed,
        rss,
    )


def run_ours(count: int, calls: int) -> Result:
    db = temp_dir() / "screens.sqlite"
    staff = ["--staff-id", "1001", "--name", "bench", "--role", "clerk", "--pin", "1234"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "staff",
            "--config",
            str(CONFIG),
            "--db",
            str(db),
            "add",
            *staff,
        ],
        check=True,
        capture_output=True,
    )
    with onewindow_server(db) as server:
        http = Http(server.url)
        for i in range(calls):
            http.post("/api/tickets", {"service": "A"}, "demo-kiosk-token", f"screens-{i}")
        clerk = http.post("/api/login", {"staff_id": "1001", "pin": "1234", "window": 5})["token"]

        def call(i: int) -> str:
            return str(http.post("/api/windows/5/call-next", token=clerk)["number"])

        def finish() -> None:  # as a clerk would, a while after the call: not timed
            http.post("/api/windows/5/finish", token=clerk)

        return measure(server, count, calls, call, finish)


def event_size() -> int:
    """Bytes of a typical `ticket.called` event, so the baseline sends as much."""
    from onewindow import protocol as p

    at = dt.datetime(2026, 3, 2, 9, 30, 0, 123456, dt.timezone(dt.timedelta(hours=8)))
    ticket = p.TicketView(
        id="x" * 22,
        number="A012",
        service="A",
        kind="normal",
        state="called",
        issued_at=at,
        channel="kiosk",
        window=5,
        call_count=1,
        called_at=at,
    )
    event = p.TicketCalled(seq=1234, at=at, number="A012", service="A", ticket=ticket, window=5)
    return len(p.encode(event))


def run_baseline(count: int, calls: int, compress: bool = False) -> Result:
    with baseline_server(event_size(), compress) as server:
        http = Http(server.url)

        def call(i: int) -> str:
            return str(http.post(f"/call?number=B{i:04d}")["number"])

        return measure(server, count, calls, call, compress=15 if compress else 0)


def median_run(runs: list[Result]) -> Result:
    """The run with the median p99: one busy moment on a shared machine does not decide."""
    return sorted(runs, key=lambda r: r.p99_ms)[len(runs) // 2]


def run(table: Table, seconds: float = 8.0, repeat: int = REPEAT) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    bases: dict[int, Result] = {}
    for count, target_ms in ((100, 15), (1000, 100)):
        calls = max(20, int(seconds / SETTINGS[count][1]))
        pairs = [(run_ours(count, calls), run_baseline(count, calls)) for _ in range(repeat)]
        ours, base = median_run([a for a, _ in pairs]), median_run([b for _, b in pairs])
        bases[count] = base
        for name, a, b, target in (
            ("p50", ours.p50_ms, base.p50_ms, ""),
            ("p99", ours.p99_ms, base.p99_ms, f"< {target_ms} ms"),
            ("max", ours.max_ms, base.max_ms, ""),
            ("p99 of the last screen per call", ours.last_p99_ms, base.last_p99_ms, ""),
        ):
            table.add(f"call → screen, {count:,} screens: {name}", a, b, "ms", target)
        table.add(f"calls missed by a screen, {count:,} screens", ours.missed, base.missed, "", "0")
        table.add(
            f"server RSS, {count:,} screens",
            ours.rss_mb,
            base.rss_mb,
            "MB",
            "< 80 MB" if count == 1000 else "",
        )
    deflate = run_baseline(1000, max(20, int(seconds / SETTINGS[1000][1])), compress=True)
    plain = bases[1000]
    table.add(
        "bare broadcast with per-message deflate, 1,000: RSS",
        deflate.rss_mb,
        plain.rss_mb,
        "MB",
        "why deflate is off",
    )
    table.add(
        "bare broadcast with per-message deflate, 1,000: p99", deflate.p99_ms, plain.p99_ms, "ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.screens")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each call run")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="runs of each measure")
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=600, help=argparse.SUPPRESS)
    parser.add_argument("--deflate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--screens", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--compress", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.screens:
        screens(args.screens[0], int(args.screens[1]), args.compress)
        return
    if args.serve_baseline:
        serve_baseline(args.serve_baseline, args.size, args.deflate)
        return
    from bench.harness import environment

    print(f"OneWindow screens benchmark — {environment()} — {time.strftime('%Y-%m-%d %H:%M')}")
    run(Table(), args.seconds, args.repeat)


if __name__ == "__main__":
    main()
