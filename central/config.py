"""The district centre's configuration: `district.toml` read once into frozen dataclasses.

Like the hall's `config.toml`, every bad value stops the centre at start with a
`ConfigError` that quotes the key (`halls[2].token`) and the value.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onewindow.config_table import ConfigError, Table

HALL_LEVELS = ("district", "street")
VIEWER_ROLES = ("supervisor", "display")
# A hall code goes into URLs and, later, into case numbers: keep it short and plain.
_HALL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
MIN_TOKEN = 16


@dataclass(frozen=True)
class CentreConfig:
    name: str = "区政务服务数据中心"
    host: str = "127.0.0.1"
    port: int = 8090
    database: str = "dbname=onewindow_district"
    timezone: str = "Asia/Shanghai"
    offline_after_s: float = 60.0
    pool_size: int = 4

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


@dataclass(frozen=True)
class DistrictHall:
    code: str
    name_zh: str
    name_en: str
    level: str
    token: str


@dataclass(frozen=True)
class Viewer:
    """A person or screen that may read the district's figures (never write a stream)."""

    name: str
    role: str
    token: str


@dataclass(frozen=True)
class MonitorConfig:
    """When the live monitor warns a district supervisor (`[monitor]`)."""

    long_wait_min: float = 30.0  # someone has waited longer than this in a hall
    min_open_windows: int = 2  # an online hall with waiting visitors has fewer open
    deadline_warn_days: int = 2  # working days left before a case's deadline
    lag_warn_events: int = 200  # events the hall holds that the centre does not
    refresh_s: float = 5.0  # waits grow and halls fall silent: re-read this often


@dataclass(frozen=True)
class DistrictConfig:
    centre: CentreConfig
    halls: tuple[DistrictHall, ...]
    viewers: tuple[Viewer, ...] = ()
    monitor: MonitorConfig = MonitorConfig()
    base_dir: Path = Path(".")

    def hall(self, code: str) -> DistrictHall | None:
        return next((h for h in self.halls if h.code == code), None)


def _known(t: Table, keys: tuple[str, ...]) -> Table:
    """A misspelt key would silently fall back to its default: refuse it instead."""
    for name in t.data:
        if name not in keys:
            reason = "未知的配置项 unknown key"
            near = difflib.get_close_matches(name, keys, n=1)
            if near:
                reason += f"（是否想写 did you mean {t.key(near[0])}?）"
            raise ConfigError(t.key(name), t.data[name], reason)
    return t


def _token(t: Table) -> str:
    token = t.get("token", str)
    if len(token) < MIN_TOKEN:
        raise ConfigError(t.key("token"), "***", f"令牌至少 {MIN_TOKEN} 个字符 too short")
    return token


def _centre(t: Table) -> CentreConfig:
    _known(t, ("name", "host", "port", "database", "timezone", "offline_after_s", "pool_size"))
    port = t.get("port", int, 8090)
    if not 0 <= port <= 65535:
        raise ConfigError(t.key("port"), port, "端口应在 0–65535 must be 0–65535")
    tz = t.get("timezone", str, "Asia/Shanghai")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(t.key("timezone"), tz, "未知时区 unknown time zone") from None
    database = t.get("database", str, "dbname=onewindow_district")
    if not database.strip():
        raise ConfigError(t.key("database"), database, "不能为空 must not be empty")
    return CentreConfig(
        name=t.get("name", str, "区政务服务数据中心"),
        host=t.get("host", str, "127.0.0.1"),
        port=port,
        database=database,
        timezone=tz,
        offline_after_s=t.positive("offline_after_s", float, 60.0),
        pool_size=t.positive("pool_size", int, 4),
    )


def _hall(t: Table) -> DistrictHall:
    _known(t, ("code", "name_zh", "name_en", "level", "token"))
    code = t.get("code", str)
    if not _HALL_CODE.match(code):
        raise ConfigError(t.key("code"), code, "应为字母数字（最多 32 个）letters and digits")
    name_zh = t.get("name_zh", str)
    if not name_zh.strip():
        raise ConfigError(t.key("name_zh"), name_zh, "不能为空 must not be empty")
    return DistrictHall(
        code=code,
        name_zh=name_zh,
        name_en=t.get("name_en", str, code),
        level=t.choice("level", HALL_LEVELS, "street"),
        token=_token(t),
    )


def _viewer(t: Table) -> Viewer:
    _known(t, ("name", "role", "token"))
    return Viewer(name=t.get("name", str), role=t.choice("role", VIEWER_ROLES), token=_token(t))


def _monitor(t: Table) -> MonitorConfig:
    _known(
        t,
        ("long_wait_min", "min_open_windows", "deadline_warn_days", "lag_warn_events", "refresh_s"),
    )
    d = MonitorConfig()
    refresh_s = t.positive("refresh_s", float, d.refresh_s)
    if refresh_s < 0.5:
        raise ConfigError(t.key("refresh_s"), refresh_s, "至少 0.5 秒 must be at least 0.5")
    return MonitorConfig(
        long_wait_min=t.positive("long_wait_min", float, d.long_wait_min),
        min_open_windows=t.positive("min_open_windows", int, d.min_open_windows, zero_ok=True),
        deadline_warn_days=t.positive(
            "deadline_warn_days", int, d.deadline_warn_days, zero_ok=True
        ),
        lag_warn_events=t.positive("lag_warn_events", int, d.lag_warn_events),
        refresh_s=refresh_s,
    )


def _check_unique(values: list[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            shown = "***" if what == "token" else value
            raise ConfigError(f"{path}[{i}].{what}", shown, "重复 is a duplicate")
        seen.add(value)


def parse_district(data: Mapping[str, Any], base_dir: Path = Path(".")) -> DistrictConfig:
    """Build a `DistrictConfig` from parsed TOML, checking every value."""
    root = _known(Table(data, ""), ("centre", "halls", "viewers", "monitor"))
    halls = [_hall(t) for t in root.tables("halls")]
    if not halls:
        raise ConfigError("halls", [], "至少需要一个大厅 at least one hall is required")
    _check_unique([h.code for h in halls], "halls", "code")
    viewers = [_viewer(t) for t in root.tables("viewers")]
    tokens = [h.token for h in halls] + [v.token for v in viewers]
    _check_unique(tokens, "halls+viewers", "token")
    return DistrictConfig(
        centre=_centre(root.sub("centre")),
        halls=tuple(halls),
        viewers=tuple(viewers),
        monitor=_monitor(root.sub("monitor")),
        base_dir=base_dir,
    )


def load_district(path: str | Path) -> DistrictConfig:
    """Read and check `district.toml`; raises `ConfigError` naming the bad key."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("--config", str(p), "文件不存在 file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(p), "", f"TOML 语法错误 syntax error: {e}") from None
    return parse_district(data, p.resolve().parent)
