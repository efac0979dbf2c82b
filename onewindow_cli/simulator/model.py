"""The day model: who comes to the hall, when, for what, and how they behave.

Everything random is drawn here from keyed generators (`draw(seed, ...)`): a draw
depends only on the seed and on what it is for, never on the order in which the
simulation happens to ask. That is what lets windows act in parallel while the same
seed still gives the same day.

The figures are those of a busy district or city hall: doors open 08:15, windows call
from 08:30, the kiosk stops at 17:30; a morning peak (09:00–11:00), a lunch dip and a
smaller afternoon peak. Enquiries and pick-ups are quick, business registration and
the consult-first items (real estate, construction, food and health licences) slow.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onewindow import protocol as p

# Arrivals per hall hour: (start, end, weight). The morning peak is the hall's busiest time.
ARRIVAL_CURVE: tuple[tuple[dt.time, dt.time, float], ...] = (
    (dt.time(8, 15), dt.time(9, 0), 5.0),
    (dt.time(9, 0), dt.time(10, 0), 16.0),
    (dt.time(10, 0), dt.time(11, 0), 16.0),
    (dt.time(11, 0), dt.time(12, 0), 12.0),
    (dt.time(12, 0), dt.time(13, 0), 5.0),
    (dt.time(13, 0), dt.time(14, 0), 8.0),
    (dt.time(14, 0), dt.time(15, 0), 13.0),
    (dt.time(15, 0), dt.time(16, 0), 12.0),
    (dt.time(16, 0), dt.time(17, 0), 9.0),
    (dt.time(17, 0), dt.time(17, 30), 4.0),
)
WINDOWS_OPEN = dt.time(8, 30)
KIOSK_CLOSES = dt.time(17, 30)

# Share of visitors per service (the sample hall's codes); other codes get `OTHER_SHARE`.
SERVICE_SHARE = {"A": 28, "B": 26, "C": 8, "D": 5, "E": 2, "F": 4, "G": 3, "H": 15, "Z": 9}
OTHER_SHARE = 5.0
# Mean seconds at the acceptance window per service, before the item's own factor.
SERVICE_SECONDS = {
    "A": 160,
    "B": 130,
    "C": 270,
    "D": 330,
    "E": 360,
    "F": 320,
    "G": 320,
    "H": 50,
    "Z": 90,
}
OTHER_SECONDS = 200.0
CONSULT_SECONDS = 120.0  # a pre-check at the consultation window
PICKUP_SERVICES = frozenset({"H"})  # results handed over (出件): no new case
ENQUIRY_SERVICES = frozenset({"Z"})  # questions only: no case unless the item is a case

# Behaviour, as shares of visitors (or of their tickets).
PRIORITY = 0.05  # elderly, disabled, pregnant...
AT_GUIDE_DESK = 0.10  # take their ticket from the guide desk, not the kiosk
PRIORITY_AT_GUIDE = 0.5
WRONG_SERVICE = 0.03  # chose the wrong button: the clerk transfers them
STEP_AWAY = 0.04  # away for a while: may miss their call and come back
WALK_AWAY = 0.02  # take a ticket and leave at once (a spare one, for someone else...)
GIVE_UP_CANCEL = 0.3  # of those who give up waiting, tell the guide desk (cancelled)
COMPLETE_DIRECT = 0.85  # all required materials at the first visit
COMPLETE_PRECHECK = 0.80
COMPLETE_AFTER_PRECHECK = 0.97
COME_BACK = 0.6  # of those sent home with a notice, come back with what was missing
RATES = 0.65  # rate the service (好差评)
SKIPS_START = 0.08  # the clerk does not press "start" (service counted from the call)
SPECIAL_AT_GUIDE = 0.3  # collect the special ticket at the guide desk
TO_SPECIALIST = 0.05  # a special ticket sent on to the specialist window
REJECTED = 0.06
BY_POST = 0.3  # results sent by post instead of collected
BAD_FOLLOWED_UP = 0.7
# Scores 5..1 (非常满意 .. 非常不满意): cumulative, after a short and after a long wait.
SCORES_SHORT = (0.72, 0.90, 0.96, 0.985, 1.0)
SCORES_LONG = (0.50, 0.75, 0.88, 0.95, 1.0)
LONG_WAIT_S = 45 * 60


def draw(*parts: object) -> random.Random:
    """A generator for one purpose: the same parts always give the same numbers."""
    return random.Random(":".join(str(x) for x in parts))


def lognormal(rng: random.Random, mean: float, sigma: float = 0.45) -> float:
    """A positive duration with the given mean (service times are right-skewed)."""
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def needs_case(item: p.CatalogueItemView | None, service: str) -> bool:
    """Pick-ups hand over an earlier case; a plain enquiry makes none."""
    if item is None or service in PICKUP_SERVICES:
        return False
    return not (service in ENQUIRY_SERVICES and item.immediate)


def score(u: float, waited_s: float) -> int:
    table = SCORES_LONG if waited_s > LONG_WAIT_S else SCORES_SHORT
    return 5 - bisect.bisect_right(table, u)


@dataclass(frozen=True)
class Away:
    start: int
    end: int


@dataclass(frozen=True)
class Visitor:
    """One visitor of one day, fixed before the day starts."""

    key: str  # "day-index", the root of the visitor's draws
    index: int
    arrives: int  # epoch seconds
    item: p.CatalogueItemView | None  # None: a service without catalogue items
    service: str  # the service the item belongs to
    ticket_service: str  # what they pressed at the kiosk (differs when WRONG_SERVICE)
    priority: bool
    at_guide: bool
    leaves: int  # gives up if not called by then
    cancels: bool  # ... and tells the guide desk
    away: Away | None
    complete: bool

    def applicant(self) -> p.Applicant:
        """Obviously made-up details: never a real person's."""
        n = self.index % 10_000
        return p.Applicant(
            name=f"模拟申请人{self.index:05d}",
            id_type="other",
            id_number=f"SIM-{self.key.replace(':', '-')}",
            phone=f"000-0000-{n:04d}",
        )

    def present(self, at: int) -> bool:
        """At the hall and near the screens at `at`."""
        if at >= self.leaves:
            return False
        return self.away is None or not (self.away.start <= at < self.away.end)


@dataclass(frozen=True)
class ServiceMix:
    """Which services visitors come for, and which items within each."""

    codes: tuple[str, ...]
    modes: dict[str, str]  # service -> direct | consult_first
    weights: tuple[float, ...]
    items: dict[str, tuple[p.CatalogueItemView, ...]]
    direct: tuple[str, ...]  # services a wrong button may be pressed for
    by_code: dict[str, p.CatalogueItemView]

    @staticmethod
    def of(
        codes: Sequence[str], modes: Mapping[str, str], catalogue: Sequence[p.CatalogueItemView]
    ) -> ServiceMix:
        items = {c: tuple(i for i in catalogue if i.service == c) for c in codes}
        weights = tuple(float(SERVICE_SHARE.get(c, OTHER_SHARE)) for c in codes)
        direct = tuple(
            c
            for c in codes
            if modes[c] == "direct" and c not in PICKUP_SERVICES | ENQUIRY_SERVICES and items[c]
        )
        by_code = {i.code: i for i in catalogue}
        return ServiceMix(tuple(codes), dict(modes), weights, items, direct, by_code)

    def item(self, code: str) -> p.CatalogueItemView:
        return self.by_code[code]

    def pick_item(self, rng: random.Random, service: str) -> p.CatalogueItemView | None:
        """Popular items first: the k-th item of a service is chosen ~ 1/(k+1)^0.8."""
        items = self.items.get(service, ())
        if not items:
            return None
        return rng.choices(items, weights=[1 / (k + 1) ** 0.8 for k in range(len(items))])[0]


def arrival_times(rng: random.Random, day: dt.date, tz: dt.tzinfo, n: int) -> list[int]:
    """`n` arrival instants (epoch seconds) following the hall's day curve, sorted."""
    spans = [
        (dt.datetime.combine(day, a, tz).timestamp(), dt.datetime.combine(day, b, tz).timestamp())
        for a, b, _ in ARRIVAL_CURVE
    ]
    weights = [w for _, _, w in ARRIVAL_CURVE]
    out = []
    for _ in range(n):
        start, end = rng.choices(spans, weights=weights)[0]
        out.append(int(rng.uniform(start, end)))
    return sorted(out)


def plan_day(
    seed: str, day: dt.date, tz: dt.tzinfo, n: int, mix: ServiceMix, allow_priority: bool
) -> list[Visitor]:
    """The day's new visitors, in arrival order."""
    times = arrival_times(draw(seed, day, "arrivals"), day, tz, n)
    visitors = []
    for i, arrives in enumerate(times):
        rng = draw(seed, day, "visitor", i)
        service = rng.choices(mix.codes, weights=mix.weights)[0]
        item = mix.pick_item(rng, service)
        ticket_service = service
        if service in mix.direct and rng.random() < WRONG_SERVICE and len(mix.direct) > 1:
            ticket_service = rng.choice([c for c in mix.direct if c != service])
        priority = rng.random() < PRIORITY
        at_guide = rng.random() < (PRIORITY_AT_GUIDE if priority else AT_GUIDE_DESK)
        if priority and not allow_priority:
            at_guide = True
        patience = max(600, int(lognormal(rng, 110 * 60, 0.5)))
        if rng.random() < WALK_AWAY:
            patience = 0
        away = None
        if rng.random() < STEP_AWAY:
            start = arrives + int(rng.uniform(3, 40) * 60)
            away = Away(start, start + int(rng.uniform(3, 45) * 60))
        complete_share = (
            COMPLETE_PRECHECK if item and item.mode == "consult_first" else COMPLETE_DIRECT
        )
        visitors.append(
            Visitor(
                key=f"{day:%Y%m%d}-{i}",
                index=i + 1,
                arrives=arrives,
                item=item,
                service=service,
                ticket_service=ticket_service,
                priority=priority,
                at_guide=at_guide,
                leaves=arrives + patience,
                cancels=patience >= 600 and rng.random() < GIVE_UP_CANCEL,
                away=away,
                complete=rng.random() < complete_share,
            )
        )
    return visitors


def service_seconds(
    seed: str, item: p.CatalogueItemView | None, service: str, stage: str, visit: str
) -> int:
    """How long one stage of one visit takes at the window (at least 30 s)."""
    rng = draw(seed, visit, stage, "service-time")
    mean = CONSULT_SECONDS if stage == "consult" else SERVICE_SECONDS.get(service, OTHER_SECONDS)
    if item is not None:
        mean *= 0.75 + 0.06 * len(item.materials)
    return max(30, round(lognormal(rng, mean)))


def missing_some(seed: str, item: p.CatalogueItemView, visit: str) -> list[str]:
    """The required materials this visitor forgot: one or two, never every material."""
    required = [m.name for m in item.materials if m.required]
    most = len(required) if len(item.materials) > len(required) else len(required) - 1
    rng = draw(seed, visit, "missing")
    return sorted(rng.sample(required, k=min(most, rng.choice((1, 1, 2)))))
