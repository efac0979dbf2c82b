"""The pure parts of case intake at the terminal: the applicant's checks and the local
catalogue search (no server, no terminal)."""

from __future__ import annotations

import pytest

from intake_tui.applicant import ApplicantProblem, applicant, id_card_ok
from intake_tui.item_index import ItemIndex, short_code
from onewindow import protocol as p
from onewindow.config import load_config
from queue_server.http.api_cases import item_view
from tests.hallserver import SAMPLE_CONFIG

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example


@pytest.fixture(scope="module")
def index() -> ItemIndex:
    from onewindow.catalogue_file import load_catalogue

    config = load_config(SAMPLE_CONFIG)
    services = {s.code for s in config.services}
    catalogue = load_catalogue(config.resolve(config.catalogue.file), services)
    return ItemIndex([item_view(item) for item in catalogue])


def problem(**fields: str) -> tuple[str, str]:
    values = {
        "name": "王小明",
        "id_type": "id_card",
        "id_number": VALID_ID,
        "phone": "13800138000",
    } | fields
    with pytest.raises(ApplicantProblem) as caught:
        applicant(**values)
    return caught.value.field, caught.value.key


def test_a_well_typed_applicant_is_sent_as_typed_but_tidied() -> None:
    sent = applicant(" 王  小明 ", "id_card", "110105 19491231002x", "138 0013 8000")
    assert sent == p.Applicant(
        name="王 小明", id_type="id_card", id_number=VALID_ID, phone="138 0013 8000"
    )


def test_id_card_check_digit() -> None:
    assert id_card_ok(VALID_ID)
    assert not id_card_ok("110105194912310021")  # one digit off: the check digit says so
    assert problem(id_number="110105194912310021") == ("id_number", "id_card_check")
    assert problem(id_number="11010519491231") == ("id_number", "id_card_format")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "  "}, ("name", "name_required")),
        ({"name": "王" * 65}, ("name", "name_too_long")),
        ({"id_type": ""}, ("id_type", "id_type_required")),
        ({"id_number": ""}, ("id_number", "id_required")),
        (
            {"id_type": "business_licence", "id_number": "91440101MA5XXXXX1"},
            ("id_number", "credit_code_format"),
        ),
        ({"id_type": "passport", "id_number": "E1"}, ("id_number", "id_other_format")),
        ({"phone": ""}, ("phone", "phone_required")),
        ({"phone": "1380013800"}, ("phone", "mobile_format")),
        ({"phone": "02345"}, ("phone", "phone_format")),
    ],
)
def test_each_wrong_field_is_named_with_why(
    fields: dict[str, str], expected: tuple[str, str]
) -> None:
    assert problem(**fields) == expected


def test_other_ids_and_landlines_are_accepted() -> None:
    assert applicant("Anna Smith", "passport", "E12345678", "+852 6123 4567").id_number == (
        "E12345678"
    )
    licence = applicant(
        "某某餐饮有限公司", "business_licence", "91440101MA59XXXX4K", "020-83001234"
    )
    assert licence.id_number == "91440101MA59XXXX4K"


def test_search_by_pinyin_initials_code_and_name(index: ItemIndex) -> None:
    assert index.search("spjy")[0].name_zh.startswith("食品经营许可")
    assert [i.code for i in index.search("GA-002")] == ["440105-GA-002"]
    assert index.search("居住证")[0].code == "440105-GA-002"
    assert index.search("no such item") == []


def test_with_nothing_typed_the_visitors_service_comes_first(index: ItemIndex) -> None:
    listed = index.search("", service="D")
    assert listed and {i.service for i in listed} == {"D"}
    assert short_code("440105-BDC-001") == "BDC-001"
