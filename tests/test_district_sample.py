"""The sample district (district/): every file loads with the real loaders and fits together."""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest

from central.config import load_district
from onewindow.catalogue_file import load_catalogue
from onewindow.config import Config, load_config
from onewindow.config_table import ConfigError
from onewindow_cli.district_layout import hall_config_path, plan, toml_text, write_configs
from queue_server.http.app import load_hall_catalogue

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "district" / "district.toml"
STREETS = [
    "赤岗",
    "新港",
    "昌岗",
    "江南中",
    "滨江",
    "素社",
    "海幢",
    "南华西",
    "龙凤",
    "沙园",
    "南石头",
    "凤阳",
    "瑞宝",
    "江海",
    "南洲",
    "琶洲",
    "华洲",
    "官洲",
]
PERSONAL_SERVICES = {"A", "B", "H", "Z"}


def hall_configs() -> dict[str, Config]:
    district = load_district(DISTRICT)
    return {h.code: load_config(hall_config_path(DISTRICT, h.code)) for h in district.halls}


def test_the_district_is_its_centre_and_18_street_halls() -> None:
    district = load_district(DISTRICT)
    assert [h.level for h in district.halls] == ["district"] + ["street"] * 18
    assert district.halls[0].code == "HZ"
    assert [h.name_zh for h in district.halls[1:]] == [f"{s}街道政务服务中心" for s in STREETS]
    assert {v.role for v in district.viewers} == {"supervisor", "display"}


def test_every_hall_config_and_catalogue_loads_with_the_real_loaders() -> None:
    for code, config in hall_configs().items():
        catalogue = load_hall_catalogue(config)  # every item under one of the hall's services
        assert len(catalogue) > 0, code
        if code == "HZ":
            assert len(config.windows) == 23
        else:
            assert 4 <= len(config.windows) <= 6, code
            assert {s.code for s in config.services} == PERSONAL_SERVICES, code


def test_the_district_tokens_and_codes_match_each_halls_uplink() -> None:
    district = load_district(DISTRICT)
    for hall in district.halls:
        uplink = hall_configs()[hall.code].uplink
        assert uplink is not None, hall.code
        assert (uplink.hall, uplink.token) == (hall.code, hall.token)
        assert uplink.url == f"http://127.0.0.1:{district.centre.port}"
    files = {p.stem for p in (ROOT / "district" / "halls").glob("*.toml")}
    assert files - {"street_catalogue"} == {h.code for h in district.halls}
    # one proof key for every hall, so a case is answered at any of them (全城通办)
    keys = {c.uplink.proof_key for c in hall_configs().values() if c.uplink is not None}
    assert len(keys) == 1 and "" not in keys


def test_each_hall_has_its_own_port_and_database_under_var_district() -> None:
    configs = hall_configs()
    ports = [c.server.port for c in configs.values()]
    assert len(set(ports)) == 19 and load_district(DISTRICT).centre.port not in ports
    for code, config in configs.items():
        assert config.db_path.resolve() == ROOT / "var/district" / f"{code}.sqlite"


def test_every_token_is_marked_as_a_demo_token() -> None:
    district = load_district(DISTRICT)
    tokens = [h.token for h in district.halls] + [v.token for v in district.viewers]
    tokens += [d.token for c in hall_configs().values() for d in c.devices]
    assert all(t.startswith("demo-") for t in tokens)


def test_the_district_hall_is_the_repos_config_with_only_its_district_settings() -> None:
    own, sample = hall_configs()["HZ"], load_config(ROOT / "config.toml")
    for field in (
        "services",
        "windows",
        "devices",
        "calling",
        "kiosk",
        "display",
        "cases",
        "holidays",
        "workdays",
    ):
        assert getattr(own, field) == getattr(sample, field), field
    # but for the code its case numbers carry, from its [uplink]
    assert dataclasses.replace(own.hall, code="") == sample.hall
    assert own.hall.code == "HZ"
    assert own.resolve(own.catalogue.file).resolve() == ROOT / "catalogue.toml"


def test_the_street_catalogue_is_personal_items_copied_from_the_district_one() -> None:
    district_items = load_catalogue(ROOT / "catalogue.toml")
    street = load_catalogue(ROOT / "district/halls/street_catalogue.toml", PERSONAL_SERVICES)
    for item in street:
        assert item == district_items.get(item.code), item.code
    assert {i.code for i in street if i.level == "street"} == {
        i.code for i in district_items if i.level == "street"
    }


def copy_district(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "district", tmp_path / "district")
    return tmp_path / "district" / "district.toml"


def test_a_hall_whose_uplink_token_differs_from_the_district_is_refused(tmp_path: Path) -> None:
    district = copy_district(tmp_path)
    hall = district.parent / "halls" / "SY.toml"
    hall.write_text(hall.read_text().replace("demo-uplink-token-SY", "demo-uplink-token-XX"))
    with pytest.raises(ConfigError) as e:
        plan(district, tmp_path / "state")
    assert "SY.toml: uplink.token" in str(e.value) and "demo-uplink-token-XX" not in str(e.value)


def test_a_hall_shipping_as_another_hall_is_refused(tmp_path: Path) -> None:
    district = copy_district(tmp_path)
    hall = district.parent / "halls" / "GZ.toml"
    hall.write_text(hall.read_text().replace('hall = "GZ"', 'hall = "HUZ"'))
    with pytest.raises(ConfigError, match=r"GZ\.toml: uplink\.hall"):
        plan(district, tmp_path / "state")


def test_effective_configs_move_ports_and_files_and_keep_everything_else(tmp_path: Path) -> None:
    layout = plan(DISTRICT, tmp_path / "state", base_port=20000)
    write_configs(layout, "host=127.0.0.1 dbname=elsewhere")
    centre = load_district(layout.centre_config)
    assert (centre.centre.port, centre.centre.database) == (
        20000,
        "host=127.0.0.1 dbname=elsewhere",
    )
    assert centre.halls == load_district(DISTRICT).halls
    for i, hall in enumerate(layout.halls, 1):
        ran, source = load_config(hall.config), hall_configs()[hall.code]
        assert (ran.server.port, ran.server.db) == (
            20000 + i,
            str(tmp_path / "state" / f"{hall.code}.sqlite"),
        )
        assert ran.uplink == dataclasses.replace(source.uplink, url="http://127.0.0.1:20000")  # type: ignore[type-var]
        assert (ran.services, ran.windows, ran.devices) == (
            source.services,
            source.windows,
            source.devices,
        )
        assert len(load_hall_catalogue(ran)) == len(load_hall_catalogue(source))
        assert hall.config.stat().st_mode & 0o077 == 0  # it holds the tokens


def test_toml_text_reads_back_equal() -> None:
    for path in (ROOT / "catalogue.toml", ROOT / "config.toml", DISTRICT):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert tomllib.loads(toml_text(data)) == data, path
    odd = {"a key": 'quote " and \\ and \n', "t": {"inline": [{"x": 1}, 2.5, True]}}
    assert tomllib.loads(toml_text(odd)) == odd
