"""District figures: the centre's ingest rate, a day's backlog drained, issue with the uplink on.

Every run uses a fresh database on the PostgreSQL that `make district` would use
(`ONEWINDOW_PG`, else 127.0.0.1:5432, else a throwaway cluster) and the real centre and
hall servers as processes. The events are a real hall day's: tickets issued, called,
started and finished at one window by the rules core, with their wire shapes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import psycopg

from bench.harness import CONFIG, ROOT, Process, Table, temp_dir, wrk_issue
from central import pgserver
from onewindow import protocol as p
from onewindow.config import load_config
from onewindow.protocol import district as pd
from onewindow_cli.district import ENV
from queue_server import rules as r
from queue_server import views
from queue_server.service import hall_rules
from queue_server.store import storage as db

VIEWER = "bench-district-viewer-token"
DAY_EVENTS = 50_000
BATCH = 1000


def token(code: str) -> str:
    return f"bench-uplink-token-{code}"


def day_events(count: int) -> tuple[list[db.EventRow], list[r.Ticket]]:
    """`count` events of a hall day at window 5, and the tickets as they end the day."""
    config = load_config(CONFIG)
    hall = r.Hall(hall_rules(config))
    now = dt.datetime.now(config.hall.tz)
    rows: list[db.EventRow] = []
    tickets: dict[str, r.Ticket] = {}
    commands: Iterator[r.Command] = iter([r.OpenWindow(5, "1005")])
    while len(rows) < count:
        command = next(commands, None)
        if command is None:
            commands = iter([r.IssueTicket("A"), r.CallNext(5), r.Start(5), r.Finish(5)])
            continue
        for event in hall.handle(command, now):
            seq = len(rows) + 1
            wire = views.wire_event(event, seq, now)
            if isinstance(event, r.TicketEvent):
                tickets[event.ticket.id] = event.ticket
            rows.append(
                db.EventRow(
                    seq,
                    p.event_type(type(wire)),
                    now.timestamp(),
                    None,
                    None,
                    None,
                    p.encode(wire).decode(),
                )
            )
    return rows[:count], list(tickets.values())


def batches(rows: list[db.EventRow], size: int) -> list[bytes]:
    """The deliveries a hall's uplink would send, encoded once."""
    out = []
    for i in range(0, len(rows), size):
        events = [p.decode_event(row.body) for row in rows[i : i + size]]
        out.append(p.encode(pd.EventBatch(events=events, head=len(rows))))
    return out


@contextmanager
def database(admin: str) -> Iterator[str]:
    name = f"ow_bench_{uuid.uuid4().hex[:10]}"
    pgserver.create_database(admin, name)
    try:
        yield pgserver.with_database(admin, name)
    finally:
        pgserver.drop_database(admin, name)


def centre(folder: Path, dsn: str, codes: list[str]) -> Process:
    halls = "".join(
        f'[[halls]]\ncode = "{c}"\nname_zh = "{c}"\ntoken = "{token(c)}"\n' for c in codes
    )
    path = folder / f"district-{uuid.uuid4().hex[:6]}.toml"
    path.write_text(
        f"[centre]\ndatabase = {json.dumps(dsn)}\npool_size = 4\n{halls}"
        f'[[viewers]]\nname = "bench"\nrole = "supervisor"\ntoken = "{VIEWER}"\n',
        encoding="utf-8",
    )
    return Process(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "central",
            "serve",
            "--config",
            str(path),
            "--port",
            "{port}",
        ]
    )


async def post_all(url: str, codes: list[str], bodies: list[bytes]) -> int:
    """Every hall posts its deliveries one after another, all halls at once."""
    connector = aiohttp.TCPConnector(limit=len(codes))
    async with aiohttp.ClientSession(connector=connector) as session:

        async def hall(code: str) -> None:
            headers = {"Authorization": f"Bearer {token(code)}", "Content-Type": "application/json"}
            for body in bodies:
                async with session.post(
                    f"{url}/api/halls/{code}/events", data=body, headers=headers
                ) as resp:
                    assert resp.status == 200, await resp.text()
                    await resp.read()

        await asyncio.gather(*(hall(c) for c in codes))
    return len(codes)


def bare_copy(dsn: str, codes: list[str], rows: list[db.EventRow], size: int) -> float:
    """Seconds to COPY the same rows into a bare table, one transaction per delivery."""
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "CREATE TABLE bare (hall text, seq bigint, type text, at timestamptz, "
            "body jsonb, PRIMARY KEY (hall, seq))"
        )
        conn.commit()
        at = dt.datetime.fromtimestamp(rows[0].at, dt.UTC)
        begun = time.perf_counter()
        for code in codes:
            for i in range(0, len(rows), size):
                with conn.cursor().copy("COPY bare FROM STDIN") as copy:
                    for row in rows[i : i + size]:
                        copy.write_row((code, row.seq, row.type, at, row.body))
                conn.commit()
        return time.perf_counter() - begun


def ingest(table: Table, admin: str, work: Path, halls: int, per_hall: int, size: int) -> None:
    rows, _ = day_events(per_hall)
    bodies = batches(rows, size)
    codes = [f"S{i:03d}" for i in range(1, halls + 1)]
    with database(admin) as dsn, centre(work, dsn, codes) as server:
        begun, cpu = time.perf_counter(), cpu_seconds(server)
        asyncio.run(post_all(server.url, codes, bodies))
        wall = time.perf_counter() - begun
        ours, busy = halls * per_hall / wall, (cpu_seconds(server) - cpu) / wall * 100
    with database(admin) as dsn:
        theirs = halls * per_hall / bare_copy(dsn, codes, rows, size)
    table.add(
        f"centre ingest, {halls} halls × {per_hall:,} ev: events/s",
        ours,
        theirs,
        "/s",
        "≥ 10,000/s" if halls == 200 else "",
    )
    table.add(f"centre ingest, {halls} halls: centre process CPU", busy, None, "% core")


def cpu_seconds(process: Process) -> float:
    """User + system CPU the process has used (what saturates: it, or PostgreSQL?)."""
    assert process.proc is not None
    fields = Path(f"/proc/{process.proc.pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hall_config(work: Path, centre_url: str | None, batch: int = BATCH) -> Path:
    """The sample hall, with an `[uplink]` to `centre_url` when given."""
    folder = work / uuid.uuid4().hex[:6]
    folder.mkdir()
    shutil.copy(ROOT / "catalogue.toml", folder / "catalogue.toml")
    text = CONFIG.read_text(encoding="utf-8")
    if centre_url:
        text += (
            f'\n[uplink]\nurl = "{centre_url}"\nhall = "HZ"\ntoken = "{token("HZ")}"\n'
            f"batch = {batch}\ninterval_s = 0.05\n"
        )
    (folder / "config.toml").write_text(text, encoding="utf-8")
    return folder / "config.toml"


def hall(config: Path, db_path: Path) -> Process:
    return Process(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "serve",
            "--config",
            str(config),
            "--db",
            str(db_path),
            "--port",
            "{port}",
        ]
    )


def acked(centre_url: str) -> int:
    request = urllib.request.Request(
        f"{centre_url}/api/halls/HZ", headers={"Authorization": f"Bearer {VIEWER}"}
    )
    with urllib.request.urlopen(request, timeout=5) as resp:
        return int(json.load(resp)["hall"]["acked_seq"])


def prefill(db_path: Path, rows: list[db.EventRow], tickets: list[r.Ticket]) -> None:
    storage = db.Storage(db_path)
    storage.open()
    save = db.save_changes(tickets, [])

    def write(conn: sqlite3.Connection) -> None:
        save(conn)
        db.insert_events(conn, rows)

    storage.write_now(write)
    storage.close()


def drain(table: Table, admin: str, work: Path) -> None:
    rows, tickets = day_events(DAY_EVENTS)
    db_path = work / "day.sqlite"
    prefill(db_path, rows, tickets)
    with database(admin) as dsn, centre(work, dsn, ["HZ"]) as server:
        begun = time.perf_counter()
        with hall(hall_config(work, server.url), db_path):
            while acked(server.url) < DAY_EVENTS:
                time.sleep(0.05)
            ours = time.perf_counter() - begun
    with database(admin) as dsn:
        theirs = bare_copy(dsn, ["HZ"], rows, BATCH)
    table.add(f"backlog of {DAY_EVENTS:,} events (a day) → all acked", ours, theirs, "s")


def issue(table: Table, admin: str, work: Path, seconds: float) -> None:
    with database(admin) as dsn, centre(work, dsn, ["HZ"]) as server:
        with hall(hall_config(work, server.url), work / "on.sqlite") as on:
            with_uplink = wrk_issue(on.url, 32, seconds)
            # How far the uplink trails the log the moment the burst ends.
            behind = _last_seq(work / "on.sqlite") - acked(server.url)
        with hall(hall_config(work, None), work / "off.sqlite") as off:
            without = wrk_issue(off.url, 32, seconds)
    table.add(
        "durable issue, 32 conn, uplink on: tickets/s",
        with_uplink.requests_per_s,
        without.requests_per_s,
        "/s",
        "within 10% of off",
    )
    table.add("durable issue, 32 conn, uplink on: p99", with_uplink.p99_ms, without.p99_ms, "ms")
    table.add("uplink behind right after the burst", behind, None, "events")


def _last_seq(db_path: Path) -> int:
    conn = db.connect(db_path)
    try:
        return db.last_seq(conn)
    finally:
        conn.close()


def run(table: Table, seconds: float = 8.0) -> None:
    work = temp_dir()
    with pgserver.server(ENV) as admin:
        ingest(table, admin, work, halls=19, per_hall=4_000, size=BATCH)
        ingest(table, admin, work, halls=200, per_hall=1_000, size=250)
        drain(table, admin, work)
        issue(table, admin, work, min(seconds, 5.0))
