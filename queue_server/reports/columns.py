"""Columns of many rows from SQLite into numpy arrays, fast, and figures per group.

Python's sqlite3 makes a tuple per row, which costs more than the query itself over a
million tickets. Here SQLite joins each column into one string (`group_concat`) in a
single scan, and numpy parses it in C: about ten times cheaper. Text columns become
small integer codes, so that counting per service, window or clerk is a `bincount`.

Durations are carried as integer milliseconds: sums are exact, and nearest-rank
percentiles are the values themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from onewindow import protocol as p

IntArray = npt.NDArray[np.int64]
_SEP, _NULL = "\x1f", "\x1e"  # control characters: never in a code, a staff id or a day


@dataclass(frozen=True)
class Coded:
    """A text column as codes into `values` (sorted; None for SQL NULL)."""

    codes: IntArray
    values: list[str | None]


def select_list(ints: Sequence[str], texts: Sequence[str]) -> str:
    """`count(*)` and one joined string per column, for `parse`.

    An integer expression must never be NULL (group_concat would skip it and shift
    every later row); a text NULL arrives as None.
    """
    parts = ["count(*)"] + [f"group_concat({e})" for e in ints]
    parts += [f"group_concat(coalesce({e}, char(30)), char(31))" for e in texts]
    return ", ".join(parts)


def parse(
    rows: Sequence[Sequence[Any]], at: int, ints: int, texts: int
) -> tuple[IntArray, list[IntArray], list[Coded]]:
    """The columns of `select_list` found from position `at` of each result row, joined
    across the rows: per row its count, then each column over all rows."""
    counts = np.array([int(r[at]) for r in rows], dtype=np.int64)
    n = int(counts.sum())
    full = [r for r in rows if r[at]]
    numbers = [_ints(",".join(r[at + 1 + i] for r in full), n) for i in range(ints)]
    words = [_coded(_SEP.join(r[at + 1 + ints + i] for r in full), n) for i in range(texts)]
    return counts, numbers, words


def fetch_columns(
    conn: sqlite3.Connection,
    ints: Sequence[str],
    texts: Sequence[str],
    tails: Sequence[tuple[str, Sequence[Any] | Mapping[str, Any]]],
) -> tuple[list[IntArray], list[Coded]]:
    """The columns of the rows that each `FROM ...` tail (with its arguments) selects."""
    select = select_list(ints, texts)
    rows = [conn.execute(f"SELECT {select} {tail}", args).fetchone() for tail, args in tails]
    _, numbers, words = parse(rows, 0, len(ints), len(texts))
    return numbers, words


# (name, SQL giving value + offset, never negative, bits, offset)
Field = tuple[str, str, int, int]


def packed(fields: Sequence[Field]) -> str:
    """SQL for one number holding every field: each joined column costs its own pass of
    text building and parsing, so a handful of small numbers travel as one."""
    assert sum(bits for _, _, bits, _ in fields) < 63
    out = "0"
    for _, sql, bits, _ in fields:
        out = f"({out}) * {2**bits} + ({sql})"
    return out


def unpack(whole: IntArray, fields: Sequence[Field]) -> dict[str, IntArray]:
    out = {}
    for name, _, bits, offset in reversed(fields):
        out[name] = (whole & (2**bits - 1)) - offset
        whole = whole >> bits
    return out


def _ints(joined: str, n: int) -> IntArray:
    if not n:
        return np.zeros(0, dtype=np.int64)
    values = np.fromstring(joined, dtype=np.int64, sep=",")
    if len(values) != n:
        raise ValueError(f"column gave {len(values)} values for {n} rows")
    return values


def _coded(joined: str, n: int) -> Coded:
    if not n:
        return Coded(np.zeros(0, dtype=np.int64), [])
    words = joined.split(_SEP)
    distinct = sorted(set(words))
    index = {w: i for i, w in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=n)
    return Coded(codes, [None if w == _NULL else w for w in distinct])


JOIN = "char(29)"  # SQL: the group separator, between the parts of a `joined` column


def joined(*columns: str) -> str:
    """SQL for several text columns as one: a column costs a pass each, and together
    they still have few distinct values (service and item, say), which `split` parts."""
    return f" || {JOIN} || ".join(f"coalesce({c}, '')" for c in columns)


def split(column: Coded, parts: int) -> list[Coded]:
    """The columns of a `joined` column; an empty part is None (SQL NULL)."""
    pieces = [(v or "").split("\x1d") for v in column.values]
    out = []
    for i in range(parts):
        names = sorted({p[i] for p in pieces})
        index = {n: k for k, n in enumerate(names)}
        remap = np.array([index[p[i]] for p in pieces] or [0], dtype=np.int64)
        codes = remap[column.codes] if len(column.codes) else column.codes
        out.append(Coded(codes, [n or None for n in names]))
    return out


# --- figures per group over coded rows -------------------------------------------------


def ceil_rank(n: npt.NDArray[np.int64], num: int, den: int) -> npt.NDArray[np.int64]:
    """⌈num/den · n⌉ in integers: 0.9·10 is 9.000000000000002 in floating point."""
    return (n * num + den - 1) // den


def _seconds(ms: float) -> float:
    return round(ms / 1000.0, 1)


class Ranked:
    """Durations (ms, negative = none) sorted once, then split by any grouping.

    Sorting a million values costs far more than splitting them: the split is a stable
    sort on small integer keys, which numpy does as a radix sort, so each further
    grouping (service, window, clerk...) keeps the values ordered within its groups.
    """

    def __init__(self, values_ms: IntArray) -> None:
        present = np.flatnonzero(values_ms >= 0).astype(np.int32)
        values = values_ms[present]
        if len(values) and values.max() < 2**31:
            values = values.astype(np.int32)  # halves the bytes moved, and 24 days is plenty
        order = np.argsort(values)
        self.rows, self.values = present[order], values[order]
        self.weights = self.values.astype(np.float64)  # bincount sums in float64 anyway

    def by(self, row_keys: IntArray, groups: int, ranks: bool = True) -> list[p.Durations]:
        """Figures per key 0..groups-1 of `row_keys` (one per row; negative = left out);
        without `ranks`, the count and mean only."""
        keys, values, weights = row_keys[self.rows], self.values, self.weights
        if len(keys) and keys.min() < 0:
            keep = keys >= 0
            keys, values, weights = keys[keep], values[keep], weights[keep]
        counts = np.bincount(keys, minlength=groups).astype(np.int64)
        sums = np.bincount(keys, weights=weights, minlength=groups)
        starts = np.cumsum(counts) - counts
        median, p90 = counts, counts  # no value at all: every group is empty
        if ranks and len(values):
            if groups > 1:
                small = keys.astype(np.int16 if groups < 2**15 else np.int32)
                values = values[np.argsort(small, kind="stable")]
            median = values[np.maximum(starts + ceil_rank(counts, 1, 2) - 1, 0)]
            p90 = values[np.maximum(starts + ceil_rank(counts, 9, 10) - 1, 0)]
        return [
            p.Durations(
                count=int(counts[g]),
                mean_s=_seconds(float(sums[g]) / int(counts[g])),
                median_s=_seconds(float(median[g])) if ranks else None,
                p90_s=_seconds(float(p90[g])) if ranks else None,
            )
            if counts[g]
            else NO_DURATIONS
            for g in range(groups)
        ]


NO_DURATIONS = p.Durations(count=0, mean_s=None, median_s=None, p90_s=None)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- groupings: names and a code per row (-1 for rows outside every group) -------------

Grouping = tuple[list[str], IntArray]


def group_text(column: Coded) -> Grouping:
    names = [v for v in column.values if v is not None]
    position = {v: i for i, v in enumerate(names)}
    remap = np.array(
        [position.get(v, -1) if v is not None else -1 for v in column.values] or [-1],
        dtype=np.int64,
    )
    return names, remap[column.codes] if len(column.codes) else column.codes


def group_ints(column: IntArray, missing: int = -1) -> Grouping:
    """Small integer keys (window numbers, under 2^16); `missing` marks a row with none."""
    seen = np.bincount(
        column[column != missing] if missing >= 0 else column[column >= 0], minlength=1
    )
    present = np.flatnonzero(seen)
    if missing >= 0:
        present = present[present != missing]
    lookup = np.full(max(len(seen), 1), -1, dtype=np.int64)
    lookup[present] = np.arange(len(present))
    codes = np.where(column >= 0, lookup[np.clip(column, 0, len(lookup) - 1)], -1)
    codes[column == missing] = -1
    return [str(int(v)) for v in present], codes.astype(np.int64)


def group_all(rows: int) -> Grouping:
    return ["hall"], np.zeros(rows, dtype=np.int64)


def count_by(codes: IntArray, groups: int, weights: IntArray | None = None) -> IntArray:
    if len(codes) and codes.min() < 0:
        kept = codes >= 0
        codes, weights = codes[kept], (weights[kept] if weights is not None else None)
    return np.bincount(codes, weights=weights, minlength=groups).astype(np.int64)


def count_table(codes: IntArray, groups: int, classes: IntArray, n_classes: int) -> IntArray:
    """Rows per (group, class) in one pass: `[g, c]` counts rows of group g and class c."""
    if len(codes) and codes.min() < 0:
        kept = codes >= 0
        codes, classes = codes[kept], classes[kept]
    flat = np.bincount(codes * n_classes + classes, minlength=groups * n_classes)
    return flat.reshape(groups, n_classes).astype(np.int64)


# --- clerks: staff ids as numbers when they are plain numbers (工号 usually are) -------

STAFF_BITS = 27


class StaffNotNumbers(Exception):
    """A ticket, case or rating names a clerk the staff table does not know as a number."""


@dataclass(frozen=True)
class StaffIds:
    """How staff ids travel: as numbers (`numbers` known), else as text.

    A number is 40 % of the cost of a text column both in SQLite and in Python, so when
    every staff id in the staff table is a plain number (digits, no leading zero) the
    ids go as numbers, and every number read back is checked against that table.
    """

    numbers: frozenset[int] | None

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> StaffIds:
        ids = [str(r[0]) for r in conn.execute("SELECT staff_id FROM staff")]
        plain = bool(ids) and all(
            s.isascii() and s.isdigit() and str(int(s)) == s and 0 < int(s) < 2**STAFF_BITS
            for s in ids
        )
        return cls(frozenset(int(s) for s in ids) if plain else None)

    SQL = "(coalesce(CAST(staff_id AS INTEGER), -1) + 1)"  # 0: no clerk; see `grouping`

    def grouping(self, values: IntArray) -> Grouping:
        """Clerks from `SQL`'s values (id + 1, 0 for none): a value that is not a known
        staff id (text that SQLite read as 0, say) means the ids must go as text."""
        assert self.numbers is not None
        known = np.array(sorted(self.numbers), dtype=np.int64)
        ids = values - 1
        at = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        found = known[at] == ids
        if not found[values > 0].all():
            raise StaffNotNumbers
        seen = np.flatnonzero(np.bincount(at[values > 0], minlength=len(known)))
        lookup = np.full(len(known), -1, dtype=np.int64)
        lookup[seen] = np.arange(len(seen))
        codes = np.where(values > 0, lookup[at], -1)
        return [str(int(v)) for v in known[seen]], codes.astype(np.int64)
