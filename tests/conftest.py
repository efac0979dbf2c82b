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
