"""Queue server figures: start-up, durable ticket issue, call-next over a long queue."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

import aiohttp

from bench.harness import CONFIG, Process, Table, onewindow_server, percentile, temp_dir, wrk_issue
from onewindow.config import load_config
from queue_server import auth
from queue_server import rules as r
from queue_server.service import hall_rules
from queue_server.store.storage import Storage, save_changes

WAITING = 100_000


def baseline_server(db: Path) -> Process:
    return Process([sys.executable, "-m", "bench.baseline", "{port}", str(db)])


def prefill(db: Path, waiting: int) -> None:
    """Today's hall with `waiting` tickets in line and one clerk, written straight to disk."""
    config = load_config(CONFIG)
    hall = r.Hall(hall_rules(config))
    now = dt.datetime.now(config.hall.tz)
    services = ("A", "B")
    tickets = []
    for i in range(waiting):
        events = hall.handle(r.IssueTicket(services[i % 2]), now)
        tickets.extend(e.ticket for e in events if isinstance(e, r.TicketIssued))
    storage = Storage(db)
    storage.open()
    storage.write_now(save_changes(tickets, []))
    storage.write_now(lambda c: auth.upsert_staff(c, "1005", "bench", "clerk", "1234", time.time()))
    storage.close()


async def call_next_latencies(url: str, rounds: int) -> list[float]:
    async with aiohttp.ClientSession() as session:
        body = {"staff_id": "1005", "pin": "1234", "window": 5}
        async with session.post(f"{url}/api/login", json=body) as resp:
            token = (await resp.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        out = []
        for _ in range(rounds):
            begun = time.perf_counter()
            async with session.post(f"{url}/api/windows/5/call-next", headers=headers) as resp:
                assert resp.status == 200, await resp.text()
                await resp.read()
            out.append((time.perf_counter() - begun) * 1000)
            async with session.post(f"{url}/api/windows/5/finish", headers=headers) as resp:
                await resp.read()
        return out


async def single_issue_latencies(url: str, rounds: int) -> list[float]:
    async with aiohttp.ClientSession() as session:
        out = []
        for i in range(rounds):
            headers = {"Authorization": "Bearer demo-kiosk-token", "Idempotency-Key": f"lat{i}"}
            begun = time.perf_counter()
            async with session.post(
                f"{url}/api/tickets", json={"service": "A"}, headers=headers
            ) as resp:
                await resp.read()
            out.append((time.perf_counter() - begun) * 1000)
        return out


def run(table: Table, seconds: float = 8.0) -> None:
    work = temp_dir()
    # Start-up: a hall's server restarts on its database; the very first start also
    # creates the schema (migrations), which a hall pays once.
    db_start = work / "start.sqlite"
    with onewindow_server(db_start) as server:
        first = server.started_in_s * 1000
    starts = []
    for _ in range(5):
        with onewindow_server(db_start) as server:
            starts.append(server.started_in_s * 1000)
    with baseline_server(work / "start-base.sqlite") as base:
        base_start = base.started_in_s * 1000
    table.add(
        "server restart → first answer (median of 5)",
        sorted(starts)[2],
        base_start,
        "ms",
        "< 500 ms",
    )
    table.add("first start on a new database (schema created)", first, None, "ms")

    for connections in (1, 32):
        with onewindow_server(work / f"issue{connections}.sqlite") as server:
            ours = wrk_issue(server.url, connections, seconds)
        with baseline_server(work / f"base{connections}.sqlite") as base:
            theirs = wrk_issue(base.url, connections, seconds)
        target = "≥ 5,000/s" if connections == 32 else ""
        table.add(
            f"durable issue, {connections} conn: tickets/s",
            ours.requests_per_s,
            theirs.requests_per_s,
            "/s",
            target,
        )
        table.add(f"durable issue, {connections} conn: p50", ours.p50_ms, theirs.p50_ms, "ms")
        table.add(
            f"durable issue, {connections} conn: p99",
            ours.p99_ms,
            theirs.p99_ms,
            "ms",
            "< 20 ms" if connections == 32 else "",
        )

    db = work / "long-queue.sqlite"
    prefill(db, WAITING)
    with onewindow_server(db) as server:
        table.add(
            f"start with {WAITING:,} waiting → first answer", server.started_in_s * 1000, None, "ms"
        )
        latencies = asyncio.run(call_next_latencies(server.url, 2000))
        rss = server.rss_mb()
    with baseline_server(work / "base-latency.sqlite") as base:
        base_lat = asyncio.run(single_issue_latencies(base.url, 2000))
    table.add(
        f"call-next with {WAITING:,} waiting: p50",
        percentile(latencies, 50),
        percentile(base_lat, 50),
        "ms",
    )
    table.add(
        f"call-next with {WAITING:,} waiting: p99",
        percentile(latencies, 99),
        percentile(base_lat, 99),
        "ms",
        "< 2 ms",
    )
    table.add(f"server RSS with {WAITING:,} waiting", rss, None, "MB")
