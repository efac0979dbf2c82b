"""One big touch button per service: its name, a hint, and how many people wait."""

from __future__ import annotations

from textual.widgets import Button

from onewindow import i18n
from onewindow.config import ServiceConfig


class ServiceButton(Button):
    """Pressing it is a plain `Button.Pressed`; the screen reads `service` from it."""

    def __init__(self, service: ServiceConfig) -> None:
        super().__init__("", id=f"service-{service.code}", classes="service")
        self.service = service

    def show(self, lang: str, waiting: int | None) -> None:
        s = self.service
        name = s.name_en if lang == "en" else s.name_zh
        lines = [name]
        if s.mode == "consult_first":
            lines.append(i18n.text("kiosk.consult_first", lang))
        if waiting is not None:
            lines.append(i18n.text("kiosk.waiting", lang, count=waiting))
        self.label = "\n".join(lines)
