"""`onewindow report` writes a readable Chinese HTML page and CSV files with the figures."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from onewindow.config import Config
from tests.hallserver import SAMPLE_CONFIG, onewindow
from tests.reports_scenario import APPLICANT, played

Scenario = tuple[Path, Config, dict[str, Any]]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return played(tmp_path_factory)


@pytest.fixture(scope="module")
def september(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("september")
    run = onewindow(
        "report",
        "--config",
        str(SAMPLE_CONFIG),
        "--db",
        str(scenario[0]),
        "--month",
        "2040-09",
        "--out",
        str(out),
    )
    assert "正在读取号票" in run.stderr and "报表已写入" in run.stderr  # progress as it goes
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_html_is_a_chinese_page_with_the_figures_and_inline_charts(september: Path) -> None:
    page = (september / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    labels = (
        "海珠区政务服务中心 统计报表",
        "统计期间：2040-09",
        "来访人数",
        "提前办结率",
        "满意率",
        "按业务",
        "按窗口",
        "综合受理5号窗",
        "工号 1005",
        "等候时长分布",
    )
    for label in labels:
        assert label in page, label
    # Summary cards: 7 visitors, mean wait 668.6 s = 11.1 min, satisfaction 2 of 3.
    assert re.search(r"来访人数</div><div class=\"value\">7<", page)
    assert "11.1 分钟" in page and "66.7%" in page
    assert "668.6" in page and "1800.0" in page  # the hall's mean and p90 wait, in seconds
    assert page.count("<svg") == 5  # arrivals, waits by hour, distribution, two per window
    assert "各时段取号量" in page and "各窗口办结量" in page


def test_html_needs_nothing_from_outside(september: Path) -> None:
    page = (september / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "<script" not in page
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?(?:https?:)?//", page)


def test_no_personal_data_in_any_file(scenario: Scenario, september: Path) -> None:
    with sqlite3.connect(scenario[0]) as conn:
        staff_names = [r[0] for r in conn.execute("SELECT name FROM staff")]
    secrets = [*APPLICANT.values(), "王先生说等太久", "电话致歉并说明原因", *staff_names]
    for path in september.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        for secret in secrets:
            assert secret not in text, (path.name, secret)


def test_every_table_is_a_csv_with_a_byte_order_mark(september: Path) -> None:
    names = sorted(p.name for p in september.glob("*.csv"))
    assert names == [
        "bad_ratings.csv",
        "channels.csv",
        "clerks.csv",
        "days.csv",
        "hours.csv",
        "items.csv",
        "services.csv",
        "summary.csv",
        "waits.csv",
        "windows.csv",
    ]
    for name in names:
        assert (september / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    services = {r["代码"]: r for r in rows(september / "services.csv")}
    assert list(services) == ["A", "B", "F", "H"]
    a = services["A"]
    assert (a["名称"], a["取号量"], a["办结量"], a["平均等候（秒）"], a["等候90分位（秒）"]) == (
        "综合受理",
        "3",
        "3",
        "900.0",
        "1800.0",
    )
    assert (a["受理件数"], a["即办件占比"], a["满意率"]) == ("2", "50.0%", "100.0%")
    assert services["H"]["平均等候（秒）"] == ""  # no wait at all: an empty cell, not 0
    days = rows(september / "days.csv")
    assert len(days) == 30 and days[27]["日期"] == "2040-09-28" and days[27]["取号量"] == "8"
    assert [r["时段"] for r in rows(september / "hours.csv")] == ["08:00"]
    bad = rows(september / "bad_ratings.csv")
    assert [(r["号码"], r["评分"], r["回访时间"]) for r in bad] == [
        ("A002", "2", "2040-09-28 10:00:00")
    ]


def test_english_headers_with_lang_en(scenario: Scenario, tmp_path: Path) -> None:
    run = onewindow(
        "report",
        "--config",
        str(SAMPLE_CONFIG),
        "--db",
        str(scenario[0]),
        "--day",
        "2040-09-28",
        "--out",
        str(tmp_path),
        "--lang",
        "en",
    )
    assert "Report written to" in run.stderr
    windows = rows(tmp_path / "windows.csv")
    assert [(r["Window"], r["Served"], r["Mean wait (s)"]) for r in windows] == [
        ("1", "1", "540.0"),
        ("5", "3", "580.0"),
        ("9", "1", "60.0"),
        ("13", "1", "1170.0"),
    ]
    assert '<html lang="en">' in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2040-13"], "月份“2040-13”无效"),
        (["--day", "2040-02-30"], "日期“2040-02-30”无效"),
        (["--from", "2040-10-09"], "同时给出开始日期和结束日期"),
        (["--from", "2040-10-09", "--to", "2040-10-01"], "早于开始日期"),
        (["--day", "2040-09-28", "--month", "2040-09"], "只给出一种统计期间"),
        (["--db", "/nonexistent/hall.sqlite"], "找不到数据库文件"),
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(
    scenario: Scenario, tmp_path: Path, args: list[str], message: str
) -> None:
    db = [] if "--db" in args else ["--db", str(scenario[0])]
    run = onewindow(
        "report", "--config", str(SAMPLE_CONFIG), *db, *args, "--out", str(tmp_path), check=False
    )
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "report.html").exists()


def test_a_database_of_another_program_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    run = onewindow(
        "report",
        "--config",
        str(SAMPLE_CONFIG),
        "--db",
        str(other),
        "--out",
        str(tmp_path / "out"),
        check=False,
    )
    assert run.returncode == 2 and "不是一窗通的数据库文件" in run.stderr
    with sqlite3.connect(other) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["notes"]
