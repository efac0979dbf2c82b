"""`compute(db, config, period)`: every figure of docs/reports.md for a period.

Tickets, cases and ratings are read on their own connections in parallel (SQLite lets
go of the GIL while it works), then put together per grouping into one `p.Report`,
the very shape `GET /api/reports` answers. Nothing here writes to the database except
the report indexes (migration 3) that an older database may still lack.
"""

from __future__ import annotations

import datetime as dt
import queue
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from onewindow import protocol as p
from onewindow.catalogue import Catalogue, CatalogueError
from onewindow.catalogue_file import load_catalogue
from onewindow.config import Config
from queue_server.reports import case_figures, rating_figures, ticket_figures
from queue_server.reports.assemble import assemble
from queue_server.reports.columns import StaffIds, StaffNotNumbers
from queue_server.reports.period import Period, bounds
from queue_server.store import migrations

Progress = Callable[[str], None]  # told each step's name: "reading", then "grouping"
Read = Callable[[sqlite3.Connection], Any]


def compute(
    db: str | Path | sqlite3.Connection,
    config: Config,
    period: Period | None = None,
    *,
    as_of: dt.datetime | None = None,
    live: bool = False,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
) -> p.Report:
    """The report of `period` (None: every day in the database).

    `as_of` is when open cases are judged overdue; by default the time of the last
    event recorded, so a simulated day is judged by its own clock. `catalogue` names
    the items (by default the config's catalogue file is read).
    """
    say = progress or (lambda _: None)
    if catalogue is None:
        catalogue = _catalogue(config)
    if isinstance(db, sqlite3.Connection):
        _prepare(db)
        return _compute([db], config, period, as_of, live, catalogue, say)
    conns = [_open(Path(db)) for _ in range(2)]
    try:
        return _compute(conns, config, period, as_of, live, catalogue, say)
    finally:
        for conn in conns:
            conn.close()


def _catalogue(config: Config) -> Catalogue | None:
    if not config.catalogue.file:
        return None
    try:
        return load_catalogue(config.resolve(config.catalogue.file))
    except CatalogueError:
        return None  # items are then shown by their codes: the figures do not need names


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(path)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA temp_store = MEMORY")
    _prepare(conn)
    return conn


class NotOneWindowDatabase(sqlite3.DatabaseError):
    """An SQLite file that some other program wrote: it is left untouched."""


def _prepare(conn: sqlite3.Connection) -> None:
    """An older database gets the report indexes (what the server does when it starts)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == 0:
        raise NotOneWindowDatabase("no OneWindow schema")
    if version < len(migrations.MIGRATIONS):
        migrations.migrate(conn)


def whole_database(conn: sqlite3.Connection) -> Period | None:
    """Every business day with a ticket or a rating."""
    tickets = conn.execute("SELECT min(business_day), max(business_day) FROM tickets").fetchone()
    rated = conn.execute("SELECT min(business_day), max(business_day) FROM ratings").fetchone()
    days = [d for d in (*tickets, *rated) if d]
    if not days:
        return None
    return Period(dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days)))


def last_event_time(conn: sqlite3.Connection) -> float | None:
    row = conn.execute("SELECT at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return float(row[0]) if row else None


def _compute(
    conns: list[sqlite3.Connection],
    config: Config,
    period: Period | None,
    as_of: dt.datetime | None,
    live: bool,
    catalogue: Catalogue | None,
    say: Progress,
) -> p.Report:
    tz = config.hall.tz
    if as_of is None:
        last = last_event_time(conns[0])
        as_of = dt.datetime.fromtimestamp(last, tz) if last else dt.datetime.now(tz)
    if period is None:
        period = whole_database(conns[0]) or Period.day(as_of.astimezone(tz).date())
    say("reading")
    try:
        return _figures(conns, config, period, as_of, live, catalogue, say, StaffIds.of(conns[0]))
    except StaffNotNumbers:
        return _figures(conns, config, period, as_of, live, catalogue, say, StaffIds(None))


def _figures(
    conns: list[sqlite3.Connection],
    config: Config,
    period: Period,
    as_of: dt.datetime,
    live: bool,
    catalogue: Catalogue | None,
    say: Progress,
    staff: StaffIds,
) -> p.Report:
    tz = config.hall.tz
    start_ts, end_ts = bounds(period, tz, config.hall.day_starts_at)
    judge_day = min(period.last, as_of.astimezone(tz).date())
    # The tickets in two halves, the cases, the ratings: four reads shared by the
    # connections, each on its own thread (SQLite lets go of the GIL while it works).
    ticket_reads = [
        partial(_ticket_rows, part, start_ts, end_ts, tz, staff) for part in _halves(period)
    ]
    cases_query = case_figures.query(
        period, start_ts, end_ts, tz, judge_day, config.hall.day_starts_at, staff
    )
    case_reads = [partial(cases_query.read, part=i, parts=2) for i in range(2)]
    reads: list[Read] = [
        *ticket_reads,
        *case_reads,
        partial(rating_figures.load, period=period, staff=staff),
        partial(rating_figures.bad_ratings, period=period, tz=tz),
    ]
    with _Reader(conns) as reader:
        pending = [reader.submit(read) for read in reads]
        done = iter(pending)
        rows = [row for read in ticket_reads for row in next(done).result()]
        # The tickets are totalled while the cases and ratings are still being read.
        tickets = ticket_figures.summary(ticket_figures.rows_of(rows, staff))
        rows = [row for read in case_reads for row in next(done).result()]
        cases = case_figures.rows_of(cases_query, rows, staff)
        ratings, bad = next(done).result(), next(done).result()
    say("grouping")
    return assemble(config, catalogue, period, as_of, live, tickets, cases, ratings, bad)


def _halves(period: Period) -> list[Period]:
    if period.days < 2:
        return [period]
    middle = period.first + dt.timedelta(days=period.days // 2)
    return [Period(period.first, middle - dt.timedelta(days=1)), Period(middle, period.last)]


def _ticket_rows(
    part: Period,
    start_ts: float,
    end_ts: float,
    tz: dt.tzinfo,
    staff: StaffIds,
    conn: sqlite3.Connection,
) -> list[Any]:
    sql, args = ticket_figures.query(part, start_ts, end_ts, tz, staff)
    return conn.execute(sql, args).fetchall()


class _Reader:
    """Runs each read on whichever connection is free, one thread per connection; with
    one connection (the caller's), reads run at once in the caller's thread."""

    def __init__(self, conns: list[sqlite3.Connection]) -> None:
        self.conns = conns
        self.free: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        for conn in conns:
            self.free.put(conn)
        self.pool = ThreadPoolExecutor(max_workers=len(conns)) if len(conns) > 1 else None

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, read: Read) -> Future[Any]:
        if self.pool is None:
            done: Future[Any] = Future()
            done.set_result(read(self.conns[0]))
            return done
        return self.pool.submit(self._on_a_free_connection, read)

    def _on_a_free_connection(self, read: Read) -> Any:
        conn = self.free.get()
        try:
            return read(conn)
        finally:
            self.free.put(conn)
