"""Words for cases, materials, ratings and figures, from `locale/<lang>/intake.toml`.

The intake screens and the supervisor's lists read every string through `it`, as the
rest of the terminal reads `clerk.toml` through `labels.tr`.
"""

from __future__ import annotations

import datetime as dt

from onewindow import protocol as p
from onewindow.i18n import text


def it(key: str, lang: str, **values: object) -> str:
    return text(f"intake.{key}", lang, **values)


def case_state(state: str, lang: str) -> str:
    return it(f"state.{state}", lang)


def score_name(score: int, lang: str) -> str:
    return it(f"score.{score}", lang)


def id_type_name(id_type: str, lang: str) -> str:
    return it(f"id_type.{id_type}", lang)


def copies(material: p.MaterialView, lang: str) -> str:
    """Sheets the window keeps, or "original shown" when the original is only checked."""
    if material.copies == 0:
        return it("materials.original", lang)
    return it("materials.copies", lang, copies=material.copies)


def deadline(case: p.CaseView, lang: str) -> str:
    if case.deadline is None:
        return "—"
    return it(
        "outcome.deadline_value", lang, date=case.deadline.isoformat(), days=case.promised_days
    )


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def wait_minutes(seconds: float | None, lang: str) -> str:
    """A report's wait in minutes with one decimal: a mean of 0.4 min is not "0 min"."""
    if seconds is None:
        return "—"
    return it("today.minutes", lang, m=f"{seconds / 60:.1f}")


def when(at: dt.datetime, tz: dt.tzinfo | None, today: dt.date | None) -> str:
    """The hall's time for today's ratings, the date for older ones (the list spans days)."""
    local = at.astimezone(tz)
    return local.strftime("%H:%M" if local.date() == today else "%m-%d")
