"""A report on disk: `report.html` (one self-contained page) and a CSV file per table.

The page is rendered from `templates/report.html.j2` with its styles inline and its
charts as inline SVG, so it opens anywhere, offline, and prints. CSV files are UTF-8
with a byte-order mark, which spreadsheet programs need to read Chinese correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from onewindow import i18n
from onewindow import protocol as p
from queue_server.reports.charts import charts
from queue_server.reports.period import Period
from queue_server.reports.tables import Cell, Table, percent, tables

TEMPLATES = Path(__file__).with_name("templates")
PAGE_ROWS = 500  # a table longer than this shows its first rows; the CSV has them all


def _show(cell: Cell) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def _cards(report: p.Report, lang: str) -> list[tuple[str, str]]:
    """The figures a hall director looks at first."""

    def t(key: str, **values: object) -> str:
        return i18n.text(f"reports.cards.{key}", lang, **values)

    hall = report.hall_figures
    tickets, cases, ratings = hall.tickets, hall.cases, hall.ratings
    assert tickets is not None and cases is not None and ratings is not None
    online = sum(c.tickets.issued for c in report.channels if c.key == "online" and c.tickets)

    def minutes(seconds: float | None) -> str:
        return "—" if seconds is None else t("minutes", value=f"{seconds / 60:.1f}")

    return [
        (t("visitors"), str(tickets.visitors)),
        (t("served"), str(tickets.served)),
        (t("cases_accepted"), str(cases.accepted)),
        (t("cases_finished"), str(cases.finished)),
        (t("early_rate"), percent(cases.early_rate) or "—"),
        (t("satisfaction_rate"), percent(ratings.satisfaction_rate) or "—"),
        (t("wait_mean"), minutes(tickets.wait.mean_s)),
        (t("service_mean"), minutes(tickets.service.mean_s)),
        (t("online_share"), percent(online / tickets.issued if tickets.issued else None) or "—"),
    ]


def html(
    report: p.Report,
    lang: str = "zh",
    generated: dt.datetime | None = None,
    page_tables: list[Table] | None = None,
) -> str:
    """The page; `page_tables` replaces the hall's tables (the district's page has its own)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    tz = report.as_of.tzinfo
    generated = generated or dt.datetime.now(tz)
    return env.get_template("report.html.j2").render(
        report=report,
        lang=lang,
        cards=_cards(report, lang),
        tables=tables(report, lang) if page_tables is None else page_tables,
        charts=[Markup(svg) for svg in charts(report, lang)],
        period=Period(report.first_day, report.last_day).label(),
        generated=generated.strftime("%Y-%m-%d %H:%M"),
        as_of=report.as_of.strftime("%Y-%m-%d %H:%M"),
        t=lambda key, **v: i18n.text(f"reports.{key}", lang, **v),
        en=lambda key, **v: i18n.text(f"reports.{key}", "en", **v),
        show=_show,
        limit=PAGE_ROWS,
    )


def write_csv(table: Table, path: Path, lang: str) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([i18n.text(f"reports.columns.{c}", lang) for c in table.columns])
        writer.writerows([["" if cell is None else cell for cell in row] for row in table.rows])


def write(report: p.Report, out_dir: Path, lang: str = "zh") -> list[Path]:
    """Write `report.html` and every table's CSV into `out_dir`; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "report.html"
    page.write_text(html(report, lang), encoding="utf-8")
    written = [page]
    for table in tables(report, lang):
        path = out_dir / f"{table.name}.csv"
        write_csv(table, path, lang)
        written.append(path)
    return written
