"""District reports: the hall report's figures per hall and for the whole district.

Each hall's row is the hall report's own computation (`queue_server.reports.compute`)
run on that hall's rows as the centre rebuilt them from its events
(central/report_rows.py), in an SQLite database of the hall's schema held in memory:
the very statements and arithmetic the hall runs, so the row equals the hall's report
figure for figure. The district's row is the same computation over every hall's rows
together, so its means and percentiles are those of all the district's visitors, not
averages of the halls'. The halls share the centre's time zone; a business day starts
at midnight.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from central.config import DistrictConfig
from central.report_rows import HallRows, fill, read
from onewindow import i18n
from onewindow import protocol as p
from onewindow.config import Config, HallConfig, ServerConfig
from onewindow.protocol import district as pd
from queue_server.reports import Period, compute
from queue_server.reports.period import bounds
from queue_server.reports.render import html, write_csv
from queue_server.reports.tables import Table, group_table, tables
from queue_server.store import migrations


def _hall_config(name: str, timezone: str) -> Config:
    """What the hall computation needs of a hall's config: its name and clock."""
    return Config(
        server=ServerConfig(),
        hall=HallConfig(name=name, timezone=timezone),
        services=(),
        windows=(),
    )


def figures_of(
    rows: list[HallRows], name: str, timezone: str, period: Period, as_of: dt.datetime
) -> p.Report:
    """The hall report of `rows` (one hall's, or several halls' together)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn)
        conn.execute("BEGIN")
        fill(conn, rows, prefix=len(rows) > 1)
        conn.execute("COMMIT")
        return compute(conn, _hall_config(name, timezone), period, as_of=as_of)
    finally:
        conn.close()


async def district_report(
    pool: AsyncConnectionPool,
    config: DistrictConfig,
    period: Period,
    now: dt.datetime | None = None,
) -> pd.DistrictReport:
    """The district report of `period`, from what the centre holds now."""
    tz = config.centre.tz
    now = now or dt.datetime.now(tz)
    start_ts, end_ts = bounds(period, tz, dt.time(0, 0))
    # A hall judges its open cases by its own last event (docs/reports.md, *overdue*);
    # the judging day is never after the period, so reading by the latest one is enough.
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT code, acked_seq, last_event_at FROM halls")
        held = {code: (acked, at) for code, acked, at in await cur.fetchall()}
        latest = max((at for _, at in held.values() if at is not None), default=now)
        judge = min(period.last, latest.astimezone(tz).date())
        halls = [
            await read(conn, h.code, period.first, period.last, start_ts, end_ts, judge)
            for h in config.halls
        ]
    return await asyncio.to_thread(_assemble, config, period, halls, held, now)


def _assemble(
    config: DistrictConfig,
    period: Period,
    halls: list[HallRows],
    held: dict[str, tuple[int, dt.datetime | None]],
    now: dt.datetime,
) -> pd.DistrictReport:
    tz_name, tz = config.centre.timezone, config.centre.tz
    rows = []
    for hall, found in zip(config.halls, halls, strict=True):
        as_of = found.last_event_at.astimezone(tz) if found.last_event_at else now
        report = figures_of([found], hall.name_zh, tz_name, period, as_of)
        figures = report.hall_figures
        rows.append(
            pd.HallReportRow(
                code=hall.code,
                level=hall.level,
                acked_seq=held.get(hall.code, (0, None))[0],  # type: ignore[arg-type]
                as_of=found.last_event_at,
                figures=p.GroupFigures(
                    key=hall.code,
                    name_zh=hall.name_zh,
                    name_en=hall.name_en,
                    tickets=figures.tickets,
                    cases=figures.cases,
                    ratings=figures.ratings,
                ),
            )
        )
    times = [h.last_event_at for h in halls if h.last_event_at is not None]
    as_of = max(times).astimezone(tz) if times else now
    whole = figures_of(halls, config.centre.name, tz_name, period, as_of)
    district = whole.hall_figures
    return pd.DistrictReport(
        district=config.centre.name,
        first_day=period.first,
        last_day=period.last,
        as_of=as_of,
        halls=rows,
        district_figures=p.GroupFigures(
            key="district",
            name_zh=config.centre.name,
            name_en=i18n.text("reports.whole_district", "en"),
            tickets=district.tickets,
            cases=district.cases,
            ratings=district.ratings,
        ),
        channels=whole.channels,
        hours=whole.hours,
        days=whole.days,
        wait_distribution=whole.wait_distribution,
    )


# --- HTML and CSV ----------------------------------------------------------------------


def as_report(report: pd.DistrictReport) -> p.Report:
    """The district report in the hall report's shape, so the hall's page and charts
    draw it: the district's row as the summary, the halls in place of the services."""
    return p.Report(
        hall=report.district,
        first_day=report.first_day,
        last_day=report.last_day,
        live=False,
        as_of=report.as_of,
        hall_figures=report.district_figures,
        services=[h.figures for h in report.halls],
        windows=[],
        clerks=[],
        items=[],
        channels=report.channels,
        hours=report.hours,
        days=report.days,
        wait_distribution=report.wait_distribution,
        bad_ratings=[],
    )


def page_tables(report: pd.DistrictReport, lang: str) -> list[Table]:
    """A row per hall then the district's row; the district's hours, days and waits."""
    halls = group_table(
        "halls", [*(h.figures for h in report.halls), report.district_figures], lang
    )
    rest = [t for t in tables(as_report(report), lang) if t.name in ("hours", "days", "waits")]
    return [halls, *rest]


def write(report: pd.DistrictReport, out_dir: Path, lang: str = "zh") -> list[Path]:
    """`report.html` (the hall report's page and charts) and a CSV per table: `halls.csv`,
    `hours.csv`, `days.csv`, `waits.csv`; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shown = page_tables(report, lang)
    page = out_dir / "report.html"
    page.write_text(html(as_report(report), lang, page_tables=shown), encoding="utf-8")
    written = [page]
    for table in shown:
        path = out_dir / f"{table.name}.csv"
        write_csv(table, path, lang)
        written.append(path)
    return written
