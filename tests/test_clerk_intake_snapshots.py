"""What the clerk sees of case intake, pinned as a picture (see test_clerk_snapshots.py).

The app's clock is frozen and nothing on this screen depends on the time, so a run on
another day draws the same picture. Update with `--snapshot-update` after a deliberate
change, and look at the picture before committing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from intake_tui.widgets.material_checklist import MaterialChecklist
from tests.hallserver import HallServer
from tests.test_clerk_harness import SIZE, clerk_app, wait_for
from tests.test_clerk_intake import open_intake, pick_item
from tests.test_clerk_snapshots import frozen, issue

Snap = Callable[..., bool]


def test_intake_screen_with_materials_ticked(hall: HallServer, snap_compare: Snap) -> None:
    issue(hall, "A")

    async def take_in(pilot: Pilot[Any]) -> None:
        screen = await open_intake(pilot)
        await pick_item(pilot, screen, "jzz", "440105-GA-002")
        await pilot.press("space", "down", "space", "down", "down", "space")
        checklist = screen.query_one(MaterialChecklist)
        await wait_for(pilot, lambda: len(checklist.selected) == 3, "three ticks")

    app = clerk_app(hall, 5, clock=frozen)
    assert snap_compare(app, terminal_size=SIZE, run_before=take_in)
