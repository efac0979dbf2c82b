"""The live figures of the halls, read from the projections (`GET /api/halls`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from central.config import DistrictConfig
from onewindow.protocol import district as pd

_HALLS = """
SELECT code, acked_seq, head_seq, last_event_at, last_contact_at
FROM halls WHERE code = ANY(%(halls)s)
"""
_WINDOW_STATES = """
SELECT hall, state, count(*) FROM hall_windows WHERE hall = ANY(%(halls)s) GROUP BY hall, state
"""
_SERVING = """
SELECT hall, count(*) FROM hall_tickets
WHERE hall = ANY(%(halls)s) AND state IN ('called', 'serving') GROUP BY hall
"""
_WAITING = """
SELECT hall, service, count(*), min(issued_at) FROM hall_tickets
WHERE hall = ANY(%(halls)s) AND state = 'waiting' GROUP BY hall, service ORDER BY hall, service
"""
_TICKETS_TODAY = """
SELECT hall, count(*) FROM hall_tickets
WHERE business_day = %(day)s AND hall = ANY(%(halls)s) GROUP BY hall
"""
_CASES_TODAY = """
SELECT hall, count(*) FROM hall_cases
WHERE accepted_at >= %(start)s AND accepted_at < %(end)s AND hall = ANY(%(halls)s) GROUP BY hall
"""
_WINDOWS = """
SELECT w.number, w.state, w.changed_at, t.number, t.service, t.state
FROM hall_windows w LEFT JOIN LATERAL (
    SELECT number, service, state FROM hall_tickets t
    WHERE t.hall = w.hall AND t."window" = w.number AND t.state IN ('called', 'serving')
    ORDER BY t.changed_at DESC LIMIT 1
) t ON true
WHERE w.hall = %s ORDER BY w.number
"""


async def _rows(conn: AsyncConnection, query: str, params: dict[str, Any]) -> list[Any]:
    cur = await conn.execute(query, params)
    return await cur.fetchall()


def _counts(rows: list[Any]) -> dict[str, int]:
    return {hall: int(n) for hall, n in rows}


async def hall_figures(
    pool: AsyncConnectionPool, config: DistrictConfig, now: dt.datetime, codes: list[str]
) -> list[pd.HallFigures]:
    """Figures of the halls `codes`, in the order the district lists them."""
    today = now.astimezone(config.centre.tz).date()
    start = dt.datetime.combine(today, dt.time(), config.centre.tz)
    params = {"halls": codes, "day": today, "start": start, "end": start + dt.timedelta(days=1)}
    async with pool.connection() as conn:
        halls = {r[0]: r for r in await _rows(conn, _HALLS, params)}
        states: dict[str, dict[str, int]] = defaultdict(dict)
        for hall, state, n in await _rows(conn, _WINDOW_STATES, params):
            states[hall][state] = int(n)
        serving = _counts(await _rows(conn, _SERVING, params))
        waiting: dict[str, list[pd.ServiceWaiting]] = defaultdict(list)
        for hall, service, n, oldest in await _rows(conn, _WAITING, params):
            wait_s = max(0, int((now - oldest).total_seconds()))
            waiting[hall].append(pd.ServiceWaiting(service, int(n), wait_s))
        tickets = _counts(await _rows(conn, _TICKETS_TODAY, params))
        cases = _counts(await _rows(conn, _CASES_TODAY, params))
    out = []
    for hall in config.halls:
        if hall.code not in halls:
            continue
        _, acked, head, last_event_at, last_contact_at = halls[hall.code]
        online = last_contact_at is not None and (
            (now - last_contact_at).total_seconds() <= config.centre.offline_after_s
        )
        lines = waiting[hall.code]
        out.append(
            pd.HallFigures(
                code=hall.code,
                name_zh=hall.name_zh,
                name_en=hall.name_en,
                level=hall.level,  # type: ignore[arg-type]
                online=online,
                open_windows=states[hall.code].get("open", 0),
                paused_windows=states[hall.code].get("paused", 0),
                serving=serving.get(hall.code, 0),
                waiting_total=sum(w.waiting for w in lines),
                longest_wait_s=max((w.longest_wait_s for w in lines), default=0),
                waiting=lines,
                tickets_today=tickets.get(hall.code, 0),
                cases_today=cases.get(hall.code, 0),
                acked_seq=acked,
                head_seq=head,
                lag_events=max(0, head - acked),
                last_event_at=last_event_at,
                last_contact_at=last_contact_at,
            )
        )
    return out


async def hall_windows(pool: AsyncConnectionPool, code: str) -> list[pd.WindowFigure]:
    async with pool.connection() as conn:
        cur = await conn.execute(_WINDOWS, (code,))
        rows = await cur.fetchall()
    return [
        pd.WindowFigure(
            number=number,
            state=state,
            serving=ticket,
            serving_service=service,
            ticket_state=ticket_state,
            changed_at=changed_at,
        )
        for number, state, changed_at, ticket, service, ticket_state in rows
    ]
