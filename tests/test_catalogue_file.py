"""Reading the catalogue file a hall maintains: TOML and CSV, and every broken rule
reported with the file, the line, the field and the value, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from onewindow.catalogue import CatalogueError, Material
from onewindow.catalogue_file import load_catalogue, parse_csv, parse_toml

HALL_SERVICES = set("ABCDEFGHZ")

FIRST = """\
[[items]]
code = "440105-SJ-001"
name_zh = "企业设立登记"
department = "海珠区市场监督管理局"
level = "district"
mode = "direct"
service = "C"
legal_basis = ["《中华人民共和国市场主体登记管理条例》"]
legal_limit_days = 3
promised_limit_days = 1

[[items.materials]]
name = "公司登记（备案）申请书"
"""

SECOND = """\

[[items]]
code = "440105-SJ-101"
name_zh = "食品经营许可（新办）"
department = "海珠区市场监督管理局"
level = "district"
mode = "consult_first"
service = "F"
legal_basis = ["《中华人民共和国食品安全法》第三十五条"]
legal_limit_days = 10
promised_limit_days = 5

[[items.materials]]
name = "食品经营许可申请书"

[[items.materials]]
name = "食品安全管理制度目录"
required = false
"""

HEADER = 'code = "440105-SJ-101"'  # an error with no line of its own points at its item


def _load(tmp_path: Path, second: str) -> CatalogueError:
    path = tmp_path / "catalogue.toml"
    path.write_text(FIRST + second, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path, HALL_SERVICES)
    return caught.value


def _line(second: str, line: str) -> int:
    """The file line of `line` inside the second item."""
    return len(FIRST.splitlines()) + second.splitlines().index(line) + 1


# (change to the second item, key, shown value, Chinese reason, English reason, line hit)
BROKEN = {
    "promise beyond the law": (
        ("promised_limit_days = 5", "promised_limit_days = 30"),
        "promised_limit_days",
        "30",
        "承诺时限不得超过法定时限",
        "must not exceed the legal limit",
        "promised_limit_days = 30",
    ),
    "negative limit": (
        ("legal_limit_days = 10", "legal_limit_days = -1"),
        "legal_limit_days",
        "-1",
        "不能为负",
        "must not be negative",
        "legal_limit_days = -1",
    ),
    "immediate item with a promise": (
        ('service = "F"', 'service = "F"\nimmediate = true'),
        "promised_limit_days",
        "5",
        "即办件",
        "immediate item",
        "promised_limit_days = 5",
    ),
    "zero-day item not marked immediate": (
        ("promised_limit_days = 5", "promised_limit_days = 0"),
        "immediate",
        "False",
        "即办件",
        "immediate = true",
        "[[items]]",
    ),
    "unknown mode": (
        ('mode = "consult_first"', 'mode = "consult"'),
        "mode",
        "'consult'",
        "应为",
        "must be one of direct, consult_first",
        'mode = "consult"',
    ),
    "unknown level": (
        ('level = "district"', 'level = "county"'),
        "level",
        "'county'",
        "应为",
        "must be one of district, street",
        'level = "county"',
    ),
    "service the hall does not have": (
        ('service = "F"', 'service = "X"'),
        "service",
        "'X'",
        "未定义的业务",
        "not one of A, B, C",
        'service = "X"',
    ),
    "required field left out": (
        ('service = "F"\n', ""),
        "service",
        None,
        "缺少必填项",
        "is required",
        "[[items]]",
    ),
    "duplicate code": (
        ('code = "440105-SJ-101"', 'code = "440105-SJ-001"'),
        "code",
        "'440105-SJ-001'",
        "编码重复",
        "duplicate of line 2",
        'code = "440105-SJ-001"',
    ),
    "malformed code": (
        ('code = "440105-SJ-101"', 'code = "SJ 101"'),
        "code",
        "'SJ 101'",
        "编码格式",
        "format like 440105-SJ-001",
        'code = "SJ 101"',
    ),
    "no materials": (
        (SECOND[SECOND.index("\n[[items.materials]]") :], "\n"),
        "materials",
        "[]",
        "至少一项申请材料",
        "at least one material",
        "[[items]]",
    ),
    "negative copies": (
        ('name = "食品经营许可申请书"', 'name = "食品经营许可申请书"\ncopies = -1'),
        "materials[0].copies",
        "-1",
        "份数不能为负",
        "must not be negative",
        "copies = -1",
    ),
    "second material's flag not a boolean": (
        ("required = false", 'required = "maybe"'),
        "materials[1].required",
        "'maybe'",
        "应为",
        "true/false",
        'required = "maybe"',
    ),
    "two materials with one name": (
        ('name = "食品安全管理制度目录"', 'name = "食品经营许可申请书"'),
        "materials",
        "['食品经营许可申请书', '食品经营许可申请书']",
        "材料名称重复",
        "duplicate name",
        "[[items]]",
    ),
    "number written as text": (
        ("legal_limit_days = 10", 'legal_limit_days = "10"'),
        "legal_limit_days",
        "'10'",
        "应为整数",
        "must be a whole number",
        'legal_limit_days = "10"',
    ),
    "misspelt field": (
        ("promised_limit_days = 5", "promise_limit_days = 5"),
        "promise_limit_days",
        "5",
        "未知字段",
        "unknown field",
        "promise_limit_days = 5",
    ),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_each_broken_rule_names_file_line_key_and_value(
    tmp_path: Path, case: tuple[tuple[str, str], str, str | None, str, str, str]
) -> None:
    (old, new), key, shown, zh, en, at = case
    assert old in SECOND
    second = SECOND.replace(old, new, 1)
    error = _load(tmp_path, second)
    line = _line(second, HEADER if at == "[[items]]" else at)
    if at == "[[items]]":
        line -= 1  # the header sits just above the item's code
    message = str(error)
    assert message.startswith(f"{tmp_path / 'catalogue.toml'} 第 {line} 行 line {line}: ")
    subject = f"items[1].{key}" + (f" = {shown}" if shown is not None else "")
    assert f"{subject}: " in message
    assert zh in message and en in message
    assert (error.line, error.key) == (line, f"items[1].{key}")


def test_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    second = SECOND.replace('level = "district"', 'level = "district')
    error = _load(tmp_path, second)
    line = _line(second, 'level = "district')
    assert f"第 {line} 行 line {line}" in str(error) and "TOML 语法错误 syntax error" in str(error)


def test_a_file_without_items_tables_is_refused() -> None:
    with pytest.raises(CatalogueError, match=r"items.*no \[\[items\]\] tables"):
        parse_toml('[item]\ncode = "440105-SJ-001"\n')


def test_unknown_suffix_and_missing_file_are_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"must be \.toml or \.csv"):
        load_catalogue(tmp_path / "catalogue.xlsx")
    with pytest.raises(CatalogueError, match="file not found"):
        load_catalogue(tmp_path / "catalogue.toml")


def test_services_are_not_checked_when_the_caller_gives_none() -> None:
    assert len(parse_toml(FIRST + SECOND.replace('service = "F"', 'service = "X"'))) == 2


def test_toml_defaults_for_optional_fields() -> None:
    item = parse_toml(FIRST).items[0]
    assert (item.immediate, item.name_en, item.fee, item.forms) == (False, "", "不收费", ())
    assert item.materials == (Material("公司登记（备案）申请书", required=True, copies=1),)


# --- CSV ---------------------------------------------------------------------------

CSV_HEADER = (
    "code,name_zh,department,level,mode,service,immediate,legal_basis,"
    "legal_limit_days,promised_limit_days,materials,forms,process,conditions\n"
)
CSV_ROW = (
    "440105-SJ-101,食品经营许可（新办）,海珠区市场监督管理局,district,consult_first,F,0,"
    "《中华人民共和国食品安全法》第三十五条;《食品经营许可和备案管理办法》,10,5,"
    "食品经营许可申请书|1|1;营业执照|0|1|已共享的免于提交;法定代表人身份证件|1|0|核验原件,"
    "《食品经营许可申请书》,咨询预审;受理;审查;决定,有与经营相适应的场所\n"
)


def test_csv_row_becomes_an_item_with_materials_and_lists() -> None:
    item = parse_csv(CSV_HEADER + CSV_ROW).items[0]
    assert item.legal_basis == (
        "《中华人民共和国食品安全法》第三十五条",
        "《食品经营许可和备案管理办法》",
    )
    assert item.process == ("咨询预审", "受理", "审查", "决定")
    assert item.materials == (
        Material("食品经营许可申请书"),
        Material("营业执照", required=False, note="已共享的免于提交"),
        Material("法定代表人身份证件", copies=0, note="核验原件"),
    )


def test_csv_and_toml_of_the_same_item_are_equal() -> None:
    toml = FIRST.replace("\n[[items.materials]]", "immediate = false\n\n[[items.materials]]")
    csv_text = CSV_HEADER.replace(",forms,process,conditions", "") + (
        "440105-SJ-001,企业设立登记,海珠区市场监督管理局,district,direct,C,否,"
        "《中华人民共和国市场主体登记管理条例》,3,1,公司登记（备案）申请书\n"
    )
    assert parse_csv(csv_text).items == parse_toml(toml).items


def test_csv_saved_by_excel_in_gb18030_loads(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_bytes((CSV_HEADER + CSV_ROW).encode("gb18030"))
    assert load_catalogue(path, HALL_SERVICES).items[0].name_zh == "食品经营许可（新办）"


def test_csv_error_names_the_rows_line_even_after_a_multiline_cell(tmp_path: Path) -> None:
    first = CSV_ROW.replace("有与经营相适应的场所", '"有与经营相适应的场所，\n且布局合理"')
    second = CSV_ROW.replace("440105-SJ-101", "440105-SJ-102").replace(",10,5,", ",10,30,")
    path = tmp_path / "catalogue.csv"
    path.write_text(CSV_HEADER + first + second, encoding="utf-8-sig")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path, HALL_SERVICES)
    assert str(caught.value).startswith(f"{path} 第 4 行 line 4: promised_limit_days = 30: ")
    assert "must not exceed the legal limit" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (CSV_HEADER.replace("forms", "form") + CSV_ROW, 1, "form: 未知列 unknown column"),
        (CSV_HEADER.replace("service,", "") + CSV_ROW, 1, "service: 缺少必填列 required column"),
        (CSV_HEADER + CSV_ROW.replace(",10,5,", ",十,5,"), 2, "legal_limit_days = '十': 应为整数"),
        (CSV_HEADER + CSV_ROW.replace(",0,《", ",也许,《"), 2, "immediate = '也许'"),
        (CSV_HEADER + CSV_ROW.replace("|1|1;", "|1|1|注|多;"), 2, "name|required|copies|note"),
        (CSV_HEADER + CSV_ROW.replace("|1|0|", "|1|-2|"), 2, "materials[2].copies = -2"),
        (CSV_HEADER + CSV_ROW.rstrip("\n") + ",多余\n", 2, "more cells than the header"),
    ],
    ids=[
        "unknown column",
        "missing column",
        "bad number",
        "bad flag",
        "material parts",
        "material copies",
        "extra cell",
    ],
)
def test_csv_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_csv(text, "hall.csv")
    assert str(caught.value).startswith(f"hall.csv 第 {line} 行 line {line}: ")
    assert fragment in str(caught.value)


def test_blank_csv_rows_are_skipped() -> None:
    assert len(parse_csv(CSV_HEADER + "\n" + CSV_ROW + ",,,\n")) == 1


def test_the_maintainers_guide_examples_load() -> None:
    guide = (Path(__file__).parent.parent / "docs" / "catalogue.md").read_text(encoding="utf-8")
    toml_example = re.search(r"```toml\n(\[\[items\]\].*?)```", guide, re.S)
    csv_example = re.search(r"```csv\n(.*?)```", guide, re.S)
    assert toml_example and csv_example
    assert parse_toml(toml_example[1], services=HALL_SERVICES).items[0].mode == "consult_first"
    assert parse_csv(csv_example[1], services=HALL_SERVICES).items[0].immediate
