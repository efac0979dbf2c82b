"""A list of services to pick one from with the arrow keys.

The consultation clerk picks the item the visitor goes on to (the special ticket's
service); the guide desk picks the service of a ticket it issues. Each line may
carry a note (for example how many wait).
"""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ServicePicker(OptionList):
    def show(self, services: list[tuple[str, str]]) -> None:
        """(code, label) pairs; keeps the highlighted code when it is still there."""
        keep = self.chosen
        if [o.id for o in self.options] == [code for code, _ in services]:
            for index, (_, label) in enumerate(services):
                if str(self.get_option_at_index(index).prompt) != label:
                    self.replace_option_prompt_at_index(index, label)
            return
        self.clear_options()
        self.add_options([Option(label, id=code) for code, label in services])
        if keep is not None:
            self.choose(keep)
        elif services:
            self.highlighted = 0

    def choose(self, code: str) -> bool:
        for index, option in enumerate(self.options):
            if option.id == code:
                self.highlighted = index
                return True
        return False

    @property
    def chosen(self) -> str | None:
        if self.highlighted is None or not self.options:
            return None
        return self.get_option_at_index(self.highlighted).id
