"""Words and numbers as the clerk reads them: catalogue look-ups and formatting.

Every string on the clerk terminal comes from `locale/<lang>/clerk.toml` through
`tr`; this module also words durations, ticket states, kinds and window states.
"""

from __future__ import annotations

import datetime as dt

from onewindow import protocol as p
from onewindow.i18n import text


def tr(key: str, lang: str, **values: object) -> str:
    return text(f"clerk.{key}", lang, **values)


def minutes(seconds: float, lang: str) -> str:
    """A wait in whole minutes: clerks act on minutes, and seconds would only flicker."""
    total = max(0, int(seconds)) // 60
    if total < 60:
        return tr("time.minutes", lang, m=total)
    return tr("time.hours", lang, h=total // 60, m=total % 60)


def since(then: dt.datetime | None, now: dt.datetime, lang: str) -> str:
    if then is None:
        return "—"
    return minutes((now - then).total_seconds(), lang)


def service_name(service: p.ServiceView | None, code: str, lang: str) -> str:
    if service is None:
        return code
    return service.name_en if lang == "en" else service.name_zh


def ticket_state(state: str, lang: str) -> str:
    return tr(f"state.{state}", lang)


def ticket_kind(kind: str, lang: str) -> str:
    return tr(f"kind.{kind}", lang)


def window_state(w: p.WindowView, lang: str) -> str:
    word = tr(f"window_state.{w.state}", lang)
    if w.state == "paused" and w.pause_reason:
        return f"{word}（{w.pause_reason}）" if lang == "zh" else f"{word} ({w.pause_reason})"
    return word
