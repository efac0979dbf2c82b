"""The centre's one door to PostgreSQL: the pool, the halls and ingesting a batch.

A batch is stored and projected in one transaction that first locks the hall's row, so
two deliveries of the same events (a retry racing the first try) are serialized: the
second finds them held and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from central import migrations, report_rows
from central.config import DistrictConfig
from central.projection import Changes, fold
from onewindow import protocol as p
from onewindow.protocol import district as pd

_INSERT_EVENTS = """
INSERT INTO events (hall, seq, type, at, body)
SELECT %s, * FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::jsonb[])
ON CONFLICT (hall, seq) DO NOTHING
"""
# Seqs past `acked` numbered by rank: exactly the gap-free run has seq - rank = acked.
_CONTIGUOUS = """
SELECT coalesce(max(seq), %(acked)s) FROM (
    SELECT seq, seq - row_number() OVER (ORDER BY seq) AS offset_
    FROM events WHERE hall = %(hall)s AND seq > %(acked)s
) run WHERE offset_ = %(acked)s
"""
_UPSERT_TICKET = """
INSERT INTO hall_tickets (hall, id, number, service, kind, state, "window", issued_at,
                          business_day, called_at, changed_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (hall, id) DO UPDATE SET number = excluded.number, service = excluded.service,
    kind = excluded.kind, state = excluded.state, "window" = excluded."window",
    called_at = excluded.called_at, changed_at = excluded.changed_at
"""
_UPSERT_WINDOW = """
INSERT INTO hall_windows (hall, number, state, changed_at) VALUES (%s, %s, %s, %s)
ON CONFLICT (hall, number) DO UPDATE SET state = excluded.state,
    changed_at = excluded.changed_at
"""
_UPSERT_CASE = """
INSERT INTO hall_cases (hall, case_id, case_no, item, service, state, "window", deadline,
                        accepted_at, finished_at, missing, proof, changed_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (hall, case_id) DO UPDATE SET item = excluded.item,
    case_no = coalesce(excluded.case_no, hall_cases.case_no),
    service = excluded.service, state = excluded.state, "window" = excluded."window",
    deadline = excluded.deadline, missing = excluded.missing, changed_at = excluded.changed_at,
    accepted_at = coalesce(excluded.accepted_at, hall_cases.accepted_at),
    finished_at = coalesce(hall_cases.finished_at, excluded.finished_at),
    proof = coalesce(excluded.proof, hall_cases.proof)
"""
_SET_CASE_ALERT = """
UPDATE hall_cases SET alert = %s, alert_at = %s WHERE hall = %s AND case_id = %s
"""
_UPDATE_HALL = """
UPDATE halls SET acked_seq = %(acked)s, head_seq = greatest(head_seq, %(head)s, %(acked)s),
    last_event_at = coalesce(%(last_event_at)s, last_event_at), last_contact_at = now()
WHERE code = %(hall)s
"""
_REGISTER_HALL = """
INSERT INTO halls (code, name_zh, name_en, level) VALUES (%s, %s, %s, %s)
ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
    level = excluded.level
"""


async def open_pool(dsn: str, size: int) -> AsyncConnectionPool:
    pool = AsyncConnectionPool(dsn, min_size=1, max_size=size, open=False)
    await pool.open(wait=True, timeout=30)
    return pool


async def prepare(pool: AsyncConnectionPool, config: DistrictConfig) -> None:
    """Migrate, then make sure every configured hall has its row."""
    async with pool.connection() as conn:
        await migrations.migrate(conn)
        async with conn.transaction(), conn.cursor() as cur:
            await cur.executemany(
                _REGISTER_HALL, [(h.code, h.name_zh, h.name_en, h.level) for h in config.halls]
            )


async def ingest(pool: AsyncConnectionPool, hall: str, batch: pd.EventBatch, tz: dt.tzinfo) -> int:
    """Store a batch once by (hall, seq), project what became contiguous; the new ack."""
    async with pool.connection() as conn, conn.transaction():
        cur = await conn.execute("SELECT acked_seq FROM halls WHERE code = %s FOR UPDATE", (hall,))
        row = await cur.fetchone()
        assert row is not None, "every configured hall is registered at start"
        acked = int(row[0])
        fresh = [e for e in batch.events if e.seq > acked]
        if fresh:
            await _insert(conn, hall, fresh)
        cur = await conn.execute(_CONTIGUOUS, {"hall": hall, "acked": acked})
        found = await cur.fetchone()
        new_acked = int(found[0]) if found else acked
        changes = Changes()
        if new_acked > acked:
            run = await _run(conn, hall, acked, new_acked, {e.seq: e for e in fresh})
            changes = fold(hall, run, tz)
            await _project(conn, changes)
            await report_rows.project(conn, hall, report_rows.fold(hall, run, tz))
        await conn.execute(
            _UPDATE_HALL,
            {
                "hall": hall,
                "acked": new_acked,
                "head": batch.head,
                "last_event_at": changes.last_event_at,
            },
        )
    return new_acked


async def _insert(conn: AsyncConnection, hall: str, events: list[p.Event]) -> None:
    # Re-encoded from the decoded Structs: only the fields an event defines are kept.
    bodies = [p.encode(e).decode() for e in events]
    types = [p.event_type(type(e)) for e in events]
    await conn.execute(
        _INSERT_EVENTS, (hall, [e.seq for e in events], types, [e.at for e in events], bodies)
    )


async def _run(
    conn: AsyncConnection, hall: str, after: int, upto: int, known: dict[int, p.Event]
) -> list[p.Event]:
    """The events after..upto in order: from this batch, or stored past a gap earlier."""
    if all(seq in known for seq in range(after + 1, upto + 1)):
        return [known[seq] for seq in range(after + 1, upto + 1)]
    cur = await conn.execute(
        "SELECT body::text FROM events WHERE hall = %s AND seq > %s AND seq <= %s ORDER BY seq",
        (hall, after, upto),
    )
    return [p.decode_event(body) for (body,) in await cur.fetchall()]


async def _project(conn: AsyncConnection, changes: Changes) -> None:
    async with conn.cursor() as cur:
        for query, rows in (
            (_UPSERT_TICKET, changes.tickets.values()),
            (_UPSERT_WINDOW, changes.windows.values()),
            (_UPSERT_CASE, changes.cases.values()),
            (_SET_CASE_ALERT, changes.case_alerts.values()),
        ):
            if rows:
                await cur.executemany(query, list(rows))
