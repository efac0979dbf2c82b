"""Today's key figures for the supervisor, from `GET /api/reports` (today, live).

Tickets issued and served, the no-show rate, the mean and 90th-percentile wait;
cases accepted and finished, the early-completion rate (提前办结率) and the
satisfaction rate. Each figure is defined in docs/reports.md; the panel only words
them, so the terminal and the monthly report never disagree.
"""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.case_labels import it, percent, wait_minutes
from onewindow import protocol as p


class TodayFigures(Widget):
    lang: reactive[str] = reactive("zh")
    report: reactive[p.Report | None] = reactive(None, layout=True)
    problem: reactive[str] = reactive("", layout=True)  # why the figures could not be read, if so
    read_at: dt.datetime | None = None  # when this terminal read them (its own clock)
    tz: dt.tzinfo | None = None

    def render(self) -> RenderableType:
        lang, report = self.lang, self.report
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        title = it("today.title", lang)
        if report is None:
            note = it("today.failed", lang, reason=self.problem) if self.problem else ""
            grid.add_row(title, note or it("today.loading", lang))
            return grid
        hall = report.hall_figures
        t, c, r = hall.tickets, hall.cases, hall.ratings
        lines = []
        if t is not None:
            lines.append(
                it(
                    "today.tickets",
                    lang,
                    issued=t.issued,
                    served=t.served,
                    no_show=percent(t.no_show_rate),
                    wait_mean=wait_minutes(t.wait.mean_s, lang),
                    wait_p90=wait_minutes(t.wait.p90_s, lang),
                )
            )
        at = (self.read_at or report.as_of).astimezone(self.tz).strftime("%H:%M")
        lines.append(
            it(
                "today.cases",
                lang,
                accepted=c.accepted if c else 0,
                finished=c.finished if c else 0,
                early=percent(c.early_rate if c else None),
                satisfaction=percent(r.satisfaction_rate if r else None),
                ratings=r.count if r else 0,
                time=at,
            )
        )
        if self.problem:  # the last figures stay up; say they are getting old
            lines.append(it("today.failed", lang, reason=self.problem))
        grid.add_row(title, Group(*(Text(line) for line in lines)))
        return grid
