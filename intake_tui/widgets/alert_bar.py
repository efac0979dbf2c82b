"""One line over the supervisor's boards: services waiting past their limit."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import minutes, tr
from intake_tui.widgets.service_board import ServiceRow


class AlertBar(Widget):
    """Services whose oldest ticket has waited past the configured limit."""

    lang: reactive[str] = reactive("zh")
    rows: reactive[tuple[ServiceRow, ...]] = reactive(())

    def watch_rows(self, rows: tuple[ServiceRow, ...]) -> None:
        self.set_class(any(r.alert for r in rows), "-alert")

    def render(self) -> Text:
        alerts = [r for r in self.rows if r.alert]
        if not alerts:
            return Text(tr("alerts.none", self.lang))
        parts = [
            tr(
                "alerts.one",
                self.lang,
                code=r.code,
                name=r.name,
                waited=minutes(r.oldest_wait_s, self.lang),
                limit=minutes(r.limit_s, self.lang),
            )
            for r in sorted(alerts, key=lambda r: -r.oldest_wait_s)
        ]
        return Text("⚠ " + "  ".join(parts))
