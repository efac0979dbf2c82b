"""The report's charts as inline SVG, drawn by pygal: nothing to fetch when opened.

pygal links its tooltip script from the internet unless told not to (`js=[]`) and
writes an inline config script for it, taken out here; the styles it writes live inside
each SVG. Fonts are named, never downloaded: a Chinese
system font draws the labels wherever the report is opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from onewindow import i18n
from onewindow import protocol as p

FONTS = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
COLOURS = ("#1f6fb2", "#e07b39", "#3a9b5c", "#b23a48", "#7a5cb2")


def _chart(kind: str, title: str, **options: Any) -> Any:
    import pygal  # type: ignore[import-untyped]
    from pygal.style import Style  # type: ignore[import-untyped]

    style = Style(
        font_family=FONTS, background="white", plot_background="white", colors=COLOURS,
        title_font_size=22, legend_font_size=17, label_font_size=16, major_label_font_size=16,
    )  # fmt: skip
    chart = getattr(pygal, kind)(
        style=style, js=[], width=800, height=400, legend_at_bottom=True, title=title,
        show_y_guides=True, print_values=False, truncate_label=-1, **options,
    )  # fmt: skip
    return chart


_SCRIPT = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.S)


def _svg(chart: Any) -> str:
    """The chart's SVG without pygal's inline config script (it only feeds the tooltips,
    which are off) and its comments: a page that runs no script and names no site."""
    return _SCRIPT.sub("", str(chart.render(is_unicode=True, disable_xml_declaration=True)))


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _count_axis(chart: Any, top: int) -> None:
    """Whole numbers on a count axis: 0.2 of a visitor means nothing."""
    step = 1
    while top / step > 8:
        step *= 5 if str(step)[0] == "2" else 2
    chart.y_labels = list(range(0, top + step, step))


def _text(lang: str) -> Callable[..., str]:
    def text(key: str, **values: object) -> str:
        return i18n.text(f"reports.charts.{key}", lang, **values)

    return text


def arrivals_by_hour(report: p.Report, lang: str) -> list[str]:
    """Tickets issued per hour (bars), and the mean and p90 wait of those tickets (lines)."""
    busy = [h.hour for h in report.hours if h.issued]
    if not busy:
        return []
    hours = report.hours[min(busy) : max(busy) + 1]
    t = _text(lang)
    labels = [f"{h.hour:02d}:00" for h in hours]
    arrivals = _chart("Bar", t("arrivals_by_hour"), show_legend=False)
    arrivals.x_labels = labels
    arrivals.add(t("arrivals"), [h.issued for h in hours])
    _count_axis(arrivals, max(h.issued for h in hours))
    waits = _chart("Line", t("waits_by_hour"), include_x_axis=True)
    waits.x_labels = labels
    waits.add(t("mean_wait_min"), [_minutes(h.wait.mean_s) for h in hours])
    waits.add(t("p90_wait_min"), [_minutes(h.wait.p90_s) for h in hours])
    return [_svg(arrivals), _svg(waits)]


def wait_distribution(report: p.Report, lang: str) -> list[str]:
    if not any(b.count for b in report.wait_distribution):
        return []
    t = _text(lang)
    chart = _chart("Bar", t("wait_distribution"), show_legend=False)
    chart.x_labels = [
        t("minutes", lo=b.from_min, hi=b.to_min) if b.to_min is not None
        else t("minutes_over", lo=b.from_min)
        for b in report.wait_distribution
    ]  # fmt: skip
    chart.add(t("wait_distribution"), [b.count for b in report.wait_distribution])
    _count_axis(chart, max(b.count for b in report.wait_distribution))
    return [_svg(chart)]


def windows_side_by_side(report: p.Report, lang: str) -> list[str]:
    """Tickets served, and mean wait and service time, window beside window."""
    windows = [w for w in report.windows if w.tickets is not None and w.tickets.called]
    if not windows:
        return []
    t = _text(lang)
    rotation = 0 if len(windows) < 16 else 45
    # A city hall has hundreds of windows: label every n-th so the labels stay legible.
    every = {"x_labels_major_every": -(-len(windows) // 40), "show_minor_x_labels": False}
    figures = [w.tickets for w in windows if w.tickets is not None]
    served = _chart("Bar", t("windows_served"), show_legend=False, x_label_rotation=rotation,
                    **every)  # fmt: skip
    served.x_labels = [w.key for w in windows]
    served.add(t("served"), [f.served for f in figures])
    _count_axis(served, max(f.served for f in figures))
    times = _chart("Bar", t("windows_times"), x_label_rotation=rotation, **every)
    times.x_labels = [w.key for w in windows]
    times.add(t("mean_wait_min"), [_minutes(f.wait.mean_s) for f in figures])
    times.add(t("mean_service_min"), [_minutes(f.service.mean_s) for f in figures])
    return [_svg(served), _svg(times)]


def charts(report: p.Report, lang: str) -> list[str]:
    return [
        *arrivals_by_hour(report, lang),
        *wait_distribution(report, lang),
        *windows_side_by_side(report, lang),
    ]
