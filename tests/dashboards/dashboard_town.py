"""Helpers for dashboard tests: a hand-made community with a handful of plays, so every
dashboard number can be computed by hand (see the table in test_dashboards.py). Plays go through
the real play service, which keeps the rollups current; the tests also check that a full rollup
rebuild gives the same dashboards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from safezone.models import (
    AgeGroup,
    Building,
    Household,
    PlayMode,
    PlaySession,
    Plot,
    Resident,
    Site,
)
from safezone.services import play as play_service


def play(
    db: Session, who: Resident | None, topic: str, answers: Sequence[tuple[str, str, bool]],
    at: datetime,
) -> PlaySession:
    """One finished quiz at ``at``; ``answers`` are (question id, its topic, correct)."""
    session = play_service.start_session(
        db, mode=PlayMode.RESIDENT if who else PlayMode.GUEST, game_type="quiz", topic=topic,
        now=at, resident_id=who.id if who else None)
    for i, (qid, q_topic, correct) in enumerate(answers):
        play_service.record_answer(db, session, question_id=qid, topic=q_topic, correct=correct,
                                   now=at + timedelta(seconds=10 * (i + 1)))
    right = sum(c for _q, _t, c in answers)
    play_service.finish_session(db, session, score=right, max_score=len(answers),
                                now=at + timedelta(minutes=2))
    return session


@dataclass
class Town:
    """The hand-made community: buildings b[0..2], households h[0..5], residents r[0..6]."""

    site: Site
    b: list[Building]
    h: list[Household]
    r: list[Resident]


def build_town(db: Session, now: datetime) -> Town:
    """Buildings: 1号地块5栋 (3 households), 1号地块6栋 (2), 2号地块1栋 (1); target 10 households.

    Residents: r0 adult, r1 elder, both in h0; r2 child in h1; r3 in h2 (never plays);
    r4 adult in h3; r5 in h4 (never plays); r6 in h5 (never plays).
    """
    site = Site(name="测试小区", household_target=10)
    p1, p2 = Plot(site=site, number=1), Plot(site=site, number=2)
    b = [Building(plot=p1, number=5), Building(plot=p1, number=6), Building(plot=p2, number=1)]
    h = [Household(building=b[0], unit=1, room="101"), Household(building=b[0], unit=1, room="102"),
         Household(building=b[0], unit=2, room="201"), Household(building=b[1], unit=1, room="101"),
         Household(building=b[1], unit=1, room="102"), Household(building=b[2], unit=1, room="301")]
    ages = [AgeGroup.ADULT, AgeGroup.ELDER, AgeGroup.CHILD, AgeGroup.ADULT, AgeGroup.ADULT,
            AgeGroup.ADULT, AgeGroup.ELDER]
    homes = [0, 0, 1, 2, 3, 4, 5]
    r = [Resident(household=h[home], full_name=f"居民{i}", nickname=f"昵称{i}", age_group=age,
                  consent=True) for i, (home, age) in enumerate(zip(homes, ages))]
    db.add_all([site, *r])
    db.flush()

    yesterday = now - timedelta(days=1)  # local day 2026-11-27 (now is 17:30 on the 28th)
    play(db, r[0], "fire", [("q-f1", "fire", True), ("q-f2", "fire", False)], yesterday)
    play(db, r[1], "home", [("q-h1", "home", False), ("q-h2", "home", False)], yesterday)
    play(db, r[2], "fire", [("q-f1", "fire", True)], now - timedelta(days=3))  # 2026-11-25
    play(db, r[4], "traffic", [("q-t1", "traffic", True), ("q-f2", "fire", False)], yesterday)
    play(db, None, "cyber", [("q-c1", "cyber", True)], yesterday)
    return Town(site=site, b=b, h=h, r=r)
