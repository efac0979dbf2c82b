"""The real app on loopback with a real SQLite file, and shortcuts for its calls."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from queue_server import auth
from queue_server.store.storage import Storage

KIOSK = {"Authorization": "Bearer demo-kiosk-token"}
DISPLAY = {"Authorization": "Bearer demo-display-token"}
PIN = "1234"


def add_staff(db_path: Path, *staff: tuple[str, str]) -> None:
    storage = Storage(db_path)
    storage.open()
    try:
        for staff_id, role in staff:
            storage.write_now(
                lambda c, s=staff_id, r=role: auth.upsert_staff(
                    c, s, f"测试{s}", r, PIN, time.time()
                )
            )
    finally:
        storage.close()


async def login(client: TestClient, staff_id: str, window: int | None) -> dict[str, str]:
    resp = await client.post(
        "/api/login", json={"staff_id": staff_id, "pin": PIN, "window": window}
    )
    assert resp.status == 200, await resp.text()
    token = (await resp.json())["token"]
    return {"Authorization": f"Bearer {token}"}


async def issue(client: TestClient, service: str = "A", **body: Any) -> dict[str, Any]:
    resp = await client.post("/api/tickets", json={"service": service, **body}, headers=KIOSK)
    assert resp.status == 201, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def act(
    client: TestClient,
    headers: dict[str, str],
    window: int,
    action: str,
    body: Any = None,
    status: int = 200,
) -> dict[str, Any] | None:
    resp = await client.post(f"/api/windows/{window}/{action}", json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return await resp.json() if resp.status == 200 else None


async def error_code(resp: Any) -> str:
    body = await resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    code: str = body["error"]["code"]
    return code
