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
