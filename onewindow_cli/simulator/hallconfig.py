"""A temporary copy of the hall's config for the server that `simulate --db` starts.

The copy differs from the hall's file in three ways, each for a reason:
- paths (catalogue) are made absolute, since the copy lives in a temporary folder;
- `[server] synchronous = "NORMAL"`: a simulated day has nothing to lose to a power
  cut, and it roughly halves the time each write waits for the disk;
- with `--windows N` above the hall's count, extra windows copied from the hall's own
  (see `layout.extra_windows`), named "模拟窗口 N".
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from onewindow import i18n
from onewindow_cli.simulator.layout import WindowShape, extra_windows


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _is_tables(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _table(name: str, data: Mapping[str, Any], out: list[str]) -> None:
    plain = [(k, v) for k, v in data.items() if not isinstance(v, Mapping) and not _is_tables(v)]
    if name and plain:
        out.append(f"\n[{name}]")
    out.extend(f"{json.dumps(k)} = {_value(v)}" for k, v in plain)
    for k, v in data.items():
        key = f"{name}.{json.dumps(k)}" if name else json.dumps(k)
        if isinstance(v, Mapping):
            _table(key, v, out)
        elif _is_tables(v):
            for item in v:
                out.append(f"\n[[{key}]]")
                out.extend(f"{json.dumps(k2)} = {_value(v2)}" for k2, v2 in item.items())


def dumps(data: Mapping[str, Any]) -> str:
    """TOML for a config-shaped mapping (tables, arrays of tables, plain values)."""
    out: list[str] = []
    _table("", data, out)
    return "\n".join(out).lstrip("\n") + "\n"


def write_sim_config(source: Path, target: Path, windows: int, language: str = "zh") -> int:
    """Write the server's copy of `source` to `target`; returns how many windows it has."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    base = source.resolve().parent
    catalogue = data.get("catalogue", {})
    if catalogue.get("file"):
        catalogue["file"] = str((base / catalogue["file"]).resolve())
    data.setdefault("server", {})["synchronous"] = "NORMAL"
    shapes = [
        WindowShape(w["number"], w["role"], tuple(w.get("services", [])))
        for w in data.get("windows", [])
    ]
    if windows > len(shapes):
        for w in extra_windows(shapes, windows - len(shapes)):
            data["windows"].append(
                {
                    "number": w.number,
                    "role": w.role,
                    "services": list(w.services),
                    "name": i18n.text("simulator.extra_window", language, number=w.number),
                }
            )
    target.write_text(dumps(data), encoding="utf-8")
    return len(data.get("windows", []))
