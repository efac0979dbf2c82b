"""The staff CLI, run while the server runs, ends a person's sign-ins at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import PIN, add_staff, login

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"))
    return await aiohttp_client(create_app(config, db_path))


def staff_cli(db_path: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "onewindow_cli.cli", "staff", "--db", str(db_path), *args]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True)


@pytest.mark.parametrize(
    "change",
    [
        ("disable", "--staff-id", "1005"),
        ("add", "--staff-id", "1005", "--name", "测试", "--role", "clerk", "--pin", "4321"),
        ("add", "--staff-id", "1005", "--name", "测试", "--role", "guide", "--pin", PIN),
    ],
    ids=["disable", "pin-reset", "role-change"],
)
async def test_staff_change_ends_the_old_token(
    client: TestClient, db_path: Path, change: tuple[str, ...]
) -> None:
    clerk = await login(client, "1005", 5)
    assert (await client.get("/api/me", headers=clerk)).status == 200
    staff_cli(db_path, *change)
    resp = await client.get("/api/me", headers=clerk)
    assert resp.status == 401
