"""事项目录 The service catalogue: every item a window takes in, and finding it fast.

An item (政务服务事项) carries the standard elements of its service guide (办事指南): code,
names, department, level, whether visitors see a consultation window first, the hall
service it is queued under, legal basis, conditions, materials, forms, process, legal and
promised time limits in working days, fee and enquiry phone. An item that breaks a rule
cannot be built, so every `CatalogueItem` in the program is a valid one.

The hall maintains the catalogue as a TOML or CSV file; `onewindow.catalogue_file` reads
it and locates each error at its line (docs/catalogue.md is the maintainer's guide).
Codes follow `<division>-<department>-<seq>`, e.g. `440105-SJ-001` (海珠区, 市场监管,
item 1); any capital letters and digits joined by hyphens are accepted.

A clerk finds an item by typing a few characters: a code prefix, part of the Chinese name
or its pinyin initials (`spjy` → 食品经营许可), or part of the department. The keys for
that are worked out once when the catalogue is built, so a search over a district hall's
~400 items is a plain scan of short strings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

LEVELS = ("district", "street")
MODES = ("direct", "consult_first")
_CODE = re.compile(r"^[0-9A-Z]+(?:-[0-9A-Z]+)+$")
_SERVICE = re.compile(r"^[A-Z]{1,2}$")


class CatalogueError(ValueError):
    """An entry the hall cannot use: the field, its value and why, in Chinese and English.

    Errors from an item built in code carry only the field; the file reader re-raises
    them `located` at the file, the line and the item (`items[4].promised_limit_days`).
    """

    def __init__(
        self, key: str, value: object, reason: str, *, file: str = "", line: int | None = None
    ) -> None:
        self.key, self.value, self.reason, self.file, self.line = key, value, reason, file, line
        where = f"{file} 第 {line} 行 line {line}" if file and line else file
        subject = f"{key} = {value!r}" if value is not None else key  # None: a missing field
        super().__init__(": ".join(part for part in (where, subject, reason) if part))

    def located(self, file: str, line: int | None, prefix: str = "") -> CatalogueError:
        """The same error, placed in a file and under an enclosing record's key."""
        return CatalogueError(
            prefix + self.key,
            self.value,
            self.reason,
            file=file or self.file,
            line=line or self.line,
        )


@dataclass(frozen=True)
class Material:
    """One material on an item's list (申请材料)."""

    name: str
    required: bool = True
    copies: int = 1  # sheets kept; 0 means the original is checked and handed back
    note: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise CatalogueError("name", self.name, "材料名称不能为空 must not be empty")
        if self.copies < 0:
            raise CatalogueError("copies", self.copies, "份数不能为负 must not be negative")


@dataclass(frozen=True, kw_only=True)
class CatalogueItem:
    """A service item (政务服务事项) with the standard elements of its service guide."""

    code: str
    name_zh: str
    name_en: str = ""
    department: str
    level: str
    mode: str
    service: str
    immediate: bool = False  # 即办件: finished at the window, promised limit 0
    legal_basis: tuple[str, ...]
    conditions: str = ""
    materials: tuple[Material, ...]
    forms: tuple[str, ...] = ()
    process: tuple[str, ...] = ()
    legal_limit_days: int  # working days, 法定时限
    promised_limit_days: int  # working days, 承诺时限
    fee: str = "不收费"
    enquiry_phone: str = ""

    def __post_init__(self) -> None:
        problem = next(_problems(self), None)
        if problem:
            raise CatalogueError(*problem)

    @property
    def required_materials(self) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.required)


def _problems(item: CatalogueItem) -> Iterator[tuple[str, object, str]]:
    """Every rule `item` breaks, as (field, value, reason), in field order."""
    if not _CODE.match(item.code):
        yield "code", item.code, "编码格式应如 format like 440105-SJ-001"
    for key in ("name_zh", "department"):
        if not getattr(item, key).strip():
            yield key, getattr(item, key), "不能为空 must not be empty"
    if item.level not in LEVELS:
        yield "level", item.level, f"应为 must be one of {', '.join(LEVELS)}"
    if item.mode not in MODES:
        yield "mode", item.mode, f"应为 must be one of {', '.join(MODES)}"
    if not _SERVICE.match(item.service):
        yield "service", item.service, "应为 1–2 个大写字母 must be 1–2 capital letters"
    if not item.legal_basis:
        yield "legal_basis", [], "至少一项设定依据 needs a legal basis"
    for key in ("legal_limit_days", "promised_limit_days"):
        if getattr(item, key) < 0:
            yield key, getattr(item, key), "不能为负 must not be negative"
    promised = item.promised_limit_days
    if promised > item.legal_limit_days:
        yield (
            "promised_limit_days",
            promised,
            "承诺时限不得超过法定时限 must not exceed the legal limit",
        )
    if item.immediate and promised != 0:
        yield (
            "promised_limit_days",
            promised,
            "即办件承诺时限应为 0 must be 0 for an immediate item",
        )
    if not item.immediate and promised == 0:
        yield "immediate", False, "承诺时限为 0 的是即办件 a 0-day item must be immediate = true"
    names = [m.name for m in item.materials]
    if not names:
        yield "materials", [], "至少一项申请材料 needs at least one material"
    elif len(set(names)) < len(names):
        yield "materials", names, "材料名称重复 has a duplicate name"


# --- search --------------------------------------------------------------------------

# GB2312's 3,755 level-1 hanzi are ordered by pinyin, so the first character of each
# initial's run marks where that initial begins. Rarer (level-2) characters and other
# scripts give no initial; polyphones get the reading GB2312 sorted them by.
_RUN_STARTS = [
    (ch.encode("gb2312"), letter)
    for ch, letter in zip(
        "啊芭擦搭蛾发噶哈击喀垃妈拿哦啪期然撒塌挖昔压匝", "abcdefghjklmnopqrstwxyz", strict=True
    )
]
_LEVEL1_END = b"\xd7\xf9"  # 座, the last level-1 character


def pinyin_initials(text: str) -> str:
    """`不动产登记` → `bdcdj`; ASCII letters and digits are kept, punctuation dropped."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower() if ch.isalnum() else "")
            continue
        try:
            code = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if _RUN_STARTS[0][0] <= code <= _LEVEL1_END:
            out.append(_RUN_STARTS[bisect.bisect_right(_RUN_STARTS, (code, "~")) - 1][1])
    return "".join(out)


@dataclass(frozen=True)
class _SearchKeys:
    """What a query is matched against, worked out once when the catalogue is built."""

    codes: tuple[str, ...]  # the full code and the code without its division prefix
    names: str  # Chinese name, English name (folded) and pinyin initials
    department: str

    @classmethod
    def of(cls, item: CatalogueItem) -> _SearchKeys:
        local = item.code.split("-", 1)[1]
        names = " ".join((item.name_zh, item.name_en.casefold(), pinyin_initials(item.name_zh)))
        return cls((item.code, local), names, item.department)

    def rank(self, term: str) -> int | None:
        """0 for a code prefix, 1 for a name, 2 for a department; None if no match."""
        if any(code.startswith(term.upper()) for code in self.codes):
            return 0
        if term.casefold() in self.names:
            return 1
        return 2 if term in self.department else None


class Catalogue:
    """The hall's items, looked up by code, by hall service, or by what a clerk types."""

    def __init__(self, items: Iterable[CatalogueItem]) -> None:
        self._items = tuple(items)
        self._by_code = {item.code: item for item in self._items}
        if len(self._by_code) < len(self._items):
            codes = [item.code for item in self._items]
            duplicate = next(code for code in codes if codes.count(code) > 1)
            raise CatalogueError("code", duplicate, "编码重复 duplicate code")
        by_service: dict[str, list[CatalogueItem]] = {}
        for item in self._items:
            by_service.setdefault(item.service, []).append(item)
        self._by_service = {code: tuple(items) for code, items in by_service.items()}
        self._keys = tuple(_SearchKeys.of(item) for item in self._items)

    @property
    def items(self) -> tuple[CatalogueItem, ...]:
        return self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[CatalogueItem]:
        return iter(self._items)

    def get(self, code: str) -> CatalogueItem | None:
        return self._by_code.get(code.strip().upper())

    def by_service(self, service: str) -> tuple[CatalogueItem, ...]:
        """Items queued under a hall service (A, B, ...), in file order."""
        return self._by_service.get(service, ())

    def search(self, query: str) -> tuple[CatalogueItem, ...]:
        """Items matching every space-separated term of `query`, best matches first.

        A term matches a code prefix (`440105-SJ`, or without the division: `SJ-1`), a
        substring of the Chinese or English name or of the name's pinyin initials (`spjy`
        for 食品经营), or a substring of the department. Code matches come first, then
        names, then departments; ties keep file order. An empty query lists every item.
        """
        terms = query.split()
        if not terms:
            return self._items
        ranked = []
        for position, (item, keys) in enumerate(zip(self._items, self._keys, strict=True)):
            ranks = [keys.rank(term) for term in terms]
            if None not in ranks:
                ranked.append((max(r for r in ranks if r is not None), position, item))
        return tuple(item for _, _, item in sorted(ranked, key=lambda t: t[:2]))
