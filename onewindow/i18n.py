"""Every string a person sees, from one catalogue per language.

The catalogue of a language is the TOML files in `locale/<lang>/`, one per area
(server errors, kiosk, clerk terminal, screens...), merged into one flat table of
`area.key` names. Chinese (简体) is the default; English is always available.

A placeholder may name a table to look its value up in: `{state:@states.window}`
fills in `states.window.<value>` of the same language, so a message built from a
state (`paused`) shows the state's words (暂停 / paused) instead of the code's.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
_ROOT = Path(__file__).with_name("locale")


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((_ROOT / lang).glob("*.toml")):
        _flatten(path.stem, tomllib.loads(path.read_text(encoding="utf-8")), out)
    return out


def pick_language(accept_language: str | None) -> str:
    """`zh` unless the first language the client names is English."""
    if not accept_language:
        return DEFAULT
    first = accept_language.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else DEFAULT


def _lookup(key: str, lang: str) -> str | None:
    found = catalogue(lang if lang in LANGUAGES else DEFAULT).get(key)
    return found if found is not None else catalogue(DEFAULT).get(key)


def word(table: str, value: object, lang: str = DEFAULT) -> str:
    """`value`'s words in `table` (`states.window`, ...); a value the table lacks as it is."""
    found = _lookup(f"{table}.{value}", lang)
    return found if found is not None else str(value)


class _Filler(string.Formatter):
    """`str.format`, plus `{name:@table}`: the value's words in that table."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("@"):
            return word(format_spec[1:], value, self.lang)
        return str(super().format_field(value, format_spec))


def text(key: str, lang: str = DEFAULT, **values: object) -> str:
    """The string `key` in `lang` (falling back to Chinese), with `{name}` filled in."""
    template = _lookup(key, lang)
    if template is None:
        return key
    try:
        if ":@" in template:
            return _Filler(lang).format(template, **values)
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
