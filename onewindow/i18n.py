"""Every string a person sees, from one catalogue per language.

The catalogue of a language is the TOML files in `locale/<lang>/`, one per area
(server errors, kiosk, clerk terminal, screens...), merged into one flat table of
`area.key` names. Chinese (简体) is the default; English is always available.
"""

from __future__ import annotations

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


def text(key: str, lang: str = DEFAULT, **values: object) -> str:
    """The string `key` in `lang` (falling back to Chinese), with `{name}` filled in."""
    template = catalogue(lang if lang in LANGUAGES else DEFAULT).get(key)
    if template is None:
        template = catalogue(DEFAULT).get(key, key)
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
