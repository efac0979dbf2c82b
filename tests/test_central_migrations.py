"""The centre's migrations, from an empty database."""

from __future__ import annotations

import psycopg

from central.migrations import MIGRATIONS, migrate
from tests import pg


async def test_migrations_run_from_an_empty_database_and_once(pg_server: str) -> None:
    name = pg.create_database(pg_server)
    try:
        dsn = pg.with_database(pg_server, name)
        async with await psycopg.AsyncConnection.connect(dsn) as conn:
            assert await migrate(conn) == len(MIGRATIONS)
            assert await migrate(conn) == len(MIGRATIONS)  # a second start changes nothing
            cur = await conn.execute("SELECT number FROM central_schema ORDER BY number")
            assert [r[0] for r in await cur.fetchall()] == list(range(1, len(MIGRATIONS) + 1))
            cur = await conn.execute(
                "SELECT count(*) FROM pg_tables WHERE tablename IN "
                "('halls', 'events', 'hall_tickets', 'hall_windows', 'hall_cases')"
            )
            assert await cur.fetchone() == (5,)
    finally:
        pg.drop_database(pg_server, name)


async def test_the_two_case_tables_of_version_5_become_one_keeping_every_answer(
    pg_server: str,
) -> None:
    name = pg.create_database(pg_server)
    try:
        dsn = pg.with_database(pg_server, name)
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
            await conn.execute(
                "CREATE TABLE central_schema (number integer PRIMARY KEY, "
                "applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for number, step in enumerate(MIGRATIONS[:5], start=1):
                await conn.execute(step)
                await conn.execute("INSERT INTO central_schema (number) VALUES (%s)", (number,))
            await conn.execute(
                "INSERT INTO halls (code, name_zh, name_en, level) VALUES ('HZ', 'z', 'e', 'street')"
            )
            await conn.execute(
                "INSERT INTO hall_cases (hall, case_id, case_no, item, service, state, "
                "deadline, accepted_at, changed_at) VALUES ('HZ', 'c1', 'HZ202612040001', "
                "'i1', 'A', 'returned', '2026-12-20', '2026-12-04T09:00Z', '2026-12-04T10:00Z')"
            )
            await conn.execute(
                "INSERT INTO cases (hall, case_no, case_id, item, state, accepted_at, deadline, "
                "missing, proof, changed_at) VALUES ('HZ', 'HZ202612040001', 'c1', 'i1', "
                "'returned', '2026-12-04T09:00Z', '2026-12-20', '{m1,m2}', 'digest', "
                "'2026-12-04T10:00Z')"
            )
            assert await migrate(conn) == len(MIGRATIONS)
            cur = await conn.execute(
                "SELECT case_no, state, missing, proof, finished_at FROM hall_cases"
            )
            assert await cur.fetchall() == [
                ("HZ202612040001", "returned", ["m1", "m2"], "digest", None)
            ]
            cur = await conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'cases'")
            assert await cur.fetchone() == (0,)
    finally:
        pg.drop_database(pg_server, name)
