"""The service catalogue: the shipped sample, search at the window, and the rules a
hall's file must keep — each broken rule reported at its file, line, field and value."""

from __future__ import annotations

import dataclasses
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.catalogue import Catalogue, CatalogueError, CatalogueItem, Material, pinyin_initials
from onewindow.catalogue_file import load_catalogue
from onewindow.config import Config, load_config
from tests.hallserver import SAMPLE_CONFIG

HALL = load_config(SAMPLE_CONFIG)
SERVICES = {s.code for s in HALL.services}
SAMPLE = load_catalogue(HALL.resolve(HALL.catalogue.file), SERVICES)


def codes(items: tuple[CatalogueItem, ...]) -> list[str]:
    return [item.code for item in items]


# --- the shipped sample ------------------------------------------------------------


def test_sample_catalogue_has_at_least_45_items() -> None:
    assert len(SAMPLE) >= 45


def test_sample_items_are_queued_under_the_sample_halls_services(config: Config) -> None:
    assert {item.service for item in SAMPLE} <= {s.code for s in config.services}


def test_sample_item_mode_matches_the_mode_of_its_service(config: Config) -> None:
    for item in SAMPLE:
        service = config.service(item.service)
        assert service is not None and item.mode == service.mode, item.code


def test_sample_marks_consult_first_items_under_d_e_f_g() -> None:
    consult = [item for item in SAMPLE if item.mode == "consult_first"]
    assert {item.service for item in consult} == {"D", "E", "F", "G"}
    assert any(item.mode == "direct" for item in SAMPLE)


def test_sample_immediate_items_promise_zero_days() -> None:
    immediate = [item for item in SAMPLE if item.immediate]
    assert len(immediate) >= 5
    assert all(item.promised_limit_days == 0 for item in immediate)


def test_sample_promises_shorter_than_the_law_for_timed_items() -> None:
    for item in SAMPLE:
        if not item.immediate:
            assert 0 < item.promised_limit_days < item.legal_limit_days, item.code


def test_sample_items_list_two_to_eight_materials_and_a_legal_basis() -> None:
    for item in SAMPLE:
        assert 2 <= len(item.materials) <= 8, item.code
        assert item.legal_basis and all("《" in basis for basis in item.legal_basis), item.code


def test_sample_phones_are_obvious_sample_numbers() -> None:
    assert all(re.fullmatch(r"020-80000\d{3}", item.enquiry_phone) for item in SAMPLE)


def test_sample_covers_the_departments_a_district_hall_hosts() -> None:
    departments = " ".join({item.department for item in SAMPLE})
    for department in (
        "市场监督",
        "住房和城乡建设",
        "不动产",
        "卫生健康",
        "民政",
        "社会保险",
        "医疗保障",
        "公积金",
        "税务",
        "公安",
        "人力资源",
    ):
        assert department in departments


# --- search ------------------------------------------------------------------------


def test_search_by_code_prefix_finds_that_departments_items() -> None:
    found = SAMPLE.search("440105-BDC")
    assert found and all(code.startswith("440105-BDC-") for code in codes(found))
    assert len(found) == sum(item.code.startswith("440105-BDC-") for item in SAMPLE)


def test_search_by_code_ignores_case_and_the_division_prefix() -> None:
    assert codes(SAMPLE.search("bdc-00")) == codes(SAMPLE.search("440105-BDC-00"))


def test_search_by_chinese_substring_finds_the_food_items() -> None:
    found = SAMPLE.search("食品")
    assert {"440105-SJ-101", "440105-SJ-103", "440105-SJ-105"} <= set(codes(found))
    assert all("食品" in item.name_zh or "食品" in item.department for item in found)


def test_search_by_pinyin_initials() -> None:
    assert "440105-SJ-101" in codes(SAMPLE.search("spjyxk"))  # 食品经营许可
    found = SAMPLE.search("zfgjj")  # 住房公积金
    assert found and all("住房公积金" in item.name_zh for item in found)


def test_search_by_department_finds_all_its_items() -> None:
    found = SAMPLE.search("卫生健康局")
    assert set(codes(found)) == {i.code for i in SAMPLE if i.department == "海珠区卫生健康局"}


def test_search_terms_must_all_match() -> None:
    assert codes(SAMPLE.search("食品 延续")) == ["440105-SJ-103"]


def test_search_puts_code_matches_before_name_matches() -> None:
    by_name = _item(code="440105-AB-001", name_zh="食品经营许可")  # initials spjyxk
    by_code = _item(code="440105-SP-001", name_zh="企业设立登记")
    catalogue = Catalogue([by_name, by_code])
    assert codes(catalogue.search("sp")) == ["440105-SP-001", "440105-AB-001"]


def test_empty_query_lists_everything_and_nonsense_finds_nothing() -> None:
    assert SAMPLE.search("  ") == SAMPLE.items
    assert SAMPLE.search("不存在的事项") == ()


@given(st.data())
def test_any_part_of_an_items_name_finds_it(data: st.DataObject) -> None:
    item = data.draw(st.sampled_from(SAMPLE.items))
    start = data.draw(st.integers(0, len(item.name_zh) - 1))
    end = data.draw(st.integers(start + 1, len(item.name_zh)))
    part = item.name_zh[start:end].strip()
    if part:
        assert item in SAMPLE.search(part)


def test_searching_a_full_code_puts_that_item_first() -> None:
    for item in SAMPLE:
        assert SAMPLE.search(item.code)[0] == item


def test_search_over_400_items_is_instant() -> None:
    big = Catalogue(
        dataclasses.replace(item, code=f"{item.code}-{n}")
        for n in range(6)
        for item in SAMPLE.items
    )
    assert len(big) >= 400
    began = time.perf_counter()
    for query in ("食品", "spjy", "440105-BDC", "登记 变更", "不存在") * 20:
        big.search(query)
    assert (time.perf_counter() - began) / 100 < 0.005  # well under a keystroke


def test_get_by_code_and_by_service() -> None:
    assert SAMPLE.get("440105-sj-001") == SAMPLE.get("440105-SJ-001") is not None
    assert SAMPLE.get("440105-XX-999") is None
    assert SAMPLE.by_service("D") and all(i.service == "D" for i in SAMPLE.by_service("D"))
    assert SAMPLE.by_service("Q") == ()


def test_pinyin_initials_keep_latin_and_drop_punctuation() -> None:
    assert pinyin_initials("不动产登记") == "bdcdj"
    assert pinyin_initials("《就业创业证》申领") == "jycyzsl"
    assert pinyin_initials("第2类") == "d2l"
    assert pinyin_initials("亍") == ""  # GB2312 level 2: not in pinyin order


# --- the item's own rules ----------------------------------------------------------


def _item(**changes: object) -> CatalogueItem:
    base = CatalogueItem(
        code="440105-SJ-001",
        name_zh="企业设立登记",
        department="海珠区市场监督管理局",
        level="district",
        mode="direct",
        service="C",
        legal_basis=("《中华人民共和国市场主体登记管理条例》",),
        materials=(Material("申请书"),),
        legal_limit_days=3,
        promised_limit_days=1,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@given(st.integers(0, 60), st.integers(0, 60))
def test_an_item_exists_only_if_its_promise_keeps_within_the_law(legal: int, promised: int) -> None:
    immediate = promised == 0
    if promised <= legal:
        item = _item(legal_limit_days=legal, promised_limit_days=promised, immediate=immediate)
        assert item.promised_limit_days <= item.legal_limit_days
    else:
        with pytest.raises(CatalogueError) as e:
            _item(legal_limit_days=legal, promised_limit_days=promised, immediate=immediate)
        assert e.value.key == "promised_limit_days"


def test_an_item_built_in_code_reports_the_field_without_a_file() -> None:
    with pytest.raises(CatalogueError) as e:
        _item(materials=())
    assert (e.value.key, e.value.file, e.value.line) == ("materials", "", None)


def test_a_catalogue_refuses_two_items_with_one_code() -> None:
    with pytest.raises(CatalogueError, match="440105-SJ-001"):
        Catalogue([_item(), _item(name_zh="另一个")])
