"""Synthesise realistic play history for a demo database, through the real play services.

The shape follows what the community report describes: the kiosk sits in the pilotis of plot 1
building 5, so its building plays most; some buildings are never reached at all; children and
elders come more often than working adults; plays peak in the morning (9–11h) and after school
and work (15–19h), and on weekends. Harder questions are missed more, and accuracy improves a
little over the weeks. Ledger, badges and rollups come out consistent because every play goes
through ``start_session``/``record_answer``/``finish_session``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from safezone.content.kids import suits_audience
from safezone.models import (
    AgeGroup,
    Building,
    PlayMode,
    Plot,
    Resident,
    RoadshowEvent,
    RoadshowStatus,
)
from safezone.services import play as play_service
from safezone.services.localtime import LOCAL_TZ, local_day, require_aware
from safezone.topics import TOPICS

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoQuestion:
    """A question the generator can ask: id, topic, difficulty (1–3) and whether kids get it."""

    id: str
    topic: str
    difficulty: int
    kids: bool = False


def _q(id_: str, difficulty: int, kids: bool = False) -> DemoQuestion:
    # The topic is the first word of the id ("fire-..."), after "kids-" for kids' questions.
    parts = id_.split("-")
    return DemoQuestion(id_, parts[1] if kids else parts[0], difficulty, kids)


#: Plausible question ids used when no content bundle is given (topics from the community
#: report: e-bikes charged indoors, cluttered stairwells, blocked fire lanes, scams...).
BUILTIN_QUESTIONS: tuple[DemoQuestion, ...] = (
    _q("fire-ebike-charging-01", 1),
    _q("fire-ebike-charging-02", 2),
    _q("fire-stairwell-clutter-01", 1),
    _q("fire-lane-parking-01", 1),
    _q("fire-119-call-01", 1),
    _q("fire-extinguisher-use-01", 2),
    _q("fire-smoke-escape-01", 2),
    _q("fire-kitchen-oil-01", 2),
    _q("fire-power-strip-01", 3),
    _q("home-gas-leak-01", 2),
    _q("home-elder-fall-01", 1),
    _q("home-window-guard-01", 1),
    _q("home-wet-hands-socket-01", 1),
    _q("home-medicine-storage-01", 3),
    _q("home-co-heater-01", 3),
    _q("home-balcony-objects-01", 2),
    _q("traffic-zebra-crossing-01", 1),
    _q("traffic-ebike-helmet-01", 1),
    _q("traffic-red-light-01", 1),
    _q("traffic-truck-blind-spot-01", 3),
    _q("traffic-night-visibility-01", 2),
    _q("traffic-car-door-01", 2),
    _q("cyber-fake-police-call-01", 2),
    _q("cyber-sms-link-01", 1),
    _q("cyber-refund-scam-01", 2),
    _q("cyber-verification-code-01", 1),
    _q("cyber-health-product-01", 3),
    _q("cyber-password-reuse-01", 2),
    _q("kids-fire-hide-01", 1, True),
    _q("kids-fire-lighter-01", 1, True),
    _q("kids-home-stranger-door-01", 1, True),
    _q("kids-home-socket-01", 1, True),
    _q("kids-traffic-crossing-light-01", 1, True),
    _q("kids-traffic-seatbelt-01", 2, True),
    _q("kids-cyber-game-purchase-01", 2, True),
)

#: Chance that a resident of an average building ever plays, by age group.
_PLAYER_SHARE = {AgeGroup.CHILD: 0.34, AgeGroup.ADULT: 0.12, AgeGroup.ELDER: 0.26}
#: Which topics each group picks.
_TOPIC_TASTE = {
    AgeGroup.CHILD: (0.30, 0.25, 0.35, 0.10),
    AgeGroup.ADULT: (0.35, 0.20, 0.20, 0.25),
    AgeGroup.ELDER: (0.30, 0.25, 0.15, 0.30),
}
#: Local hours the pilotis is used, weighted (morning and after-school/after-work peaks).
_HOURS = {
    8: 1.0,
    9: 3.0,
    10: 4.0,
    11: 3.0,
    12: 1.0,
    13: 0.8,
    14: 1.2,
    15: 2.5,
    16: 3.5,
    17: 3.5,
    18: 3.0,
    19: 2.5,
    20: 1.2,
    21: 0.4,
}
_WEEKEND_BOOST = 1.7
_BASE_ACCURACY = {1: 0.86, 2: 0.70, 3: 0.52}
#: Share of plays by anonymous guests and by children without a card.
_GUEST_SHARE, _ANON_KIDS_SHARE = 0.18, 0.07
_ROUND_ADULT, _ROUND_KIDS = 5, 3
_POINTS_PER_STEP = 10


@dataclass
class _Player:
    resident: Resident
    skill: float

    @property
    def resident_id(self) -> int:
        return self.resident.id

    @property
    def age_group(self) -> AgeGroup:
        return self.resident.age_group


@dataclass(frozen=True)
class _Plan:
    at: datetime
    player: _Player | None
    kids: bool
    roadshow_id: Any = None
    topic: str | None = None


def _question_pools(
    content_bundle: Any | None,
) -> tuple[dict[str, list[DemoQuestion]], dict[str, list[DemoQuestion]]]:
    """Adult and kids' question pools per topic, from the bundle or the built-in list."""
    adult: dict[str, list[DemoQuestion]] = {t: [] for t in TOPICS}
    kids: dict[str, list[DemoQuestion]] = {t: [] for t in TOPICS}
    if content_bundle is not None:
        for question in content_bundle.questions.values():
            item = DemoQuestion(question.id, question.topic, int(question.difficulty))
            if suits_audience(question, "adult"):
                adult[question.topic].append(item)
            if suits_audience(question, "kids"):  # the kiosk's own rule for kids' rounds
                kids[question.topic].append(item)
    builtin_adult = [q for q in BUILTIN_QUESTIONS if not q.kids]
    builtin_kids = [q for q in BUILTIN_QUESTIONS if q.kids]
    for topic in TOPICS:
        # A topic the bundle leaves empty still gets plausible plays.
        adult[topic] = adult[topic] or [q for q in builtin_adult if q.topic == topic]
        kids[topic] = kids[topic] or [q for q in builtin_kids if q.topic == topic] or adult[topic]
    return adult, kids


def _building_reach(session: Session, rng: random.Random) -> dict[int, float]:
    """How strongly each building's residents come to the kiosk; about a quarter never do."""
    rows = session.execute(
        select(Building.id, Plot.number, Building.number)
        .join(Plot, Plot.id == Building.plot_id)
        .order_by(Plot.number, Building.number, Building.id)
    ).all()
    ids = [building_id for building_id, _, _ in rows]
    shuffled = ids[:]
    rng.shuffle(shuffled)
    never = set(shuffled[: len(ids) // 4])
    reach: dict[int, float] = {}
    for building_id, plot_no, building_no in rows:
        if plot_no == 1 and building_no == 5:
            reach[building_id] = 1.8  # the kiosk is in this building's pilotis
        elif building_id in never:
            reach[building_id] = 0.0
        else:
            reach[building_id] = rng.uniform(0.35, 1.35)
    return reach


def _players(session: Session, rng: random.Random) -> tuple[list[_Player], list[float]]:
    """Residents who play at all, with how often (heavy-tailed: a few enthusiasts)."""
    reach = _building_reach(session, rng)
    # Whole objects with their households, held by the players: the services then find them in
    # the session's identity map instead of querying for every play.
    residents = session.scalars(
        select(Resident)
        .options(joinedload(Resident.household))
        .where(Resident.anonymised_at.is_(None))
        .order_by(Resident.id)
    ).all()
    players: list[_Player] = []
    weights: list[float] = []
    for resident in residents:
        chance = min(
            0.9, _PLAYER_SHARE[resident.age_group] * reach.get(resident.household.building_id, 0.0)
        )
        if rng.random() < chance:
            players.append(_Player(resident, rng.gauss(0.0, 0.07)))
            weights.append(min(12.0, rng.paretovariate(1.6)))
    return players, weights


def _local_instant(day: date, rng: random.Random) -> datetime:
    hour = rng.choices(list(_HOURS), weights=list(_HOURS.values()))[0]
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _plan(
    session: Session,
    *,
    days: int,
    rng: random.Random,
    now: datetime,
    plays_per_day: float | None,
) -> list[_Plan]:
    players, weights = _players(session, rng)
    per_day = (
        plays_per_day if plays_per_day is not None else min(400.0, max(8.0, len(players) * 0.12))
    )
    cumulative: list[float] = []
    running = 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    first_day = local_day(now) - timedelta(days=days - 1)

    def someone(kids_only: bool = False) -> tuple[_Player | None, bool]:
        roll = rng.random()
        if not players or roll < _GUEST_SHARE + _ANON_KIDS_SHARE:
            return None, roll < _ANON_KIDS_SHARE or kids_only
        player = rng.choices(players, cum_weights=cumulative)[0]
        return player, player.age_group is AgeGroup.CHILD

    plans: list[_Plan] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        boost = _WEEKEND_BOOST if day.weekday() >= 5 else 1.0
        for _ in range(_poisson(rng, per_day * boost * rng.uniform(0.8, 1.2))):
            at = _local_instant(day, rng)
            player, kids = someone()
            if at < now - timedelta(minutes=10):
                plans.append(_Plan(at, player, kids))

    # Themed roadshows in the period bring a crowd that plays tagged with the event.
    window_start = datetime.combine(first_day, time(0), tzinfo=LOCAL_TZ)
    events = session.scalars(
        select(RoadshowEvent)
        .where(
            RoadshowEvent.starts_at >= window_start,
            RoadshowEvent.ends_at <= now,
            RoadshowEvent.status == RoadshowStatus.SCHEDULED,
        )
        .order_by(RoadshowEvent.starts_at, RoadshowEvent.id)
    ).all()
    for event in events:
        length = max(60.0, (event.ends_at - event.starts_at).total_seconds())
        topics = [t for t in (event.topics or []) if t in TOPICS] or list(TOPICS)
        for _ in range(_poisson(rng, 4 + per_day * 0.4)):
            at = event.starts_at + timedelta(seconds=rng.uniform(0, length - 60))
            player, kids = someone()
            plans.append(_Plan(at, player, kids, roadshow_id=event.id, topic=rng.choice(topics)))
    plans.sort(key=lambda p: p.at)
    return plans


def generate_history(
    session: Session,
    *,
    days: int,
    rng: random.Random,
    now: datetime,
    content_bundle: Any | None = None,
    progress: Progress | None = None,
    plays_per_day: float | None = None,
) -> int:
    """Play ``days`` days of history up to ``now`` for the residents present and return the
    number of sessions created (flushed, not committed).

    ``content_bundle`` (a ``safezone.content.bundle.ContentBundle``) supplies question ids,
    difficulties and badges; without it a built-in list of plausible ids is used and no badges
    are awarded. ``plays_per_day`` defaults to about one play a day per eight players (at least
    8). ``progress(done, total)`` is called every 100 sessions and at the end.
    """
    require_aware(now)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3660:
        raise ValueError(f"days must be a whole number from 1 to 3660, got {days!r}")
    if plays_per_day is not None and not (0 <= plays_per_day <= 10_000):
        raise ValueError(f"plays_per_day must be between 0 and 10000, got {plays_per_day!r}")
    adult_pool, kids_pool = _question_pools(content_bundle)
    badge_defs: list[Any] = (
        list(content_bundle.badges.values()) if content_bundle is not None else []
    )
    plans = _plan(session, days=days, rng=rng, now=now, plays_per_day=plays_per_day)
    period_start = now - timedelta(days=days)
    total = len(plans)
    for done, plan in enumerate(plans, start=1):
        _play(
            session,
            plan,
            rng=rng,
            adult_pool=adult_pool,
            kids_pool=kids_pool,
            badge_defs=badge_defs,
            learned=(plan.at - period_start) / timedelta(days=days),
        )
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total)
    return total


def _pick_topic(plan: _Plan, rng: random.Random) -> str:
    if plan.topic is not None:
        return plan.topic
    taste = _TOPIC_TASTE[
        plan.player.age_group if plan.player else (AgeGroup.CHILD if plan.kids else AgeGroup.ADULT)
    ]
    return rng.choices(TOPICS, weights=taste)[0]


def _play(
    session: Session,
    plan: _Plan,
    *,
    rng: random.Random,
    adult_pool: dict[str, list[DemoQuestion]],
    kids_pool: dict[str, list[DemoQuestion]],
    badge_defs: Iterable[Any],
    learned: float,
) -> None:
    topic = _pick_topic(plan, rng)
    pool = (kids_pool if plan.kids else adult_pool)[topic]
    questions = rng.sample(pool, min(len(pool), _ROUND_KIDS if plan.kids else _ROUND_ADULT))
    player = plan.player
    if player is None:
        mode = PlayMode.KIDS if plan.kids else PlayMode.GUEST
    else:
        mode = PlayMode.KIDS if plan.kids else PlayMode.RESIDENT
    play = play_service.start_session(
        session,
        mode=mode,
        game_type="quiz",
        topic=topic,
        now=plan.at,
        resident_id=player.resident_id if player else None,
        roadshow_id=plan.roadshow_id,
    )
    skill = player.skill if player else rng.gauss(0.0, 0.07)
    slow = 1.4 if player is not None and player.age_group is AgeGroup.ELDER else 1.0
    at = plan.at
    right = 0
    for question in questions:
        chance = _BASE_ACCURACY.get(question.difficulty, 0.7) + skill + 0.10 * learned
        correct = rng.random() < max(0.05, min(0.97, chance))
        response_ms = int(rng.uniform(2500, 14000) * slow)
        at += timedelta(milliseconds=response_ms + 1500)
        play_service.record_answer(
            session,
            play,
            question_id=question.id,
            topic=question.topic,
            correct=correct,
            now=at,
            response_ms=response_ms,
        )
        right += correct
    play_service.finish_session(
        session,
        play,
        score=right * _POINTS_PER_STEP,
        max_score=len(questions) * _POINTS_PER_STEP,
        now=at + timedelta(seconds=3),
        badges=badge_defs,
    )
