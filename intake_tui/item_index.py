"""The catalogue as the terminal searches it: fetched once per sign-in, searched locally.

A clerk types a few characters of an item's name, code or pinyin initials and sees
matches at every key press; a request per key would make that wait on the network.
The server's views are turned back into `onewindow.catalogue` items, so the terminal
searches exactly as the server's `?q=` does.
"""

from __future__ import annotations

from onewindow import protocol as p
from onewindow.catalogue import Catalogue, CatalogueItem, Material

MAX_MATCHES = 60  # more than a screen of them tells the clerk to type more


def _item(view: p.CatalogueItemView) -> CatalogueItem:
    return CatalogueItem(
        code=view.code,
        name_zh=view.name_zh,
        name_en=view.name_en,
        department=view.department,
        level=view.level,
        mode=view.mode,
        service=view.service,
        immediate=view.immediate,
        legal_basis=tuple(view.legal_basis),
        conditions=view.conditions,
        materials=tuple(Material(m.name, m.required, m.copies, m.note) for m in view.materials),
        forms=tuple(view.forms),
        process=tuple(view.process),
        legal_limit_days=view.legal_limit_days,
        promised_limit_days=view.promised_limit_days,
        fee=view.fee,
        enquiry_phone=view.enquiry_phone,
    )


class ItemIndex:
    def __init__(self, views: list[p.CatalogueItemView]) -> None:
        self._views = {v.code: v for v in views}
        self._catalogue = Catalogue(_item(v) for v in views)

    def __len__(self) -> int:
        return len(self._views)

    def get(self, code: str) -> p.CatalogueItemView | None:
        return self._views.get(code)

    def search(self, query: str, service: str | None = None) -> list[p.CatalogueItemView]:
        """Best matches first; with nothing typed, the items of the visitor's service."""
        if not query.strip() and service is not None:
            found = self._catalogue.by_service(service) or self._catalogue.items
        else:
            found = self._catalogue.search(query)
        return [self._views[item.code] for item in found[:MAX_MATCHES]]


def item_name(item: p.CatalogueItemView, lang: str) -> str:
    return item.name_en if lang == "en" and item.name_en else item.name_zh


def short_code(code: str) -> str:
    """`440105-SJ-101` → `SJ-101`: every item of a hall shares the division prefix."""
    return code.split("-", 1)[1] if "-" in code else code
