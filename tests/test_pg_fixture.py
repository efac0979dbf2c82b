"""The tests' PostgreSQL: a database per test, and the throwaway cluster on a fresh machine."""

from __future__ import annotations

import psycopg
import pytest

from tests import pg


def test_each_test_gets_its_own_migrated_database(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        names = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
        conn.execute(
            "INSERT INTO halls (code, name_zh, name_en, level) VALUES ('X', 'x', 'x', 'street')"
        )
    assert {"halls", "events", "hall_tickets", "central_schema"} <= names


def test_a_second_test_does_not_see_the_first_ones_rows(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM halls").fetchone() == (0,)


def test_throwaway_cluster_starts_answers_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    if not list(pg.PG_ROOT.glob("*/bin/initdb")):
        pytest.skip("Debian's postgresql package is not installed")
    monkeypatch.setenv(pg.ENV, "throwaway")
    machine_server_was_up = pg.answers(pg.LOCAL)
    with pg.server() as dsn:
        assert "port=5432" not in dsn
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
            data_dir = conn.execute("SHOW data_directory").fetchone()
        assert data_dir is not None and "onewindow-pg-" in data_dir[0]
    assert not pg.answers(dsn)
    assert pg.answers(pg.LOCAL) == machine_server_was_up  # the machine's own is left alone
