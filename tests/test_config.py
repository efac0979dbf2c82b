"""A bad config names the key and the value; the sample hall is valid and realistic."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from onewindow.config import ConfigError, load_config, parse_config
from tests.hallserver import SAMPLE_CONFIG


def _sample() -> dict[str, Any]:
    return tomllib.loads(SAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_sample_hall_is_a_district_centre() -> None:
    config = load_config(SAMPLE_CONFIG)
    roles = {w.role for w in config.windows}
    assert roles == {"consultation", "acceptance", "guide", "specialist"}
    assert 20 <= len(config.windows) <= 25
    assert {s.mode for s in config.services} == {"direct", "consult_first"}
    assert {d.role for d in config.devices} == {"kiosk", "display", "evaluator"}
    assert all(d.token.startswith("demo-") for d in config.devices)


@pytest.mark.parametrize(
    ("change", "key", "value"),
    [
        (lambda c: c["server"].update(port=70000), "server.port", 70000),
        (lambda c: c["server"].update(port="80"), "server.port", "80"),
        (lambda c: c["hall"].update(timezone="Mars/Base"), "hall.timezone", "Mars/Base"),
        (lambda c: c["hall"].update(day_starts_at="25:00"), "hall.day_starts_at", "25:00"),
        (lambda c: c["services"][2].update(mode="sometimes"), "services[2].mode", "sometimes"),
        (lambda c: c["services"][1].update(code="a"), "services[1].code", "a"),
        (lambda c: c["services"][1].update(code="A"), "services[1].code", "A"),
        (lambda c: c["windows"][4].update(role="boss"), "windows[4].role", "boss"),
        (lambda c: c["windows"][4].update(services=["A", "QQ"]), "windows[4].services[1]", "QQ"),
        (lambda c: c["windows"][4].update(order="random"), "windows[4].order", "random"),
        (lambda c: c["windows"][5].update(number=5), "windows[5].number", 5),
        (lambda c: c["devices"][0].update(role="toaster"), "devices[0].role", "toaster"),
        (lambda c: c["devices"][2].update(window=99), "devices[2].window", 99),
        (lambda c: c["printer"].update(width_mm=60), "printer.width_mm", 60),
        (lambda c: c["printer"].update(backend="network", host=""), "printer.host", None),
        (lambda c: c["calling"].update(special_prefix="A"), "calling.special_prefix", "A"),
        (
            lambda c: c["calling"].update(recalls_before_no_show=-1),
            "calling.recalls_before_no_show",
            -1,
        ),
        (lambda c: c["holidays"].update(dates=["2026-13-01"]), "holidays.dates[0]", "2026-13-01"),
        (lambda c: c.pop("services"), "services", []),
    ],
)
def test_bad_value_names_its_key_and_value(change: Any, key: str, value: object) -> None:
    data = _sample()
    change(data)
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    assert e.value.key == key
    assert e.value.value == value
    assert key in str(e.value)


def test_missing_file_and_broken_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path / "nope.toml")
    assert "文件不存在" in str(e.value)
    broken = tmp_path / "broken.toml"
    broken.write_text("[hall\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(broken)
    assert "TOML" in str(e.value)


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_config(SAMPLE_CONFIG)
    assert config.db_path == SAMPLE_CONFIG.parent / "var" / "onewindow.sqlite"
