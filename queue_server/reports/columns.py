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


def fetch_columns(
    conn: sqlite3.Connection, ints: Sequence[str], texts: Sequence[str], tail: str,
    args: Sequence[Any] | Mapping[str, Any] = (),
) -> tuple[list[IntArray], list[Coded]]:  # fmt: skip
    """`SELECT` the integer and text expressions `... FROM` `tail` (its WHERE and all).

    An integer expression must never be NULL (group_concat would skip it and shift
    every later row); text NULLs arrive as None.
    """
    parts = [f"group_concat({e})" for e in ints]
    parts += [f"group_concat(coalesce({e}, char(30)), char(31))" for e in texts]
    row = conn.execute(f"SELECT count(*), {', '.join(parts)} {tail}", args).fetchone()
    n = int(row[0])
    numbers = [_ints(row[1 + i], n) for i in range(len(ints))]
    words = [_coded(row[1 + len(ints) + i], n) for i in range(len(texts))]
    return numbers, words


def _ints(joined: str | None, n: int) -> IntArray:
    if not n:
        return np.zeros(0, dtype=np.int64)
    values = np.fromstring(joined or "", dtype=np.int64, sep=",")
    if len(values) != n:
        raise ValueError(f"column gave {len(values)} values for {n} rows")
    return values


def _coded(joined: str | None, n: int) -> Coded:
    if not n:
        return Coded(np.zeros(0, dtype=np.int64), [])
    words = (joined or "").split(_SEP)
    distinct = sorted(set(words))
    index = {w: i for i, w in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=n)
    return Coded(codes, [None if w == _NULL else w for w in distinct])


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
        present = np.flatnonzero(values_ms >= 0)
        self.rows = present[np.argsort(values_ms[present], kind="stable")]
        self.values = values_ms[self.rows]

    def by(self, row_keys: IntArray, groups: int) -> list[p.Durations]:
        """Figures per key 0..groups-1 of `row_keys` (one per row; negative = left out)."""
        keys = row_keys[self.rows]
        keep = keys >= 0
        keys, values = keys[keep], self.values[keep]
        small = keys.astype(np.int16 if groups < 2**15 else np.int32)
        order = np.argsort(small, kind="stable")
        ranked = values[order]
        counts = np.bincount(keys, minlength=groups).astype(np.int64)
        sums = np.bincount(keys, weights=values, minlength=groups)
        starts = np.cumsum(counts) - counts
        median, p90 = counts, counts  # no value at all: every group is empty
        if len(ranked):
            median = ranked[np.maximum(starts + ceil_rank(counts, 1, 2) - 1, 0)]
            p90 = ranked[np.maximum(starts + ceil_rank(counts, 9, 10) - 1, 0)]
        return [
            p.Durations(
                count=int(counts[g]), mean_s=_seconds(float(sums[g]) / int(counts[g])),
                median_s=_seconds(float(median[g])), p90_s=_seconds(float(p90[g])),
            )
            if counts[g]
            else NO_DURATIONS
            for g in range(groups)
        ]  # fmt: skip


NO_DURATIONS = p.Durations(count=0, mean_s=None, median_s=None, p90_s=None)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- groupings: names and a code per row (-1 for rows outside every group) -------------

Grouping = tuple[list[str], IntArray]


def group_text(column: Coded) -> Grouping:
    names = [v for v in column.values if v is not None]
    position = {v: i for i, v in enumerate(names)}
    remap = np.array([position.get(v, -1) if v is not None else -1 for v in column.values]
                     or [-1], dtype=np.int64)  # fmt: skip
    return names, remap[column.codes] if len(column.codes) else column.codes


def group_ints(column: IntArray, missing: int = -1) -> Grouping:
    """Integer keys (window numbers); `missing` marks a row with none."""
    present = np.unique(column[column != missing])
    codes = np.searchsorted(present, column)
    codes[column == missing] = -1
    return [str(int(v)) for v in present], codes.astype(np.int64)


def group_all(rows: int) -> Grouping:
    return ["hall"], np.zeros(rows, dtype=np.int64)


def count_by(codes: IntArray, groups: int, weights: IntArray | None = None) -> IntArray:
    kept = codes >= 0
    w = weights[kept] if weights is not None else None
    return np.bincount(codes[kept], weights=w, minlength=groups).astype(np.int64)
