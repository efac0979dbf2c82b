"""What every answer carries at the edge, and service codes taken in either case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server.http.app import create_app


async def test_every_answer_has_the_edge_headers_and_no_server_version(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    for path in ("/api/openapi.json", "/api/state", "/progress", "/no-such-page"):
        reply = await client.get(path)
        assert reply.headers["Server"] == "OneWindow", path
        assert reply.headers["X-Content-Type-Options"] == "nosniff", path
        assert reply.headers["Referrer-Policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"], path


async def test_a_lowercase_service_code_is_taken_as_capitals(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    reply = await client.post(
        "/api/tickets",
        json={"service": "a"},
        headers={"Authorization": "Bearer demo-kiosk-token"},
    )
    assert reply.status == 201
    ticket = await reply.json()
    assert ticket["service"] == "A" and ticket["number"].startswith("A")


async def test_the_screens_allow_only_their_own_scripts(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    reply = await client.get("/display/hall?token=demo-display-token")
    csp = reply.headers["Content-Security-Policy"]
    assert reply.status == 200 and "script-src 'self' 'sha256-" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
