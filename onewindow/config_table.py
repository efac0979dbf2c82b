"""Reading one TOML table with every error naming its full key (`windows[3].role`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A value in the configuration that the hall cannot run with."""

    def __init__(self, key: str, value: object, reason: str) -> None:
        super().__init__(f"配置错误 config error: {key} = {value!r}: {reason}")
        self.key = key
        self.value = value
        self.reason = reason


class Table:
    """Reads one TOML table, naming each key by its full path in errors."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path, data, "应为表 must be a table")
        self.data: Mapping[str, Any] = data
        self.path = path

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str, kind: type[T], default: T | None = None) -> T:
        if name not in self.data:
            if default is None:
                raise ConfigError(self.key(name), None, "缺少必填项 is required")
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(self.key(name), value, f"类型应为 must be {kind.__name__}")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            raise ConfigError(self.key(name), value, f"应为 must be one of {', '.join(choices)}")
        return value

    def positive(self, name: str, kind: type[T], default: T, *, zero_ok: bool = False) -> T:
        value = self.get(name, kind, default)
        if value < 0 or (value == 0 and not zero_ok):  # type: ignore[operator]
            raise ConfigError(self.key(name), value, "应为正数 must be positive")
        return value

    def tables(self, name: str) -> list[Table]:
        items = self.data.get(name, [])
        if not isinstance(items, list):
            raise ConfigError(self.key(name), items, "应为表数组 must be an array of tables")
        return [Table(item, f"{self.key(name)}[{i}]") for i, item in enumerate(items)]

    def sub(self, name: str) -> Table:
        return Table(self.data.get(name, {}), self.key(name))

    def time(self, name: str, default: str = "00:00") -> dt.time:
        raw = self.get(name, str, default)
        try:
            return dt.time.fromisoformat(raw)
        except ValueError:
            raise ConfigError(self.key(name), raw, "应为 HH:MM must be HH:MM") from None

    def dates(self, name: str) -> tuple[dt.date, ...]:
        raw = self.data.get(name, [])
        if not isinstance(raw, list):
            raise ConfigError(self.key(name), raw, "应为日期数组 must be a list of dates")
        days = []
        for i, item in enumerate(raw):
            if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
                days.append(item)
                continue
            try:
                days.append(dt.date.fromisoformat(str(item)))
            except ValueError:
                raise ConfigError(
                    f"{self.key(name)}[{i}]", item, "应为日期 must be a date"
                ) from None
        return tuple(sorted(set(days)))
