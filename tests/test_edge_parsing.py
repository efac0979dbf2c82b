"""The HTTP edge refuses what it cannot read with a 4xx: loose window numbers, broken forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server.http.app import create_app


@pytest.mark.parametrize("raw", ["%D9%A5", "%205", "0_5", "5%20", "+5", "%EF%BC%95"])
async def test_a_window_number_is_ascii_digits_only(
    aiohttp_client: Any, config: Config, db_path: Path, raw: str
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    headers = {"Authorization": "Bearer demo-display-token"}
    assert (await client.get("/api/windows/5", headers=headers)).status == 200
    reply = await client.get(f"/api/windows/{raw}", headers=headers)
    assert reply.status == 404
    assert (await reply.json())["error"]["code"] == "unknown_window"
    page = await client.get(f"/display/window/{raw}?token=demo-display-token")
    assert page.status == 404
    rate = await client.get(f"/rate/window/{raw}?token=demo-evaluator-token")
    assert rate.status == 404


async def test_a_multipart_progress_form_without_boundary_is_a_400_page(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    client: TestClient = await aiohttp_client(create_app(config, db_path))
    reply = await client.post(
        "/progress", data=b"case_no=1", headers={"Content-Type": "multipart/form-data"}
    )
    assert reply.status == 400 and reply.content_type == "text/html"
    assert "无法读取提交的表单" in await reply.text()
