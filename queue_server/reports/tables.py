"""The report's tables, defined once for the HTML page and the CSV files.

A table is a file stem, a title, column keys (headers come from
`locale/<lang>/reports.toml`, `[columns]`) and rows of plain values: numbers stay
numbers, rates become percentages, and a figure that has no value (a mean of nothing)
is None — an empty CSV cell, a dash on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from onewindow import protocol as p

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str  # the CSV file's stem
    section: str  # key under [sections]
    columns: list[str]  # keys under [columns]
    rows: list[list[Cell]]


def percent(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.1f}%"


TICKET_COLUMNS: list[tuple[str, Callable[[p.TicketFigures], Cell]]] = [
    ("issued", lambda t: t.issued),
    ("visitors", lambda t: t.visitors),
    ("called", lambda t: t.called),
    ("served", lambda t: t.served),
    ("no_show", lambda t: t.no_show),
    ("no_show_rate", lambda t: percent(t.no_show_rate)),
    ("cancelled", lambda t: t.cancelled),
    ("cancel_rate", lambda t: percent(t.cancel_rate)),
    ("expired", lambda t: t.expired),
    ("wait_mean", lambda t: t.wait.mean_s),
    ("wait_median", lambda t: t.wait.median_s),
    ("wait_p90", lambda t: t.wait.p90_s),
    ("service_mean", lambda t: t.service.mean_s),
    ("service_median", lambda t: t.service.median_s),
    ("service_p90", lambda t: t.service.p90_s),
]
CASE_COLUMNS: list[tuple[str, Callable[[p.CaseFigures], Cell]]] = [
    ("cases_accepted", lambda c: c.accepted),
    ("cases_immediate", lambda c: c.immediate),
    ("immediate_share", lambda c: percent(c.immediate_share)),
    ("cases_finished", lambda c: c.finished),
    ("cases_early", lambda c: c.finished_early),
    ("early_rate", lambda c: percent(c.early_rate)),
    ("cases_overdue", lambda c: c.overdue),
]
RATING_COLUMNS: list[tuple[str, Callable[[p.RatingFigures], Cell]]] = [
    ("ratings", lambda r: r.count),
    ("score_5", lambda r: r.score_5),
    ("score_4", lambda r: r.score_4),
    ("score_3", lambda r: r.score_3),
    ("score_2", lambda r: r.score_2),
    ("score_1", lambda r: r.score_1),
    ("satisfaction_rate", lambda r: percent(r.satisfaction_rate)),
    ("bad", lambda r: r.bad),
    ("bad_followed_up", lambda r: r.bad_followed_up),
]
KEY_COLUMN = {
    "services": "key",
    "windows": "window",
    "clerks": "clerk",
    "items": "item",
    "channels": "channel",
    "summary": "key",
    "halls": "hall",
}


def group_table(name: str, groups: list[p.GroupFigures], lang: str) -> Table:
    """One row per group; the columns of the parts the grouping has."""
    sample = groups[0] if groups else None
    columns = [KEY_COLUMN[name], "name"]
    has = {
        "tickets": sample is None or sample.tickets is not None,
        "cases": sample is None or sample.cases is not None,
        "ratings": sample is None or sample.ratings is not None,
    }
    columns += [k for k, _ in TICKET_COLUMNS] if has["tickets"] else []
    columns += [k for k, _ in CASE_COLUMNS] if has["cases"] else []
    columns += [k for k, _ in RATING_COLUMNS] if has["ratings"] else []
    rows: list[list[Cell]] = []
    for g in groups:
        row: list[Cell] = [g.key, g.name_en if lang == "en" else g.name_zh]
        if g.tickets is not None:
            row += [get(g.tickets) for _, get in TICKET_COLUMNS]
        if g.cases is not None:
            row += [get(g.cases) for _, get in CASE_COLUMNS]
        if g.ratings is not None:
            row += [get(g.ratings) for _, get in RATING_COLUMNS]
        rows.append(row)
    return Table(name, name, columns, rows)


def tables(report: p.Report, lang: str) -> list[Table]:
    """Every table of the report, in the order the page shows them."""
    out = [group_table("summary", [report.hall_figures], lang)]
    for name in ("services", "windows", "clerks", "items", "channels"):
        out.append(group_table(name, getattr(report, name), lang))
    busy = [h.hour for h in report.hours if h.issued]  # the hall's opening hours, as lived
    hours = report.hours[min(busy) : max(busy) + 1] if busy else []
    out.append(
        Table(
            "hours",
            "hours",
            ["hour", "issued", "called", "wait_mean", "wait_median", "wait_p90"],
            [
                [
                    f"{h.hour:02d}:00",
                    h.issued,
                    h.wait.count,
                    h.wait.mean_s,
                    h.wait.median_s,
                    h.wait.p90_s,
                ]
                for h in hours
            ],
        )
    )
    out.append(
        Table(
            "days",
            "days",
            [
                "day",
                "issued",
                "visitors",
                "served",
                "no_show",
                "wait_mean",
                "service_mean",
                "cases_accepted",
                "cases_finished",
                "ratings",
                "satisfaction_rate",
            ],
            [
                [
                    d.day.isoformat(),
                    d.issued,
                    d.visitors,
                    d.served,
                    d.no_show,
                    d.wait_mean_s,
                    d.service_mean_s,
                    d.cases_accepted,
                    d.cases_finished,
                    d.ratings,
                    percent(d.satisfaction_rate),
                ]
                for d in report.days
            ],
        )
    )
    out.append(
        Table(
            "waits",
            "waits",
            ["from_min", "to_min", "count"],
            [[b.from_min, b.to_min, b.count] for b in report.wait_distribution],
        )
    )
    out.append(
        Table(
            "bad_ratings",
            "bad_ratings",
            [
                "rating_id",
                "day",
                "ticket",
                "service",
                "window",
                "clerk",
                "item",
                "score",
                "at",
                "followed_up_at",
            ],
            [
                [
                    r.id,
                    r.business_day.isoformat(),
                    r.ticket_number,
                    r.service,
                    r.window,
                    r.staff_id,
                    r.item,
                    r.score,
                    r.at.strftime("%Y-%m-%d %H:%M:%S"),
                    r.followed_up_at.strftime("%Y-%m-%d %H:%M:%S") if r.followed_up_at else None,
                ]
                for r in report.bad_ratings
            ],
        )
    )
    return out
