"""The report's chart labels never overlap, for any number of bars or points.

Two checks: the SVG as written (each x label's box from its position, rotation and
characters, a Chinese character as wide as two Latin ones), and the report page in
headless Chromium, where the browser's own font measures each label.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright

from queue_server.reports import charts
from tests.hallserver import SAMPLE_CONFIG, onewindow
from tests.reports_scenario import played

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
Point = tuple[float, float]
Box = list[Point]


def minutes_labels(n: int, lang: str) -> list[str]:
    unit = "分钟" if lang == "zh" else "min"
    return [f"{i * 5}–{i * 5 + 5} {unit}" for i in range(n)]


def rendered(kind: str, labels: list[str]) -> str:
    chart = charts._chart(kind, "等候时长分布", show_legend=False)
    chart.add("a", [(i * 7) % 11 for i in range(len(labels))])
    charts.fit_x_labels(chart, labels)
    return charts._svg(chart)


def drawn_width(label: str, font_px: float) -> float:
    """Nearer the real glyphs than the chart's own estimate: a Latin glyph 0.6 em wide."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in label) * font_px


def label_boxes(svg: str, font_px: float = charts.LABEL_FONT_PX) -> list[Box]:
    """Each x label's box as drawn: centred on x when level, starting at x when rotated
    (pygal's CSS), from 0.8 em above the baseline to 0.2 em below, turned about (x, y)."""
    root = ET.fromstring(svg)
    axis = next(g for g in root.iter() if g.get("class", "").startswith("axis x"))
    boxes = []
    for text in (t for t in axis.iter() if t.tag.endswith("text")):
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        width = drawn_width(text.text or "", font_px)
        transform = text.get("transform", "")
        angle = float(transform.split("(")[1].split()[0]) if transform else 0.0
        left = x if angle else x - width / 2
        corners = [
            (left, y - 0.8 * font_px),
            (left + width, y - 0.8 * font_px),
            (left + width, y + 0.2 * font_px),
            (left, y + 0.2 * font_px),
        ]
        boxes.append([turned(c, (x, y), angle) for c in corners])
    return boxes


def turned(p: Point, about: Point, degrees: float) -> Point:
    a = math.radians(degrees)
    dx, dy = p[0] - about[0], p[1] - about[1]
    return (
        about[0] + dx * math.cos(a) - dy * math.sin(a),
        about[1] + dx * math.sin(a) + dy * math.cos(a),
    )


def overlap(a: Box, b: Box) -> bool:
    """Two convex boxes overlap unless some edge's normal separates them."""
    for box in (a, b):
        for (x1, y1), (x2, y2) in zip(box, box[1:] + box[:1], strict=True):
            normal = (y1 - y2, x2 - x1)
            pa = [normal[0] * x + normal[1] * y for x, y in a]
            pb = [normal[0] * x + normal[1] * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


def assert_apart(boxes: list[Box], where: object) -> None:
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not overlap(a, boxes[j]), (where, i, j)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["Bar", "Line"])
@pytest.mark.parametrize("buckets", [5, 10, 24, 60, 200])
def test_x_labels_never_overlap(buckets: int, kind: str, lang: str) -> None:
    svg = rendered(kind, minutes_labels(buckets, lang))
    boxes = label_boxes(svg)
    assert_apart(boxes, (buckets, kind, lang))
    # Thinned only as far as needed: still a label for at least every 15th bucket.
    assert len(boxes) >= min(buckets, 12), len(boxes)


def test_few_short_labels_stay_level_and_all_shown() -> None:
    svg = rendered("Bar", [f"{h:02d}:00" for h in range(8, 14)])
    assert "rotate(" not in svg and len(label_boxes(svg)) == 6


def test_ten_wait_buckets_in_chinese_are_all_labelled() -> None:
    """The report's own histogram: 10 buckets, the longest label 「120 分钟以上」."""
    labels = [*minutes_labels(9, "zh"), "120 分钟以上"]
    boxes = label_boxes(rendered("Bar", labels))
    assert len(boxes) == 10
    assert_apart(boxes, "wait histogram")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


CORNERS = """() => [...document.querySelectorAll('svg .axis.x text')].map(t => {
    const b = t.getBBox(), m = t.getScreenCTM(), r = t.getBoundingClientRect();
    const at = (x, y) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; };
    return {chart: [...document.querySelectorAll('svg')].indexOf(t.closest('svg')),
            rotated: t.hasAttribute('transform'),
            box: [at(b.x, b.y), at(b.x + b.width, b.y), at(b.x + b.width, b.y + b.height),
                  at(b.x, b.y + b.height)],
            rect: [r.left, r.top, r.right, r.bottom]};
})"""


@pytest.fixture
def report_page(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    db = played(tmp_path_factory)[0]  # builds with asyncio.run: not inside the test's loop
    onewindow(
        "report",
        "--config",
        str(SAMPLE_CONFIG),
        "--db",
        str(db),
        "--month",
        "2040-09",
        "--out",
        str(tmp_path),
    )
    return tmp_path / "report.html"


async def test_report_page_labels_do_not_intersect_in_chromium(
    browser: Browser, report_page: Path
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(report_page.as_uri())
    labels: list[dict[str, Any]] = await page.evaluate(CORNERS)
    assert len({label["chart"] for label in labels}) == 5
    for chart in {label["chart"] for label in labels}:
        mine = [label for label in labels if label["chart"] == chart]
        # A rotated label's client rect is the upright box around it, which overlaps its
        # neighbour's while the glyphs do not: those are compared by their turned boxes.
        assert_apart([[tuple(c) for c in label["box"]] for label in mine], chart)
        level = [label["rect"] for label in mine if not label["rotated"]]
        for a, b in itertools.pairwise(level):
            assert a[2] <= b[0] or b[2] <= a[0], (chart, a, b)
    await page.close()
