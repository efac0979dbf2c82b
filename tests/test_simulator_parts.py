"""The simulator's parts without a server: the day model, the windows, the engine, the
figures' definitions and the config copy for bigger halls."""

from __future__ import annotations

import asyncio
import datetime as dt
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from onewindow import protocol as p
from onewindow.config import Config, load_config
from onewindow_cli.simulator import layout, model
from onewindow_cli.simulator.engine import Actor, Engine
from onewindow_cli.simulator.figures import durations
from onewindow_cli.simulator.hallconfig import write_sim_config
from tests.hallserver import SAMPLE_CONFIG

DAY = dt.date(2026, 12, 1)


def _mix(config: Config) -> model.ServiceMix:
    item = p.CatalogueItemView(
        code="440105-XX-001",
        name_zh="测试事项",
        name_en="",
        department="测试",
        level="district",
        mode="direct",
        service="A",
        immediate=False,
        legal_basis=["x"],
        conditions="",
        materials=[p.MaterialView(name="身份证", required=True, copies=1)],
        forms=[],
        process=[],
        legal_limit_days=5,
        promised_limit_days=3,
        fee="",
        enquiry_phone="",
    )
    modes = {s.code: s.mode for s in config.services}
    return model.ServiceMix.of(list(modes), modes, [item])


def test_one_seed_plans_one_day_and_another_seed_another(config: Config) -> None:
    mix, tz = _mix(config), config.hall.tz
    first = model.plan_day("s", DAY, tz, 500, mix, True)
    assert first == model.plan_day("s", DAY, tz, 500, mix, True)
    assert first != model.plan_day("t", DAY, tz, 500, mix, True)


def test_arrivals_follow_the_day_with_a_morning_peak(config: Config) -> None:
    tz = config.hall.tz
    visitors = model.plan_day("curve", DAY, tz, 4000, _mix(config), True)
    hours = Counter(dt.datetime.fromtimestamp(v.arrives, tz).hour for v in visitors)
    assert min(hours) == 8 and max(hours) == 17
    assert hours[9] > 2 * hours[12] and hours[10] > 2 * hours[12] and hours[14] > hours[12]
    shares = Counter(v.service for v in visitors)
    assert shares.most_common(2)[0][0] in ("A", "B") and shares["E"] < shares["A"] / 5
    assert 0.02 < sum(v.priority for v in visitors) / len(visitors) < 0.08


def test_simulated_applicants_are_obviously_made_up(config: Config) -> None:
    visitor = model.plan_day("people", DAY, config.hall.tz, 3, _mix(config), True)[0]
    applicant = visitor.applicant()
    assert applicant.name.startswith("模拟") and applicant.phone.startswith("000-0000-")
    assert applicant.id_type == "other" and applicant.id_number.startswith("SIM-")


def _shapes(config: Config) -> list[layout.WindowShape]:
    return [layout.WindowShape(w.number, w.role, w.services) for w in config.windows]


def test_fewer_windows_still_serve_every_service(config: Config) -> None:
    codes = [s.code for s in config.services]
    consult_first = frozenset(s.code for s in config.services if s.mode == "consult_first")
    chosen = layout.choose(_shapes(config), 20, codes, consult_first)
    assert [w.number for w in chosen] == [*range(1, 17), 19, 20, 21, 22]  # one pick-up stays
    with pytest.raises(layout.LayoutError) as refused:
        layout.choose(_shapes(config), 3, codes, consult_first)
    assert refused.value.key == "too_few_windows"


def test_a_bigger_hall_copies_its_windows_with_more_consultation(
    config: Config, tmp_path: Path
) -> None:
    extra = layout.extra_windows(_shapes(config), 17)
    assert [w.number for w in extra] == list(range(24, 41))
    assert sum(w.role == "consultation" for w in extra) == 5
    copy = tmp_path / "sim.toml"
    assert write_sim_config(SAMPLE_CONFIG, copy, 40) == 40
    hall = load_config(copy)
    assert len(hall.windows) == 40 and hall.window(40) is not None
    assert hall.window(24).name == "模拟窗口24"  # type: ignore[union-attr]
    assert hall.server.synchronous == "NORMAL"
    assert Path(hall.catalogue.file).is_absolute() and Path(hall.catalogue.file).exists()
    original = tomllib.loads(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    assert hall.holidays == load_config(SAMPLE_CONFIG).holidays
    assert len(original["windows"]) == 23


def test_nearest_rank_percentiles() -> None:
    assert durations(list(range(1, 11))) == p.Durations(
        count=10, mean_s=5.5, median_s=5.0, p90_s=9.0
    )
    assert durations([7, 1]) == p.Durations(count=2, mean_s=4.0, median_s=1.0, p90_s=7.0)
    assert durations([]).mean_s is None


async def test_steps_that_share_a_key_keep_their_order_and_others_overlap() -> None:
    sets: list[int] = []

    async def set_clock(at: int) -> None:
        sets.append(at)

    engine = Engine(tick_s=10, set_clock=set_clock)
    log: list[str] = []
    released = asyncio.Event()
    a, b = Actor("a"), Actor("b")

    async def first(t: int) -> None:
        await engine.clock()
        await asyncio.wait_for(released.wait(), 1)  # only a step running beside it frees it
        log.append("first")

    async def beside(t: int) -> None:
        await engine.clock()
        released.set()
        log.append("beside")

    async def after(t: int) -> None:
        log.append("after")

    async def quiet(t: int) -> None:
        log.append(f"quiet@{t}")

    engine.schedule(101, a, {"line:A"}, first)
    engine.schedule(103, b, {"line:B"}, beside)
    engine.schedule(105, b, {"line:A"}, after)
    engine.schedule(117, a, set(), quiet)
    await engine.run()
    assert log == ["beside", "first", "after", "quiet@120"]
    assert sets == [110]  # one clock set for the batch; none for a step that sends nothing
