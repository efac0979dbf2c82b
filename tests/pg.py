"""A PostgreSQL server for the tests, found or started, and a database per test.

The server comes from `central.pgserver.server` with the tests' own variable:
`ONEWINDOW_TEST_PG` (a libpq DSN of a role that may CREATE DATABASE, or `throwaway`),
else 127.0.0.1:5432 as `postgres`, else a throwaway cluster stopped at the end of the
session.

Each test gets its own database, made from a migrated template, so tests never see each
other's rows and migrations run once per session.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from central import pgserver
from central.pgserver import LOCAL, PG_ROOT, answers, drop_database, with_database

__all__ = ["ENV", "LOCAL", "PG_ROOT", "answers", "drop_database", "server", "with_database"]

ENV = "ONEWINDOW_TEST_PG"


@contextlib.contextmanager
def server() -> Iterator[str]:
    """A DSN of a maintenance database on the tests' server."""
    with pgserver.server(ENV, LOCAL) as dsn:
        yield dsn


def create_database(admin_dsn: str, template: str | None = None) -> str:
    """A new database (a copy of `template` if given); returns its name."""
    name = f"ow_test_{uuid.uuid4().hex[:12]}"
    pgserver.create_database(admin_dsn, name, template)
    return name
