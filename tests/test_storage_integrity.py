"""Nothing lost, nothing invented: a failed write fails only what it should, memory and
database stay one, an outside lock never freezes the hall, the file is private."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow.config import Config
from queue_server import rules as r
from queue_server.http.app import create_app
from queue_server.http.keys import SERVICE
from queue_server.service import HallService
from queue_server.store import storage as db
from tests.api_helpers import DISPLAY, KIOSK, add_staff, error_code, login


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"), ("9001", "supervisor"))
    return await aiohttp_client(create_app(config, db_path, sim_clock=True))


def _service(client: TestClient) -> HallService:
    return client.server.app[SERVICE]


def _fail_inserting(db_path: Path, number: str) -> None:
    """A real failing statement: the database refuses one ticket's row."""
    conn = sqlite3.connect(db_path)
    conn.execute(
        f"CREATE TRIGGER refuse_{number} BEFORE INSERT ON tickets WHEN NEW.number = '{number}' "
        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
    )
    conn.commit()
    conn.close()


def _stored(db_path: Path) -> tuple[dict[str, str], list[int]]:
    conn = sqlite3.connect(db_path)
    try:
        tickets = dict(conn.execute("SELECT id, number FROM tickets").fetchall())
        seqs = [s for (s,) in conn.execute("SELECT seq FROM events ORDER BY seq")]
    finally:
        conn.close()
    return tickets, seqs


def _assert_memory_is_the_database(svc: HallService, db_path: Path) -> None:
    tickets, seqs = _stored(db_path)
    assert {t.id: t.number for t in svc.hall.tickets.values()} == tickets
    assert seqs == list(range(1, len(seqs) + 1)), "the event log has a gap or a repeat"
    assert svc.storage.seq == seqs[-1]


async def _issue(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    headers = {**KIOSK, "Idempotency-Key": key}
    return await client.post("/api/tickets", json=body, headers=headers)


# --- Idempotency-Key: one request, one day --------------------------------------------


async def test_a_key_reused_on_a_later_day_issues_a_new_ticket(client: TestClient) -> None:
    first = await _issue(client, "tap-1", {"service": "A"})
    assert first.status == 201
    boss = await login(client, "9001", None)
    state = await (await client.get("/api/state", headers=DISPLAY)).json()
    tomorrow = dt.datetime.fromisoformat(state["at"]) + dt.timedelta(days=1)
    await client.post("/api/sim/clock", json={"now": tomorrow.isoformat()}, headers=boss)
    second = await _issue(client, "tap-1", {"service": "A"})
    assert second.status == 201, await second.text()
    body = await second.json()
    assert body["number"] == "A001" and body["id"] != (await first.json())["id"]
    again = await _issue(client, "tap-1", {"service": "A"})
    assert again.status == 200 and (await again.json())["id"] == body["id"]


async def test_a_key_reused_with_another_body_is_refused(client: TestClient) -> None:
    assert (await _issue(client, "tap-2", {"service": "A"})).status == 201
    other = await _issue(client, "tap-2", {"service": "B"})
    assert other.status == 409
    assert await error_code(other) == "idempotency_key_reused"
    assert "A001" in (await other.json())["error"]["message"]


# --- a failing write in a batch of good ones ------------------------------------------


async def test_a_failing_write_fails_only_its_own_request(
    client: TestClient, db_path: Path
) -> None:
    svc = _service(client)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    issues = [_issue(client, f"k{i}", {"service": "A"}) for i in range(100)]

    async def inject() -> BaseException | None:
        await asyncio.sleep(0.01)  # among the issues, in one of their batches
        try:
            await svc.storage.write(broken)
        except db.StorageError as e:
            return e
        return None

    *answers, injected = await asyncio.gather(*issues, inject())
    assert isinstance(injected, db.StorageError)
    assert [a.status for a in answers] == [201] * 100
    numbers = sorted([(await a.json())["number"] for a in answers])
    assert numbers == [f"A{i:03d}" for i in range(1, 101)]
    _assert_memory_is_the_database(svc, db_path)


async def test_a_failing_ticket_write_loses_nothing_else_and_leaves_no_trace(
    client: TestClient, db_path: Path
) -> None:
    svc = _service(client)
    _fail_inserting(db_path, "A050")
    answers = await asyncio.gather(*[_issue(client, f"k{i}", {"service": "A"}) for i in range(100)])
    statuses = [a.status for a in answers]
    assert statuses.count(503) == 1 and statuses.count(201) == 99
    tickets, _ = _stored(db_path)
    for a in answers:
        if a.status == 201:
            body = await a.json()
            assert tickets[body["id"]] == body["number"]  # every 201 is on disk
        else:
            assert await error_code(a) == "storage_unavailable"
    assert "A050" not in tickets.values()
    _assert_memory_is_the_database(svc, db_path)
    # The hall goes on: new numbers never repeat one that exists.
    more = await _issue(client, "after", {"service": "A"})
    assert more.status == 201 and (await more.json())["number"] not in tickets.values()
    state = await (await client.get("/api/state", headers=DISPLAY)).json()
    waiting = {s["code"]: s["waiting"] for s in state["services"]}
    assert waiting["A"] == 100  # 99 kept + the one after; the refused one is not waiting


async def test_a_write_computed_on_a_lost_one_fails_with_it(
    client: TestClient, db_path: Path
) -> None:
    svc = _service(client)
    await login(client, "1005", 5)
    assert (await _issue(client, "k1", {"service": "A"})).status == 201
    assert (await _issue(client, "k2", {"service": "A"})).status == 201
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TRIGGER refuse_call BEFORE UPDATE ON tickets WHEN NEW.state = 'called' "
        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
    )
    conn.commit()
    conn.close()
    # Both commands are applied at once; the start was computed on the call.
    call = asyncio.ensure_future(svc.run(r.CallNext(5)))
    start = asyncio.ensure_future(svc.run(r.Start(5)))
    results = await asyncio.gather(call, start, return_exceptions=True)
    assert all(isinstance(x, db.StorageError) for x in results), results
    assert svc.hall.windows[5].current is None
    assert all(t.state is r.TicketState.WAITING for t in svc.hall.tickets.values())
    _assert_memory_is_the_database(svc, db_path)


# --- another program holding the database ---------------------------------------------


async def test_an_outside_write_lock_never_freezes_reads(
    aiohttp_client: Any, config: Config, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "WRITE_WAIT_S", 1.0)
    client = await aiohttp_client(create_app(config, db_path))
    assert (await _issue(client, "before", {"service": "A"})).status == 201
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        holding.set()
        release.wait(10)
        conn.execute("ROLLBACK")
        conn.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        holding.wait(5)
        loop = asyncio.get_running_loop()
        writing = asyncio.ensure_future(_issue(client, "during", {"service": "A"}))
        await asyncio.sleep(0.05)
        started = loop.time()
        state = await client.get("/api/state", headers=DISPLAY)
        assert state.status == 200
        assert loop.time() - started < 0.5  # memory answers while the writer waits
        refused = await writing
        assert not release.is_set()  # the answer came while the lock was still held
        assert refused.status == 503 and await error_code(refused) == "storage_busy"
    finally:
        release.set()
        holder.join()
    svc = client.server.app[SERVICE]
    _assert_memory_is_the_database(svc, db_path)
    again = await _issue(client, "after", {"service": "A"})
    assert again.status == 201 and (await again.json())["number"] == "A002"


# --- the file itself ------------------------------------------------------------------


async def test_the_database_and_its_folder_are_the_owners_alone(
    aiohttp_client: Any, config: Config, tmp_path: Path
) -> None:
    db_path = tmp_path / "var" / "hall.sqlite"
    client = await aiohttp_client(create_app(config, db_path))
    assert (await _issue(client, "one", {"service": "A"})).status == 201
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
