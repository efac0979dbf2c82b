"""The report's charts as inline SVG, drawn by pygal: nothing to fetch when opened.

pygal links its tooltip script from the internet unless told not to (`js=[]`) and
writes an inline config script for it, taken out here; the styles it writes live inside
each SVG. Fonts are named, never downloaded: a Chinese
system font draws the labels wherever the report is opened.

`fit_x_labels` keeps the x-axis labels from overlapping whatever their number: it
measures where pygal puts them, then rotates them and shows only every n-th one as
far as needed. A label's width is estimated from its characters (a Chinese one as
wide as two Latin ones), generously, since the browser's font is not known here.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from onewindow import i18n
from onewindow import protocol as p

FONTS = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
COLOURS = ("#1f6fb2", "#e07b39", "#3a9b5c", "#b23a48", "#7a5cb2")
LABEL_FONT_PX = 16
NARROW_EM = 0.62  # a Latin letter or digit, wide for most sans-serif fonts; CJK is two
LINE_EM = 1.25  # a label's height, with its ascent and descent
GAP_EM = 0.5  # the least space between two labels
ROTATION = 45


def _chart(kind: str, title: str, **options: Any) -> Any:
    import pygal  # type: ignore[import-untyped]
    from pygal.style import Style  # type: ignore[import-untyped]

    style = Style(
        font_family=FONTS,
        background="white",
        plot_background="white",
        colors=COLOURS,
        title_font_size=22,
        legend_font_size=17,
        label_font_size=LABEL_FONT_PX,
        major_label_font_size=LABEL_FONT_PX,
    )
    chart = getattr(pygal, kind)(
        style=style,
        js=[],
        width=800,
        height=400,
        legend_at_bottom=True,
        title=title,
        show_y_guides=True,
        print_values=False,
        truncate_label=-1,
        **options,
    )
    return chart


def label_width(label: str, font_px: float = LABEL_FONT_PX) -> float:
    """The label's width in pixels, at most: East Asian wide characters count double."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)
    return cells * NARROW_EM * font_px


def _label_xs(chart: Any) -> list[float]:
    """Where pygal centres (or, rotated, starts) each x label, in the plot's pixels."""
    for group in chart.render_tree().iter():
        if group.get("class", "").startswith("axis x"):
            return [float(t.get("x")) for t in group.iter() if t.tag.endswith("text")]
    return []


def fit_x_labels(chart: Any, labels: list[str], font_px: float = LABEL_FONT_PX) -> None:
    """Give `chart` its x labels so that no two overlap: level if they fit, else at 45°,
    and then only every n-th of them, n as small as keeps them apart."""
    chart.x_labels = labels
    chart.x_label_rotation, chart.x_labels_major_every = 0, None
    chart.show_minor_x_labels = True
    if len(labels) < 2:
        return
    widest = max(label_width(label, font_px) for label in labels) + GAP_EM * font_px
    level = _every(_pitch(chart), widest)
    if level == 1:
        return
    # Rotated, neighbours are parallel strips: what must clear is the label's height
    # across the strip, so the length of a label no longer matters.
    across = (LINE_EM + GAP_EM) * font_px / math.sin(math.radians(ROTATION))
    chart.x_label_rotation = ROTATION
    every = _every(_pitch(chart), across)  # the rotated labels' margins narrow the plot
    if every >= level:
        chart.x_label_rotation, every = 0, level
    if every > 1:
        chart.x_labels_major_every, chart.show_minor_x_labels = every, False
        # pygal can still put a major label one step early at the end: check and widen.
        room = across if chart.x_label_rotation else widest
        while every < len(labels) and _crowded(chart, room):
            every += 1
            chart.x_labels_major_every = every


def _pitch(chart: Any) -> float:
    xs = _label_xs(chart)
    return (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else math.inf


def _every(pitch: float, room: float) -> int:
    return max(1, math.ceil(room / pitch)) if pitch > 0 else 1


def _crowded(chart: Any, room: float) -> bool:
    xs = _label_xs(chart)
    return any(b - a < room for a, b in itertools.pairwise(xs))


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
    arrivals.add(t("arrivals"), [h.issued for h in hours])
    _count_axis(arrivals, max(h.issued for h in hours))
    fit_x_labels(arrivals, labels)
    waits = _chart("Line", t("waits_by_hour"), include_x_axis=True)
    waits.add(t("mean_wait_min"), [_minutes(h.wait.mean_s) for h in hours])
    waits.add(t("p90_wait_min"), [_minutes(h.wait.p90_s) for h in hours])
    fit_x_labels(waits, labels)
    return [_svg(arrivals), _svg(waits)]


def wait_distribution(report: p.Report, lang: str) -> list[str]:
    if not any(b.count for b in report.wait_distribution):
        return []
    t = _text(lang)
    chart = _chart("Bar", t("wait_distribution"), show_legend=False)
    chart.add(t("wait_distribution"), [b.count for b in report.wait_distribution])
    _count_axis(chart, max(b.count for b in report.wait_distribution))
    fit_x_labels(
        chart,
        [
            t("minutes", lo=b.from_min, hi=b.to_min)
            if b.to_min is not None
            else t("minutes_over", lo=b.from_min)
            for b in report.wait_distribution
        ],
    )
    return [_svg(chart)]


def windows_side_by_side(report: p.Report, lang: str) -> list[str]:
    """Tickets served, and mean wait and service time, window beside window."""
    windows = [w for w in report.windows if w.tickets is not None and w.tickets.called]
    if not windows:
        return []
    t = _text(lang)
    figures = [w.tickets for w in windows if w.tickets is not None]
    served = _chart("Bar", t("windows_served"), show_legend=False)
    served.add(t("served"), [f.served for f in figures])
    _count_axis(served, max(f.served for f in figures))
    # A city hall has hundreds of windows: the fit labels every n-th one.
    fit_x_labels(served, [w.key for w in windows])
    times = _chart("Bar", t("windows_times"))
    times.add(t("mean_wait_min"), [_minutes(f.wait.mean_s) for f in figures])
    times.add(t("mean_service_min"), [_minutes(f.service.mean_s) for f in figures])
    fit_x_labels(times, [w.key for w in windows])
    return [_svg(served), _svg(times)]


def charts(report: p.Report, lang: str) -> list[str]:
    return [
        *arrivals_by_hour(report, lang),
        *wait_distribution(report, lang),
        *windows_side_by_side(report, lang),
    ]
