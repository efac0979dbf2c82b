"""The hall's `[uplink]` table: absent means no uplink; every value is checked."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from onewindow.config import ConfigError, parse_config
from tests.hallserver import SAMPLE_CONFIG

LINK = {"url": "http://192.0.2.1:8090/", "hall": "HZ", "token": "hall-hz-uplink-token-0001"}


def sample(**uplink: Any) -> dict[str, Any]:
    data = tomllib.loads(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data.pop("uplink", None)
    if uplink:
        data["uplink"] = uplink
    return data


def test_no_uplink_table_means_no_uplink() -> None:
    assert parse_config(sample()).uplink is None


def test_uplink_is_read_with_its_defaults() -> None:
    link = parse_config(sample(**LINK)).uplink
    assert link is not None
    assert (link.url, link.hall, link.batch, link.retry_max_s) == (
        "http://192.0.2.1:8090",
        "HZ",
        1000,
        30.0,
    )


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"url": "ftp://x"}, "uplink.url"),
        ({"hall": "海珠"}, "uplink.hall"),
        ({"token": "short"}, "uplink.token"),
        ({"batch": 0}, "uplink.batch"),
        ({"batch": 5001}, "uplink.batch"),
        ({"retry_max_s": -1}, "uplink.retry_max_s"),
        ({"interval_s": "fast"}, "uplink.interval_s"),
    ],
)
def test_bad_uplink_value_names_its_key(change: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(sample(**{**LINK, **change}))
    assert e.value.key == key


def test_uplink_without_its_url_names_the_key() -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(sample(hall="HZ", token=LINK["token"]))
    assert e.value.key == "uplink.url"
