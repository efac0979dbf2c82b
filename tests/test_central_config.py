"""`district.toml`: every key checked, a bad value names its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from central.config import load_district, parse_district
from onewindow.config_table import ConfigError

HALL = {"code": "HZ", "name_zh": "海珠区政务服务中心", "token": "hall-hz-uplink-token-0001"}


def parse(**data: Any) -> Any:
    return parse_district({"halls": [HALL], **data})


def test_defaults_and_values_are_read() -> None:
    config = parse(centre={"port": 9000, "database": "dbname=d"})
    assert config.centre.port == 9000 and config.centre.database == "dbname=d"
    assert config.hall("HZ") is not None and config.hall("HZ").level == "street"  # type: ignore[union-attr]
    assert config.hall("XX") is None


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"centre": {"port": 70000}}, "centre.port"),
        ({"centre": {"timezone": "Mars/Base"}}, "centre.timezone"),
        ({"centre": {"databse": "x"}}, "centre.databse"),
        ({"centre": {"offline_after_s": 0}}, "centre.offline_after_s"),
        ({"halls": [{**HALL, "code": "a b"}]}, "halls[0].code"),
        ({"halls": [{**HALL, "level": "city"}]}, "halls[0].level"),
        ({"halls": [{**HALL, "token": "short"}]}, "halls[0].token"),
        ({"halls": [HALL, {**HALL, "token": "another-long-token-000"}]}, "halls[1].code"),
        ({"halls": [HALL, {**HALL, "code": "JN"}]}, "halls+viewers[1].token"),
        ({"halls": []}, "halls"),
        ({"viewers": [{"name": "s", "role": "clerk", "token": "x" * 20}]}, "viewers[0].role"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_value_names_its_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse(**data)
    assert e.value.key == key


def test_file_is_read_and_a_missing_one_named(tmp_path: Path) -> None:
    path = tmp_path / "district.toml"
    path.write_text(
        '[centre]\nport = 8091\n[[halls]]\ncode = "HZ"\nname_zh = "海珠"\n'
        'token = "hall-hz-uplink-token-0001"\n',
        encoding="utf-8",
    )
    assert load_district(path).centre.port == 8091
    with pytest.raises(ConfigError) as e:
        load_district(tmp_path / "none.toml")
    assert e.value.key == "--config"
