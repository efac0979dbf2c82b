"""The one door to SQLite: migrations, a group-commit writer and readers.

All writes go through one writer connection. Every write that is waiting runs in one
`BEGIN IMMEDIATE` transaction that commits once, so concurrent requests share one
fsync ("group commit"); no request is answered before its commit returns. Reads run
on their own connection and thread (WAL lets them proceed beside the writer).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from queue_server.rules import Ticket, TicketKind, TicketState, Window, WindowState
from queue_server.store import migrations

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 512
# How long a write waits for another program's lock on the database before its caller
# is told to try again (503): the loop never waits, only the requests that write.
WRITE_WAIT_S = 5.0

TICKET_COLUMNS = [
    "id",
    "business_day",
    "number",
    "service",
    "kind",
    "state",
    "place",
    "channel",
    "target_window",
    "window",
    "call_count",
    "issued_at",
    "called_at",
    "started_at",
    "finished_at",
    "no_show_at",
    "closed_at",
    "from_ticket",
    "case_no",
    "outcome",
    "idempotency_key",
    "transfers",
    "staff_id",
    "first_called_at",
]
_UPSERT_TICKET = (
    f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES "
    f"({', '.join('?' * len(TICKET_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in TICKET_COLUMNS[1:])
)
_INSERT_EVENT = (
    "INSERT INTO events (seq, type, at, ticket_id, number, window, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_WINDOW = (
    "INSERT INTO windows (number, state, staff_id, pause_reason, changed_at) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(number) DO UPDATE SET state = excluded.state, staff_id = excluded.staff_id, "
    "pause_reason = excluded.pause_reason, changed_at = excluded.changed_at"
)


class StorageError(RuntimeError):
    """The database did not keep a write; nothing of it was kept.

    `code` names the reason for the person who asked: the database failed, or another
    program held it locked for longer than a write may wait.
    """

    def __init__(self, message: str, code: str = "storage_unavailable") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class EventRow:
    seq: int
    type: str
    at: float
    ticket_id: str | None
    number: str | None
    window: int | None
    body: str


def seconds(value: dt.datetime | None) -> float | None:
    """A time as the database keeps it: unix seconds (REAL)."""
    return value.timestamp() if value is not None else None


def moment(value: float | None, tz: dt.tzinfo) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, tz) if value is not None else None


def ticket_row(t: Ticket) -> tuple[Any, ...]:
    return (
        t.id,
        t.business_day.isoformat(),
        t.number,
        t.service,
        t.kind.value,
        t.state.value,
        t.place,
        t.channel,
        t.target_window,
        t.window,
        t.call_count,
        seconds(t.issued_at),
        seconds(t.called_at),
        seconds(t.started_at),
        seconds(t.finished_at),
        seconds(t.no_show_at),
        seconds(t.closed_at),
        t.from_ticket,
        t.case,
        t.outcome,
        t.idempotency_key,
        t.transfers,
        t.staff_id,
        seconds(t.first_called_at),
    )


def ticket_from_row(row: sqlite3.Row, tz: dt.tzinfo) -> Ticket:
    issued = moment(row["issued_at"], tz)
    assert issued is not None
    return Ticket(
        id=row["id"],
        number=row["number"],
        service=row["service"],
        kind=TicketKind(row["kind"]),
        business_day=dt.date.fromisoformat(row["business_day"]),
        place=row["place"],
        issued_at=issued,
        channel=row["channel"],
        state=TicketState(row["state"]),
        target_window=row["target_window"],
        window=row["window"],
        call_count=row["call_count"],
        called_at=moment(row["called_at"], tz),
        started_at=moment(row["started_at"], tz),
        finished_at=moment(row["finished_at"], tz),
        no_show_at=moment(row["no_show_at"], tz),
        closed_at=moment(row["closed_at"], tz),
        from_ticket=row["from_ticket"],
        case=row["case_no"],
        outcome=row["outcome"],
        idempotency_key=row["idempotency_key"],
        transfers=row["transfers"],
        staff_id=row["staff_id"],
        first_called_at=moment(row["first_called_at"], tz),
    )


def connect(path: str | Path, synchronous: str = "FULL") -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {'FULL' if synchronous == 'FULL' else 'NORMAL'}")
    conn.execute(f"PRAGMA busy_timeout = {int(WRITE_WAIT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def create_private(path: Path) -> None:
    """The database holds applicants' data: its folder (when we make it), the file and
    its WAL and shared-memory files are the owner's alone. SQLite gives the -wal and
    -shm files the database file's permissions, so the file is made first, 0600."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(name, 0o600)


class Storage:
    """Owns the database file for one running server."""

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self._conn: sqlite3.Connection | None = None
        self._read_conn: sqlite3.Connection | None = None
        self._pending: list[_Write] = []
        self._flushing = False
        self._committer: concurrent.futures.ThreadPoolExecutor | None = None
        self._reader: concurrent.futures.ThreadPoolExecutor | None = None
        # The last event seq the log holds, counting the writes of the open batch that
        # were kept; only the writer moves it (`next_seq`), so seqs never repeat or skip.
        self.seq = 0
        # Called on the loop after every batch is settled (the hall repairs its state here).
        self.on_batch_end: list[Callable[[], None]] = []

    # -- life cycle --

    def open(self) -> None:
        create_private(self.path)
        self._conn = connect(self.path, self.synchronous)
        migrations.migrate(self._conn)
        self.seq = last_seq(self._conn)
        self._read_conn = connect(self.path, self.synchronous)
        self._committer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="db-commit")
        self._reader = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="db-read")

    def close(self) -> None:
        for pool in (self._committer, self._reader):
            if pool is not None:
                pool.shutdown(wait=True)
        self._committer = self._reader = None
        for conn in (self._conn, self._read_conn):
            if conn is not None:
                conn.close()
        self._conn = self._read_conn = None

    # -- writing: group commit --

    async def write(
        self,
        op: Callable[[sqlite3.Connection], T],
        after: Callable[[], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> T:
        """Run `op` in the next group transaction; returns once it is committed.

        `after` runs on the event loop right after the commit, in commit order, even
        if the awaiting task was cancelled meanwhile (that is where events are
        broadcast, so screens never see a change that was not kept). `failed` runs
        instead, at once, when this write was not kept.

        An `op` that fails is undone alone (it runs in a savepoint of its own): the
        other writes of its batch are kept. A database error reaches the caller as
        `StorageError`; any other exception of `op` reaches it as it is.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append(_Write(op, future, after, failed))
        if not self._flushing:
            self._flushing = True
            # Let every request already in this turn of the loop join the batch.
            loop.call_soon(lambda: asyncio.ensure_future(self._flush()))
        return await future

    def next_seq(self) -> int:
        """The seq of the next event, for an `op` running in the writer."""
        self.seq += 1
        return self.seq

    async def _flush(self) -> None:
        """Commit batches until nothing waits. BEGIN (which may wait for another
        program's lock) and COMMIT (with its fsync) run on a thread, so the loop keeps
        serving meanwhile; the statements run on the loop between them (they only touch
        SQLite's page cache), and a whole batch of requests shares one fsync."""
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                outcomes = await self._commit(batch)
                _settle(batch, outcomes)
                for hook in self.on_batch_end:
                    hook()
        finally:
            self._flushing = False

    async def _commit(self, batch: list[_Write]) -> list[_Outcome]:
        conn = self._conn
        assert conn is not None and self._committer is not None
        loop = asyncio.get_running_loop()
        start_seq = self.seq
        try:
            await loop.run_in_executor(self._committer, conn.execute, "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            log.error("database write could not start: %s", e)
            busy = "locked" in str(e) or "busy" in str(e)
            error = StorageError(str(e), "storage_busy" if busy else "storage_unavailable")
            return [_Outcome(error=error)] * len(batch)
        try:
            outcomes = [self._run(conn, w) for w in batch]
            await loop.run_in_executor(self._committer, conn.execute, "COMMIT")
        except sqlite3.Error as e:  # the transaction itself failed: nothing of it was kept
            log.error("database write failed: %s", e)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self.seq = start_seq
            return [_Outcome(error=StorageError(str(e)))] * len(batch)
        return outcomes

    def _run(self, conn: sqlite3.Connection, w: _Write) -> _Outcome:
        """One write in its own savepoint: if it fails, only it is undone."""
        seq = self.seq
        conn.execute("SAVEPOINT one_write")
        try:
            result = w.op(conn)
        except Exception as e:
            if not conn.in_transaction:
                raise sqlite3.OperationalError(f"transaction lost: {e}") from e
            conn.execute("ROLLBACK TO one_write")
            conn.execute("RELEASE one_write")
            self.seq = seq
            if w.failed is not None:
                w.failed()  # at once: the writes after it in this batch may depend on it
            if isinstance(e, sqlite3.Error):
                log.error("database write refused: %s", e)
                return _Outcome(error=StorageError(str(e)), told=True)
            return _Outcome(error=e, told=True)
        conn.execute("RELEASE one_write")
        return _Outcome(result=result)

    # -- reading --

    async def read(self, op: Callable[[sqlite3.Connection], T]) -> T:
        assert self._reader is not None and self._read_conn is not None
        conn = self._read_conn
        return await asyncio.get_running_loop().run_in_executor(self._reader, op, conn)

    def write_now(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """A write from a command-line tool, in its own transaction, waiting for any server."""
        assert self._read_conn is not None
        conn = self._read_conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = op(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    def read_now(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """A synchronous read (start-up, a new day, a reload, a command-line tool) on a
        connection of its own: the reader's may be busy on its thread at that moment."""
        conn = connect(self.path, self.synchronous)
        try:
            return op(conn)
        finally:
            conn.close()


@dataclass(frozen=True)
class _Write:
    op: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    after: Callable[[], None] | None
    failed: Callable[[], None] | None


@dataclass(frozen=True)
class _Outcome:
    result: Any = None
    error: BaseException | None = None
    told: bool = False  # `failed` already ran


def _settle(batch: list[_Write], outcomes: list[_Outcome]) -> None:
    for w, outcome in zip(batch, outcomes, strict=True):
        hook = w.after if outcome.error is None else None if outcome.told else w.failed
        if hook is not None:
            hook()
        if w.future.cancelled():
            continue
        if outcome.error is not None:
            w.future.set_exception(outcome.error)
        else:
            w.future.set_result(outcome.result)


# --- the writes and reads the hall needs ----------------------------------------------


def insert_events(conn: sqlite3.Connection, events: Sequence[EventRow]) -> None:
    conn.executemany(
        _INSERT_EVENT,
        [(e.seq, e.type, e.at, e.ticket_id, e.number, e.window, e.body) for e in events],
    )


def save_changes(
    tickets: Iterable[Ticket], windows: Iterable[Window]
) -> Callable[[sqlite3.Connection], None]:
    """The upserts of changed tickets and windows; the rows are taken now, as they are."""
    ticket_rows = [ticket_row(t) for t in tickets]
    window_rows = [
        (w.number, w.state.value, w.staff_id, w.pause_reason, seconds(w.changed_at))
        for w in windows
    ]

    def op(conn: sqlite3.Connection) -> None:
        if ticket_rows:
            conn.executemany(_UPSERT_TICKET, ticket_rows)
        if window_rows:
            conn.executemany(_UPSERT_WINDOW, window_rows)

    return op


def load_tickets(conn: sqlite3.Connection, day: dt.date, tz: dt.tzinfo) -> list[Ticket]:
    rows = conn.execute(
        "SELECT * FROM tickets WHERE business_day = ? ORDER BY place", (day.isoformat(),)
    )
    return [ticket_from_row(r, tz) for r in rows]


def load_open_tickets_before(conn: sqlite3.Connection, day: dt.date, tz: dt.tzinfo) -> list[Ticket]:
    """Tickets of earlier days still open: the rollover closes them at start-up."""
    rows = conn.execute(
        "SELECT * FROM tickets WHERE business_day < ? AND state IN "
        "('waiting', 'called', 'serving')",
        (day.isoformat(),),
    )
    return [ticket_from_row(r, tz) for r in rows]


def load_windows(conn: sqlite3.Connection) -> dict[int, tuple[WindowState, str | None, str | None]]:
    rows = conn.execute("SELECT number, state, staff_id, pause_reason FROM windows")
    return {r["number"]: (WindowState(r["state"]), r["staff_id"], r["pause_reason"]) for r in rows}


def last_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])


def last_business_day(path: Path) -> dt.date | None:
    """The latest business day with tickets in the database at `path`, read-only; None
    when there is no such file, no ticket, or it cannot be read."""
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT max(business_day) FROM tickets").fetchone()
    except sqlite3.Error:
        return None
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def max_place(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(place), 0) FROM tickets").fetchone()[0])


def events_after(conn: sqlite3.Connection, seq: int, limit: int) -> list[tuple[int, str]]:
    rows = conn.execute(
        "SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
    )
    return [(r[0], r[1]) for r in rows]


def recent_events(conn: sqlite3.Connection, types: Sequence[str], limit: int) -> list[str]:
    marks = ", ".join("?" * len(types))
    rows = conn.execute(
        f"SELECT body FROM events WHERE type IN ({marks}) ORDER BY seq DESC LIMIT ?",
        (*types, limit),
    )
    return [r[0] for r in reversed(rows.fetchall())]


# --- the district uplink ---------------------------------------------------------------


def events_for_uplink(conn: sqlite3.Connection, after: int, limit: int) -> tuple[list[str], int]:
    """The bodies of up to `limit` events after seq `after`, and the log's last seq."""
    rows = conn.execute(
        "SELECT body FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
    ).fetchall()
    return [r[0] for r in rows], last_seq(conn)


def uplink_position(conn: sqlite3.Connection) -> tuple[int, float | None]:
    """The seq the centre last acknowledged (0 before the first delivery), and when."""
    row = conn.execute("SELECT acked_seq, last_success_at FROM uplink WHERE id = 1").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def record_uplink_ack(acked: int, at: float) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO uplink (id, acked_seq, last_success_at) VALUES (1, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET acked_seq = excluded.acked_seq, "
            "last_success_at = excluded.last_success_at",
            (acked, at),
        )

    return op
