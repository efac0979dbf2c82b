"""Case numbers with the hall's code: the config that gives the code, old numbers kept.

Real SQLite files and the real hall app on loopback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest

from onewindow import case_numbers
from onewindow.config import Config, ConfigError, parse_config
from queue_server.http.app import create_app
from tests.api_helpers import add_staff
from tests.hallserver import SAMPLE_CONFIG
from tests.test_district_progress import LAST4, Factory, accept_case, progress

LINK = {"url": "http://192.0.2.1:8090", "hall": "HZ", "token": "hall-hz-uplink-token-0001"}


def sample(hall: dict[str, Any] | None = None, uplink: dict[str, Any] | None = None) -> Any:
    data = tomllib.loads(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data.pop("uplink", None)
    data["hall"].update(hall or {})
    if uplink:
        data["uplink"] = uplink
    return data


def test_the_code_comes_from_the_hall_table_or_else_the_uplink() -> None:
    assert parse_config(sample()).hall.code == ""
    assert parse_config(sample({"code": "JN"})).hall.code == "JN"
    assert parse_config(sample(uplink=LINK)).hall.code == "HZ"
    assert parse_config(sample({"code": "HZ"}, LINK)).hall.code == "HZ"
    key = parse_config(sample(uplink={**LINK, "proof_key": "k" * 16})).uplink
    assert key is not None and key.proof_key == "k" * 16


@pytest.mark.parametrize(
    ("hall", "uplink", "key"),
    [
        ({"code": "hz"}, None, "hall.code"),
        ({"code": "HZ1"}, None, "hall.code"),
        ({"code": "JN"}, LINK, "hall.code"),  # two codes: numbers could repeat in the district
        ({}, {**LINK, "hall": "hz-01"}, "uplink.hall"),
        ({}, {**LINK, "proof_key": "short"}, "uplink.proof_key"),
    ],
)
def test_a_bad_case_code_names_its_key(
    hall: dict[str, Any], uplink: dict[str, Any] | None, key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(sample(hall, uplink))
    assert caught.value.key == key


def test_numbers_read_as_typed_and_tell_their_hall() -> None:
    assert case_numbers.normalise(" hz-2026 1204 0001 ") == "HZ202612040001"
    assert case_numbers.normalise("202612040001") == "202612040001"
    for bad in ("", "HZ", "H20261204001", "HZ2026120400", "HZ12345678901234567890123"):
        assert case_numbers.normalise(bad) is None
    assert case_numbers.hall_of("JN202612040001") == "JN"
    assert case_numbers.hall_of("202612040001") is None
    assert case_numbers.is_foreign("JN202612040001", "HZ")
    assert not case_numbers.is_foreign("202612040001", "HZ")
    assert not case_numbers.is_foreign("HZ202612040001", "HZ")
    assert case_numbers.make("HZ", dt.date(2026, 12, 4), 10000) == "HZ2026120410000"
    assert case_numbers.sequence("HZ2026120410000") == 10000


async def test_old_numbers_stay_readable_once_the_hall_has_a_code(
    aiohttp_client: Factory, config: Config, tmp_path: Path
) -> None:
    db_path = tmp_path / "hall.sqlite"
    add_staff(db_path, ("1005", "clerk"))
    before = await aiohttp_client(create_app(config, db_path))
    old = await accept_case(before)
    assert old.case_no and old.case_no.isdigit() and len(old.case_no) == 12
    await before.close()
    coded = dataclasses.replace(config, hall=dataclasses.replace(config.hall, code="HZ"))
    after = await aiohttp_client(create_app(coded, db_path))
    new = await accept_case(after)
    assert new.case_no == "HZ" + old.case_no[:8] + "0001"
    for number in (old.case_no, new.case_no):
        assert (await progress(after, number, LAST4)).status == 200, number
    # A hall without an uplink cannot ask about another hall's case: it says so.
    foreign = await progress(after, "JN" + old.case_no, LAST4)
    assert foreign.status == 503
    assert (await foreign.json())["error"]["code"] == "district_unavailable"
