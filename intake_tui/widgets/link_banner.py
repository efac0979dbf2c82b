"""A one-line banner that says at once when the server is out of reach.

Hidden while the link is live. When it is down, what the screen shows is last
known state: the banner says so, and says that nothing will be sent until the link
is back (it comes back by itself).
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import tr


class LinkBanner(Widget):
    lang: reactive[str] = reactive("zh")
    link: reactive[str] = reactive("connecting")  # connecting | live | down

    def watch_link(self, link: str) -> None:
        self.display = link != "live"
        self.set_class(link == "down", "-down")

    def render(self) -> Text:
        if self.link == "down":
            return Text(tr("link.down", self.lang))
        return Text(tr("link.connecting", self.lang))
