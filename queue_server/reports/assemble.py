"""Put the ticket, case and rating figures of each group together into one `p.Report`.

Groups are named from the config (services, windows) and the catalogue (items);
clerks appear by staff id only. A part that does not apply to a grouping is None
(tickets per item, cases and ratings per channel); a part that applies but has
nothing in the period is all zeros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from onewindow import i18n
from onewindow import protocol as p
from onewindow.catalogue import Catalogue
from onewindow.config import Config
from queue_server.reports import case_figures, rating_figures
from queue_server.reports.case_figures import CaseRows
from queue_server.reports.columns import NO_DURATIONS, rate
from queue_server.reports.period import Period
from queue_server.reports.rating_figures import RatingRows
from queue_server.reports.ticket_figures import TicketSummary

NO_TICKETS = p.TicketFigures(
    issued=0,
    visitors=0,
    called=0,
    served=0,
    no_show=0,
    cancelled=0,
    expired=0,
    no_show_rate=None,
    cancel_rate=None,
    wait=NO_DURATIONS,
    service=NO_DURATIONS,
)
NO_CASES = p.CaseFigures(
    accepted=0,
    immediate=0,
    finished=0,
    finished_early=0,
    overdue=0,
    early_rate=None,
    immediate_share=None,
)
NO_RATINGS = p.RatingFigures(
    count=0,
    score_5=0,
    score_4=0,
    score_3=0,
    score_2=0,
    score_1=0,
    satisfaction_rate=None,
    bad=0,
    bad_followed_up=0,
)
CHANNELS = ("kiosk", "guide", "window", "online", "phone")
# Which parts each grouping has: (tickets, cases, ratings).
PARTS = {
    "hall": (True, True, True),
    "services": (True, True, True),
    "windows": (True, True, True),
    "clerks": (True, True, True),
    "items": (False, True, True),
    "channels": (True, False, False),
}


def _names(config: Config, catalogue: Catalogue | None, grouping: str, key: str) -> tuple[str, str]:
    def both(name: str, **values: object) -> tuple[str, str]:
        return i18n.text(f"reports.{name}", "zh", **values), i18n.text(
            f"reports.{name}", "en", **values
        )

    if grouping == "hall":
        return config.hall.name, i18n.text("reports.whole_hall", "en")
    if grouping == "services" and (service := config.service(key)):
        return service.name_zh, service.name_en
    if grouping == "windows" and key.isdigit():
        window = config.window(int(key))
        zh, en = both("window_name", window=key)
        return (window.name if window else zh), en
    if grouping == "clerks":
        return both("clerk_name", staff=key)
    if grouping == "items" and catalogue and (item := catalogue.get(key)):
        return item.name_zh, item.name_en or item.name_zh
    if grouping == "channels" and key in CHANNELS:
        return both(f"channel.{key}")
    return key, key


def _order(config: Config, grouping: str) -> Callable[[str], tuple[int, int, str]]:
    services = [s.code for s in config.services]

    def key(k: str) -> tuple[int, int, str]:
        if grouping == "services" and k in services:
            return (0, services.index(k), k)
        if grouping == "windows" and k.isdigit():
            return (0, int(k), k)
        if grouping == "channels" and k in CHANNELS:
            return (0, CHANNELS.index(k), k)
        return (1, 0, k)

    return key


def groups(
    config: Config,
    catalogue: Catalogue | None,
    grouping: str,
    tickets: TicketSummary,
    cases: CaseRows,
    ratings: RatingRows,
) -> list[p.GroupFigures]:
    has_t, has_c, has_r = PARTS[grouping]
    t = tickets.by[grouping] if has_t else {}
    c = case_figures.figures_by(cases, grouping) if has_c else {}
    r = rating_figures.figures_by(ratings, grouping) if has_r else {}
    keys = sorted(set(t) | set(c) | set(r), key=_order(config, grouping))
    if grouping == "hall":
        keys = ["hall"]
    out = []
    for k in keys:
        zh, en = _names(config, catalogue, grouping, k)
        out.append(
            p.GroupFigures(
                key=k,
                name_zh=zh,
                name_en=en,
                tickets=t.get(k, NO_TICKETS) if has_t else None,
                cases=c.get(k, NO_CASES) if has_c else None,
                ratings=r.get(k, NO_RATINGS) if has_r else None,
            )
        )
    return out


def days(
    period: Period, tickets: TicketSummary, cases: CaseRows, ratings: RatingRows
) -> list[p.DayFigures]:
    per_day = tickets.by["days"]
    accepted, finished = case_figures.per_day(cases, period.days)
    rated, satisfied = rating_figures.per_day(ratings, period.days)
    out = []
    for i, day in enumerate(period.dates()):
        t = per_day.get(day.isoformat(), NO_TICKETS)
        out.append(
            p.DayFigures(
                day=day,
                issued=t.issued,
                visitors=t.visitors,
                served=t.served,
                no_show=t.no_show,
                wait_mean_s=t.wait.mean_s,
                service_mean_s=t.service.mean_s,
                cases_accepted=int(accepted[i]),
                cases_finished=int(finished[i]),
                ratings=int(rated[i]),
                satisfaction_rate=rate(int(satisfied[i]), int(rated[i])),
            )
        )
    return out


def assemble(
    config: Config,
    catalogue: Catalogue | None,
    period: Period,
    as_of: dt.datetime,
    live: bool,
    tickets: TicketSummary,
    cases: CaseRows,
    ratings: RatingRows,
    bad: list[p.BadRating],
) -> p.Report:
    by = {
        g: groups(config, catalogue, g, tickets, cases, ratings)
        for g in ("hall", "services", "windows", "clerks", "items", "channels")
    }
    return p.Report(
        hall=config.hall.name,
        first_day=period.first,
        last_day=period.last,
        live=live,
        as_of=as_of,
        hall_figures=by["hall"][0],
        services=by["services"],
        windows=by["windows"],
        clerks=by["clerks"],
        items=by["items"],
        channels=by["channels"],
        hours=tickets.hours,
        days=days(period, tickets, cases, ratings),
        wait_distribution=tickets.wait_distribution,
        bad_ratings=bad,
    )
