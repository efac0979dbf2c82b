"""Shared fixtures: the sample hall's config, a real database file, real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onewindow.config import Config, load_config
from tests.hallserver import SAMPLE_CONFIG, HallServer


@pytest.fixture
def config() -> Config:
    return load_config(SAMPLE_CONFIG)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hall.sqlite"


@pytest.fixture
def hall_server(db_path: Path) -> Iterator[HallServer]:
    """A real server process on loopback with the demo staff (PIN 1234)."""
    server = HallServer(db_path)
    server.add_staff()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallServer]:
    """The sample hall with the clerk terminal's staff; a test module may define its own."""
    from tests.test_clerk_harness import start_hall

    server = start_hall(tmp_path)
    yield server
    server.stop()


# --- PostgreSQL for the district centre (see tests/pg.py for where the server comes from)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    from tests import pg

    with pg.server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database with the centre's migrations applied, copied for each test."""
    import asyncio

    import psycopg

    from central.migrations import migrate
    from tests import pg

    name = pg.create_database(pg_server)

    async def run() -> None:
        async with await psycopg.AsyncConnection.connect(pg.with_database(pg_server, name)) as c:
            await migrate(c)

    asyncio.run(run())
    yield name
    pg.drop_database(pg_server, name)


@pytest.fixture
def pg_dsn(pg_server: str, pg_template: str) -> Iterator[str]:
    """A fresh, migrated database of this test's own."""
    from tests import pg

    name = pg.create_database(pg_server, template=pg_template)
    yield pg.with_database(pg_server, name)
    pg.drop_database(pg_server, name)
