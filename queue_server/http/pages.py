"""What every browser page the server renders shares: its assets, fills and headers.

A page's shell is a small HTML template under `static/<group>/` with `{{name}}`
slots filled with already-escaped values; its scripts and styles are versioned by a
hash of their contents, so a screen or a phone never runs a stale cached copy.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path

from aiohttp import web

from onewindow import i18n

STATIC = Path(__file__).with_name("static")
# Pages a visitor opens (ticket status, progress, evaluator): not cached, not indexed,
# and never telling another site where the visitor came from.
PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
_SLOT = re.compile(r"\{\{(\w+)\}\}")


class PageAssets:
    """The templates and static files of one group of pages."""

    def __init__(self, group: str, versioned: str = "*.[jc]s*") -> None:
        self.dir = STATIC / group
        self._versioned = versioned
        self._templates: dict[str, str] = {}

    def template(self, name: str) -> str:
        if name not in self._templates:
            self._templates[name] = (self.dir / name).read_text(encoding="utf-8")
        return self._templates[name]

    def fill(self, name: str, values: dict[str, str]) -> str:
        """`{{name}}` → values[name]; every value must already be escaped for HTML."""
        return _SLOT.sub(lambda m: values.get(m[1], ""), self.template(name))

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(self.dir.glob(self._versioned)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:10]


def inline_json(data: object) -> str:
    """JSON for a <script> element: `<` escaped so no string can close the element."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def html_response(status: int, page: str, headers: dict[str, str]) -> web.Response:
    return web.Response(status=status, text=page, content_type="text/html", headers=headers)


def page_language(request: web.Request, given: str = "") -> str:
    """`?lang=` (or a form's value) if it is one we speak, else the browser's language."""
    lang = given or request.query.get("lang") or ""
    if lang not in i18n.LANGUAGES:
        lang = i18n.pick_language(request.headers.get("Accept-Language"))
    return lang
