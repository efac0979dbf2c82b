"""Report figures: a month of a busy city hall (1,000,000 tickets) beside a bare scan.

The database is written straight by SQL (a recursive counter with hashed, repeatable
"random" values: no API, no Python row loop) through the real schema and migrations:
November 2026's 21 working days, 600 windows with two clerks each, 9 services, the
catalogue's items, cases for half the served tickets and ratings for a third of them,
plus 100,000 tickets of late October so that the period has to be picked out. The
baseline is the cheapest question one can ask of those rows: one `count(*)` and one
`avg()` over the whole tickets table.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.harness import CONFIG, Table, temp_dir
from onewindow.catalogue_file import load_catalogue
from onewindow.config import load_config
from queue_server import rules as r
from queue_server.reports import Period, compute
from queue_server.store.storage import _UPSERT_TICKET, Storage, ticket_row

TICKETS = 1_000_000
EARLIER = 100_000  # October's tickets, outside the period
WINDOWS = 600
NOVEMBER = Period.month(2026, 11)


def working_days(period: Period) -> list[dt.date]:
    return [d for d in period.dates() if d.weekday() < 5]


def fill(conn: sqlite3.Connection, days: list[dt.date], count: int, first_id: int) -> None:
    """`count` tickets spread over `days`, with their cases and ratings."""
    services = [s.code for s in load_config(CONFIG).services]
    items = [i.code for i in load_catalogue(CONFIG.parent / "catalogue.toml")]
    starts = [
        dt.datetime.combine(d, dt.time(0), dt.timezone(dt.timedelta(hours=8))).timestamp()
        for d in days
    ]
    day_of = f"({{i}} - {first_id}) * {len(days)} / {count}"
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS day (n INTEGER PRIMARY KEY, day TEXT, start REAL)"
    )
    conn.execute("DELETE FROM temp.day")
    rows = [(n, d.isoformat(), s) for n, (d, s) in enumerate(zip(days, starts, strict=True))]
    conn.executemany("INSERT INTO temp.day VALUES (?, ?, ?)", rows)
    svc, item = _pick(services), _pick(items)
    conn.execute("BEGIN")
    conn.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT {first_id} UNION ALL SELECT i + 1 FROM n
                                WHERE i < {first_id + count - 1}),
        h AS (SELECT i, (i * 2654435761) % 4294967296 AS a, (i * 40503 + 7) % 1000003 AS b
              FROM n),
        t AS (SELECT i, day.day AS bday, day.start + 30600 + a % 32400
                     - (b % 7200) * (i % 3 = 0) AS issued,
                     b % 100 AS fate, (a / 7) % 3600 AS wait, 60 + (b / 100) % 1140 AS served,
                     1 + (a / 11) % {WINDOWS} AS w
              FROM h JOIN temp.day ON day.n = {day_of.format(i="i")})
        INSERT INTO tickets (id, business_day, number, service, kind, state, place, channel,
            window, call_count, issued_at, called_at, started_at, finished_at, outcome,
            transfers, staff_id, first_called_at)
        SELECT 't' || i, bday, 'N' || i, {svc("i")},
            CASE WHEN fate < 10 THEN 'special' WHEN fate < 15 THEN 'priority' ELSE 'normal' END,
            CASE WHEN fate < 88 THEN 'done' WHEN fate < 93 THEN 'no_show'
                 WHEN fate < 96 THEN 'cancelled' ELSE 'expired' END,
            i, CASE i % 20 WHEN 0 THEN 'guide' WHEN 1 THEN 'window' WHEN 2 THEN 'online'
                 WHEN 3 THEN 'online' WHEN 4 THEN 'online' ELSE 'kiosk' END,
            CASE WHEN fate < 93 THEN w END, 1, issued,
            CASE WHEN fate < 93 THEN issued + wait END,
            CASE WHEN fate < 70 THEN issued + wait + 20 END,
            CASE WHEN fate < 88 THEN issued + wait + 20 + served END,
            CASE WHEN fate < 88 THEN 'served' END, 0,
            CASE WHEN fate < 93 THEN CAST(10000 + w * 2 + i % 2 AS TEXT) END,
            CASE WHEN fate < 93 THEN issued + wait END
        FROM t""")
    # Cases for every other served ticket; a third immediate, a few open past the deadline.
    conn.execute(f"""
        INSERT INTO cases (id, case_no, case_day, item, service, state, immediate, ticket_id,
            window, staff_id, created_at, accepted_at, deadline, promised_days, decided_at,
            overdue, warned, clock_restarts)
        SELECT 'c' || rowid, 'C' || rowid, business_day, {item("rowid")}, service,
            CASE WHEN rowid % 3 = 0 THEN 'issued' WHEN rowid % 50 = 1 THEN 'accepted'
                 ELSE 'approved' END,
            rowid % 3 = 0, id, window, staff_id, finished_at - 60, finished_at - 60,
            CASE WHEN rowid % 3 = 0 THEN business_day
                 ELSE date(business_day, '+' || (rowid % 20 + 1) || ' days') END, 5,
            CASE WHEN rowid % 3 = 0 THEN finished_at - 60 WHEN rowid % 50 = 1 THEN NULL
                 ELSE finished_at + 86400 * (rowid % 25) END,
            rowid % 50 = 1 AND rowid % 20 < 5, 0, 0
        FROM tickets WHERE rowid >= {first_id} AND state = 'done' AND rowid % 2 = 0""")
    conn.execute(f"""
        INSERT INTO ratings (ticket_id, ticket_number, business_day, window, staff_id, service,
            item, score, channel, at, followed_up_at)
        SELECT id, number, business_day, window, staff_id, service, {item("rowid")},
            CASE WHEN rowid % 100 < 70 THEN 5 WHEN rowid % 100 < 90 THEN 4
                 WHEN rowid % 100 < 96 THEN 3 WHEN rowid % 100 < 99 THEN 2 ELSE 1 END,
            'evaluator', finished_at + 30,
            CASE WHEN rowid % 2 = 0 THEN finished_at + 3600 END
        FROM tickets WHERE rowid >= {first_id} AND state = 'done' AND rowid % 3 = 0
        ORDER BY rowid""")
    conn.execute("COMMIT")


def _pick(values: list[str]) -> Callable[[str], str]:
    """SQL choosing one of `values` by an integer expression."""
    listed = "[" + ", ".join(f'"{v}"' for v in values) + "]"
    return lambda draw: f"json_extract('{listed}', '$[' || (({draw}) % {len(values)}) || ']')"


def build(db: Path) -> dict[str, int]:
    storage = Storage(db, "NORMAL")
    storage.open()  # the real schema, with every migration
    storage.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {2 * WINDOWS + 1})
        INSERT INTO staff (staff_id, name, role, pin_salt, pin_hash)
        SELECT CAST(10000 + i AS TEXT), 'bench', 'clerk', x'00', x'00' FROM n""")
    october = working_days(Period.month(2026, 10))[-5:]
    fill(conn, october, EARLIER, 1)
    fill(conn, working_days(NOVEMBER), TICKETS, EARLIER + 1)
    conn.execute("ANALYZE")
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("tickets", "cases", "ratings")
    }
    conn.close()
    return counts


def baseline(db: Path) -> float:
    with sqlite3.connect(db) as conn:
        begun = time.perf_counter()
        conn.execute("SELECT count(*), avg(first_called_at - issued_at) FROM tickets").fetchone()
        return time.perf_counter() - begun


def run(table: Table, seconds: float = 8.0) -> None:
    db = temp_dir() / "month.sqlite"
    begun = time.perf_counter()
    counts = build(db)
    built_s = time.perf_counter() - begun
    print(
        f"  (built {counts['tickets']:,} tickets, {counts['cases']:,} cases, "
        f"{counts['ratings']:,} ratings in {built_s:.1f} s)",
        flush=True,
    )
    config = load_config(CONFIG)
    rounds = max(3, min(7, int(seconds // 2)))
    ours, bare, cpu = [], [], []
    for _ in range(rounds):
        bare.append(baseline(db))
        begun, used = time.perf_counter(), time.process_time()
        report = compute(db, config, NOVEMBER)
        ours.append(time.perf_counter() - begun)
        cpu.append(time.process_time() - used)
    assert report.hall_figures.tickets is not None
    assert report.hall_figures.tickets.issued == TICKETS, report.hall_figures.tickets.issued
    table.add(
        "monthly report figures, 1,000,000 tickets (median)",
        statistics.median(ours) * 1000,
        statistics.median(bare) * 1000,
        "ms",
        "< 2000 ms",
    )
    table.add(
        "monthly report figures, slowest of the runs",
        max(ours) * 1000,
        max(bare) * 1000,
        "ms",
        "< 2000 ms",
    )
    # CPU of all its threads: steadier than the elapsed time on a machine doing other work.
    table.add(
        "monthly report figures, CPU seconds (median)", statistics.median(cpu) * 1000, None, "ms"
    )
    from queue_server.reports.render import write

    begun = time.perf_counter()
    write(report, temp_dir() / "report", "zh")
    table.add("monthly report HTML + CSV written", (time.perf_counter() - begun) * 1000, None, "ms")
    with_index, without = ticket_writes(with_report_index=True), ticket_writes(False)
    table.add("ticket row writes, with the report index", with_index, without, "µs/write")


def ticket_writes(with_report_index: bool, tickets: int = 50_000) -> float:
    """What the report index costs the server: a ticket's life is one insert and three
    updates (call, start, finish), each an upsert of the whole row as storage.py does."""
    db = temp_dir() / "writes.sqlite"
    storage = Storage(db, "NORMAL")
    storage.open()
    storage.close()
    conn = sqlite3.connect(db, isolation_level=None)
    if not with_report_index:
        conn.execute("DROP INDEX tickets_report")
    now = dt.datetime(2026, 11, 16, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    lives = []
    for i in range(tickets):
        t = r.Ticket(
            id=f"t{i}",
            number=f"A{i}",
            service="A",
            kind=r.TicketKind.NORMAL,
            business_day=now.date(),
            place=i,
            issued_at=now,
        )
        lives.append(ticket_row(t))
        t.state, t.window, t.staff_id, t.called_at = r.TicketState.CALLED, 5, "1005", now
        t.first_called_at = now
        lives.append(ticket_row(t))
        t.state, t.started_at = r.TicketState.SERVING, now
        lives.append(ticket_row(t))
        t.state, t.finished_at, t.outcome = r.TicketState.DONE, now, "served"
        lives.append(ticket_row(t))
    begun = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(_UPSERT_TICKET, lives)
    conn.execute("COMMIT")
    conn.close()
    return (time.perf_counter() - begun) / len(lives) * 1e6


if __name__ == "__main__":
    run(Table())
