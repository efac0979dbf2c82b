"""The catalogue file a hall maintains: TOML or CSV, every error located at its line.

The format is chosen by suffix (docs/catalogue.md has the full guide).

TOML: one `[[items]]` table per item, its materials as `[[items.materials]]` tables::

    [[items]]
    code = "440105-SJ-001"
    name_zh = "企业设立登记"
    department = "海珠区市场监督管理局"
    level = "district"            # district | street
    mode = "direct"               # direct | consult_first
    service = "C"                 # the hall service it is queued under
    legal_basis = ["《中华人民共和国市场主体登记管理条例》"]
    legal_limit_days = 3          # working days
    promised_limit_days = 1       # 0 only for immediate items (immediate = true)

    [[items.materials]]
    name = "公司登记（备案）申请书"
    required = true               # default true
    copies = 1                    # default 1; 0 = original checked and handed back

CSV (UTF-8 with or without BOM, or GB18030 as Excel and WPS save it on Chinese Windows):
a header row of field names, then one row per item. `legal_basis`, `forms` and `process`
hold entries separated by `;`; `immediate` is 1/0; `materials` holds
`name|required|copies|note` entries separated by `;`, trailing parts optional (`申请书`
alone is a required material, one copy). An empty cell is a field left out.

tomllib reports no positions for values, so the TOML reader finds an error's line by
scanning the text: the item's `[[items]]` header, then the field's `key =` line inside it.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from onewindow.catalogue import Catalogue, CatalogueError, CatalogueItem, Material

_T = TypeVar("_T")
_LineOf = Callable[[str], int | None]  # a record's field name → its line in the file

_ITEM_FIELDS = frozenset(f.name for f in dataclasses.fields(CatalogueItem))
_REQUIRED = frozenset(
    f.name
    for f in dataclasses.fields(CatalogueItem)
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
)
_MATERIAL_FIELDS = ("name", "required", "copies", "note")
_YES, _NO = {"1", "true", "yes", "y", "是"}, {"0", "false", "no", "n", "否"}


class _Record:
    """One item's (or material's) raw fields: typed TOML values, or CSV text to parse."""

    def __init__(self, data: Mapping[str, object], known: Collection[str], text: bool) -> None:
        for name, value in data.items():
            if name not in known:
                raise CatalogueError(name, value, "未知字段 unknown field")
        self.data, self.text = data, text

    def _raw(self, name: str, required: bool) -> object:
        value = self.data.get(name)
        if self.text and isinstance(value, str) and not value.strip():
            value = None
        if value is None and required:
            raise CatalogueError(name, None, "缺少必填项 is required")
        return value

    def string(self, name: str, default: str | None = None) -> str:
        value = self._raw(name, default is None)
        if value is None:
            return default or ""
        if not isinstance(value, str):
            raise CatalogueError(name, value, "应为文本 must be text")
        return value.strip()

    def number(self, name: str, default: int | None = None) -> int:
        value = self._raw(name, default is None)
        if value is None:
            return default or 0
        if self.text and isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                raise CatalogueError(name, value, "应为整数 must be a whole number") from None
        if not isinstance(value, int) or isinstance(value, bool):
            raise CatalogueError(name, value, "应为整数 must be a whole number")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name, False)
        if value is None:
            return default
        if self.text and isinstance(value, str) and value.strip().lower() in _YES | _NO:
            return value.strip().lower() in _YES
        if not isinstance(value, bool):
            raise CatalogueError(name, value, "应为 true/false (CSV: 1/0)")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        value = self._raw(name, name in _REQUIRED)
        if isinstance(value, str):  # one entry in TOML; `;`-separated entries in CSV
            value = value.split(";") if self.text else [value]
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CatalogueError(name, value, "应为文本列表 must be a list of text")
        return tuple(v.strip() for v in value if v.strip())

    def materials(self) -> list[_Record]:
        value = self._raw("materials", False)
        if self.text and isinstance(value, str):
            entries = [e.split("|") for e in value.split(";") if e.strip()]
            for entry in entries:
                if len(entry) > len(_MATERIAL_FIELDS):
                    why = "应为 must be name|required|copies|note"
                    raise CatalogueError("materials", "|".join(entry), why)
            value = [dict(zip(_MATERIAL_FIELDS, entry, strict=False)) for entry in entries]
        if value is None:
            return []  # the item's own rule reports "at least one material"
        if not isinstance(value, list) or not all(isinstance(m, Mapping) for m in value):
            raise CatalogueError("materials", value, "应为 [[items.materials]] 表 must be tables")
        return [_Record(m, _MATERIAL_FIELDS, self.text) for m in value]


def _within(prefix: str, make: Callable[[], _T]) -> _T:
    """Run `make`, naming any error's key under its enclosing record (`materials[2].`)."""
    try:
        return make()
    except CatalogueError as e:
        raise e.located(e.file, e.line, prefix) from None


def _material(r: _Record) -> Material:
    return Material(
        name=r.string("name"),
        required=r.flag("required", True),
        copies=r.number("copies", 1),
        note=r.string("note", ""),
    )


def _item(r: _Record) -> CatalogueItem:
    materials = tuple(
        _within(f"materials[{j}].", functools.partial(_material, m))
        for j, m in enumerate(r.materials())
    )
    return CatalogueItem(
        code=r.string("code"),
        name_zh=r.string("name_zh"),
        name_en=r.string("name_en", ""),
        department=r.string("department"),
        level=r.string("level"),
        mode=r.string("mode"),
        service=r.string("service"),
        immediate=r.flag("immediate", False),
        legal_basis=r.strings("legal_basis"),
        conditions=r.string("conditions", ""),
        materials=materials,
        forms=r.strings("forms"),
        process=r.strings("process"),
        legal_limit_days=r.number("legal_limit_days"),
        promised_limit_days=r.number("promised_limit_days"),
        fee=r.string("fee", "不收费"),
        enquiry_phone=r.string("enquiry_phone", ""),
    )


def _collect(
    records: Iterable[tuple[str, Mapping[str, object], _LineOf]],
    file: str,
    *,
    text: bool,
    services: Collection[str] | None,
) -> Catalogue:
    """Check each record, then the rules across records; the first error stops the load."""
    items: list[CatalogueItem] = []
    first_line: dict[str, int | None] = {}
    for prefix, raw, line_of in records:
        try:
            item = _item(_Record(raw, _ITEM_FIELDS, text))
            if item.code in first_line:
                why = f"编码重复 duplicate of line {first_line[item.code]}"
                raise CatalogueError("code", item.code, why)
            if services is not None and item.service not in services:
                known = ", ".join(sorted(services))
                raise CatalogueError("service", item.service, f"未定义的业务 not one of {known}")
        except CatalogueError as e:
            raise e.located(file, line_of(e.key), prefix) from None
        first_line[item.code] = line_of("code")
        items.append(item)
    if not items:
        raise CatalogueError("items", None, "目录为空 the catalogue has no items", file=file)
    return Catalogue(items)


class _TomlLines:
    """Where each `[[items]]` starts in the text, and where a field is written inside it."""

    _ITEM = re.compile(r"^\s*\[\[\s*items\s*\]\]")
    _MATERIAL = re.compile(r"^\s*\[\[\s*items\s*\.\s*materials\s*\]\]")
    _ANY_TABLE = re.compile(r"^\s*\[")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts = [n for n, line in enumerate(self.lines) if self._ITEM.match(line)]

    def line_of(self, index: int, key: str) -> int | None:
        """1-based line of `key` in items[index]; the item's header if the key is not written."""
        if index >= len(self.starts):
            return None  # items written as an inline array: no header to point at
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines)
        material = re.match(r"materials\[(\d+)\]\.(\w+)$", key)
        if material:
            headers = [n for n in range(start, end) if self._MATERIAL.match(self.lines[n])]
            if int(material[1]) < len(headers):
                start, key = headers[int(material[1])], material[2]
        field = re.compile(rf"^\s*{re.escape(key.split('[')[0])}\s*=")
        for n in range(start + 1, end):
            if self._ANY_TABLE.match(self.lines[n]):
                break  # past this table's own keys
            if field.match(self.lines[n]):
                return n + 1
        return start + 1


def parse_toml(
    text: str, file: str = "catalogue.toml", services: Collection[str] | None = None
) -> Catalogue:
    """A catalogue from TOML text; `file` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"line (\d+)", str(e))
        line = int(at[1]) if at else None
        why = f"TOML 语法错误 syntax error: {e}"
        raise CatalogueError("", None, why, file=file, line=line) from None
    items = data.get("items")
    if not isinstance(items, list):
        raise CatalogueError("items", items, "缺少 [[items]] 表 no [[items]] tables", file=file)
    lines = _TomlLines(text)
    records = (
        (f"items[{i}].", raw, functools.partial(lines.line_of, i)) for i, raw in enumerate(items)
    )
    return _collect(records, file, text=False, services=services)


def _always(line: int) -> _LineOf:
    """A CSV row's errors all point at the row: its fields share one line."""
    return lambda _key: line


def parse_csv(
    text: str, file: str = "catalogue.csv", services: Collection[str] | None = None
) -> Catalogue:
    """A catalogue from CSV text, one row per item; `file` names it in errors."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    for name in header:
        if name not in _ITEM_FIELDS:
            raise CatalogueError(name, None, "未知列 unknown column", file=file, line=1)
    missing = sorted(_REQUIRED - set(header))
    if missing:
        why = "缺少必填列 required column missing"
        raise CatalogueError(missing[0], None, why, file=file, line=1)

    def rows() -> Iterator[tuple[str, Mapping[str, object], _LineOf]]:
        end = 1
        for row in reader:
            # A quoted cell may hold line breaks: a row starts where the previous one ended.
            start, end = end + 1, reader.line_num
            if len(row) > len(header):
                why = f"比表头多出 {len(row) - len(header)} 列 more cells than the header"
                raise CatalogueError("", None, why, file=file, line=start)
            if any(cell.strip() for cell in row):
                yield "", dict(zip(header, row, strict=False)), _always(start)

    return _collect(rows(), file, text=True, services=services)


def load_catalogue(path: str | Path, services: Collection[str] | None = None) -> Catalogue:
    """Read and check a catalogue file (.toml or .csv).

    `services`: the hall's service codes (`{s.code for s in config.services}`); when
    given, every item must be queued under one of them.
    """
    p = Path(path)
    kind = p.suffix.lower()
    if kind not in (".toml", ".csv"):
        raise CatalogueError("", None, "应为 .toml 或 .csv 文件 must be .toml or .csv", file=str(p))
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CatalogueError("", None, "文件不存在 file not found", file=str(p)) from None
    if kind == ".toml":
        return parse_toml(raw.decode("utf-8"), str(p), services)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return parse_csv(text, str(p), services)
