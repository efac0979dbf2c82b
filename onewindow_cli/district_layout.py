"""A district laid out to run on one machine: who runs where, with which config.

`district.toml` names the halls; each hall's config is `halls/<code>.toml` beside it
and must ship to this centre as that hall (`[uplink] hall` and `token` as in
`district.toml`), or the district does not start. To run the whole district on other
ports or in another folder, the runner writes *effective* configs into the state folder:
the same tables as the sources, with the ports, the hall databases, the centre's
database and the uplink URLs it chose. Every effective config is read back with the
real loaders before anything starts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from central.config import DistrictConfig, load_district
from onewindow.config import Config, load_config
from onewindow.config_table import ConfigError

HALLS_DIR = "halls"


@dataclass(frozen=True)
class HallPlace:
    code: str
    name: str
    source: Path
    port: int
    db: Path
    config: Path  # the effective config the hall server runs with

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Layout:
    district: DistrictConfig
    source: Path
    centre_port: int
    centre_config: Path
    halls: tuple[HallPlace, ...]
    state_dir: Path

    @property
    def centre_url(self) -> str:
        return f"http://127.0.0.1:{self.centre_port}"


def hall_config_path(district_file: Path, code: str) -> Path:
    return district_file.resolve().parent / HALLS_DIR / f"{code}.toml"


def check_hall(district: DistrictConfig, code: str, config: Config, source: Path) -> None:
    """The hall's `[uplink]` must name this hall with the token `district.toml` gives it."""
    hall = district.hall(code)
    assert hall is not None
    uplink = config.uplink
    if uplink is None:
        raise ConfigError(f"{source}: uplink", None, "缺少 [uplink] 表 no [uplink] table")
    if uplink.hall != code:
        raise ConfigError(f"{source}: uplink.hall", uplink.hall, f"应为 must be {code}")
    if uplink.token != hall.token:
        why = "与 district.toml 中的令牌不同 differs from the hall's token in district.toml"
        raise ConfigError(f"{source}: uplink.token", "***", why)


def plan(district_file: str | Path, state_dir: Path, base_port: int | None = None) -> Layout:
    """Read the district and every hall config; `base_port`: None keeps the files' own
    ports, 0 takes free ones, N puts the centre on N and the halls on N+1, N+2, ..."""
    source = Path(district_file)
    district = load_district(source)
    configs = {h.code: load_config(hall_config_path(source, h.code)) for h in district.halls}
    for code, config in configs.items():
        check_hall(district, code, config, hall_config_path(source, code))
    own = [district.centre.port, *(c.server.port for c in configs.values())]
    ports = own if base_port is None else _ports(len(own), base_port)
    run_dir = state_dir / "run"
    halls = []
    for i, hall in enumerate(district.halls, 1):
        config_file, config = hall_config_path(source, hall.code), configs[hall.code]
        halls.append(
            HallPlace(
                code=hall.code,
                name=config.hall.name,
                source=config_file,
                port=ports[i],
                db=(state_dir / f"{hall.code}.sqlite").resolve(),
                config=(run_dir / f"{hall.code}.toml").resolve(),
            )
        )
    return Layout(
        district=district,
        source=source,
        centre_port=ports[0],
        centre_config=(run_dir / "district.toml").resolve(),
        halls=tuple(halls),
        state_dir=state_dir.resolve(),
    )


def _ports(count: int, base_port: int) -> list[int]:
    if base_port == 0:
        with contextlib.ExitStack() as held:  # held open together: no port given twice
            socks = [held.enter_context(socket.socket()) for _ in range(count)]
            for s in socks:
                s.bind(("127.0.0.1", 0))
            return [int(s.getsockname()[1]) for s in socks]
    if not 1 <= base_port <= 65535 - count:
        raise ConfigError("--base-port", base_port, f"应在 1–{65535 - count} out of range")
    return list(range(base_port, base_port + count))


def write_configs(layout: Layout, centre_dsn: str) -> None:
    """The effective configs (0600 in a 0700 folder: they hold the tokens)."""
    run_dir = layout.centre_config.parent
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(run_dir, 0o700)
    data = _read(layout.source)
    data["centre"] = {**data.get("centre", {}), "port": layout.centre_port, "database": centre_dsn}
    _write(layout.centre_config, data)
    for hall in layout.halls:
        data = _read(hall.source)
        base = hall.source.parent
        data["server"] = {**data.get("server", {}), "port": hall.port, "db": str(hall.db)}
        data["uplink"] = {**data["uplink"], "url": layout.centre_url}
        _absolute(data, "catalogue", "file", base)
        _absolute(data, "printer", "device", base)
        _write(hall.config, data)
    load_district(layout.centre_config)
    for hall in layout.halls:
        load_config(hall.config)


def _read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _absolute(data: dict[str, Any], table: str, key: str, base: Path) -> None:
    """A path relative to the source's folder keeps pointing at the same file."""
    value = data.get(table, {}).get(key)
    if isinstance(value, str) and value and not value.startswith("/dev/"):
        data[table][key] = str((base / value).resolve())


def _write(path: Path, data: Mapping[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# 由 onewindow district 生成 written by the district runner\n")
        f.write(toml_text(data))


# The standard library reads TOML but does not write it; configs need only this much.
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_text(data: Mapping[str, Any], prefix: str = "") -> str:
    """`data` (as `tomllib` returns it) as TOML text that reads back equal."""
    lines: list[str] = []
    nested: list[str] = []
    for key, value in data.items():
        name = f"{prefix}{_key(key)}"
        if isinstance(value, Mapping):
            nested.append(f"\n[{name}]\n{toml_text(value, name + '.')}")
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            nested += [f"\n[[{name}]]\n{toml_text(v, name + '.')}" for v in value]
        else:
            lines.append(f"{_key(key)} = {_value(value)}\n")
    return "".join(lines) + "".join(nested)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON's string escapes are a subset of TOML's basic strings.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
