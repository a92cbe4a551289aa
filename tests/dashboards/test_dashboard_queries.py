"""Dashboards on the hand-made town of conftest.py, every number computed by hand:

| who | local day  | session topic | answers (question, topic, right?)   |
|-----|------------|---------------|-------------------------------------|
| r0  | 2026-11-27 | fire          | q-f1 fire ✓, q-f2 fire ✗            |
| r1  | 2026-11-27 | home          | q-h1 home ✗, q-h2 home ✗            |
| r2  | 2026-11-25 | fire          | q-f1 fire ✓                         |
| r4  | 2026-11-27 | traffic       | q-t1 traffic ✓, q-f2 fire ✗         |
| guest | 2026-11-27 | cyber       | q-c1 cyber ✓                        |
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from dashboard_town import Town, play  # type: ignore[import-not-found]
from sqlalchemy.orm import Session

from safezone.models import CheckInMethod
from safezone.services import dashboards, roadshows, rollups


def _acc(answers: int, correct: int, accuracy: float | None) -> dict:
    return {"answers": answers, "correct": correct, "wrong": answers - correct, "accuracy": accuracy}


def test_reach_counts_households_and_residents(db: Session, town: Town) -> None:
    result = dashboards.reach(db)
    assert {k: result[k] for k in ("household_target", "households_total", "households_reached",
                                   "share_of_target", "residents_total", "residents_reached",
                                   "residents_share")} == {
        "household_target": 10, "households_total": 6, "households_reached": 3,
        "share_of_target": 0.3, "residents_total": 7, "residents_reached": 4,
        "residents_share": round(4 / 7, 4),
    }
    assert [(b["label"], b["households"], b["reached"], b["share"]) for b in result["buildings"]] == [
        ("1号地块5栋", 3, 2, round(2 / 3, 4)), ("1号地块6栋", 2, 1, 0.5), ("2号地块1栋", 1, 0, 0.0)]
    assert [(p["label"], p["households"], p["reached"], p["share"]) for p in result["plots"]] == [
        ("1号地块", 5, 3, 0.6), ("2号地块", 1, 0, 0.0)]


def test_unreached_households_for_door_to_door(db: Session, town: Town) -> None:
    rows = dashboards.unreached_households(db)
    assert [(r["label"], r["residents"]) for r in rows] == [
        ("1号地块5栋2单元201", 1), ("1号地块6栋1单元102", 1), ("2号地块1栋1单元301", 1)]
    assert "full_name" not in rows[0]
    only = dashboards.unreached_households(db, building_id=town.b[1].id)
    assert [r["household_id"] for r in only] == [town.h[4].id]


def test_plays_over_time_fills_empty_days(db: Session, town: Town, now: datetime) -> None:
    rows = dashboards.plays_over_time(db, 4, now)
    assert [(r["day"], r["sessions"], r["answers"], r["correct"]) for r in rows] == [
        ("2026-11-25", 1, 1, 1), ("2026-11-26", 0, 0, 0), ("2026-11-27", 4, 7, 3),
        ("2026-11-28", 0, 0, 0)]
    assert rows[1]["accuracy"] is None
    with pytest.raises(ValueError, match="at least 1"):
        dashboards.plays_over_time(db, 0, now)


def test_topics_and_accuracy_by_topic(db: Session, town: Town) -> None:
    assert dashboards.topics(db) == [
        {"topic": "fire", "sessions": 2, "share": 0.4}, {"topic": "home", "sessions": 1, "share": 0.2},
        {"topic": "traffic", "sessions": 1, "share": 0.2},
        {"topic": "cyber", "sessions": 1, "share": 0.2}]
    assert dashboards.topics(db, since=date(2026, 11, 26))[0] == {
        "topic": "fire", "sessions": 1, "share": 0.25}
    assert dashboards.accuracy_by_topic(db) == [
        {"topic": "fire", **_acc(4, 2, 0.5)}, {"topic": "home", **_acc(2, 0, 0.0)},
        {"topic": "traffic", **_acc(1, 1, 1.0)}, {"topic": "cyber", **_acc(1, 1, 1.0)}]


def test_age_groups(db: Session, town: Town) -> None:
    assert dashboards.age_groups(db) == [
        {"age_group": "child", "sessions": 1, "share": 0.2, **_acc(1, 1, 1.0)},
        {"age_group": "adult", "sessions": 2, "share": 0.4, **_acc(4, 2, 0.5)},
        {"age_group": "elder", "sessions": 1, "share": 0.2, **_acc(2, 0, 0.0)},
        {"age_group": "guest", "sessions": 1, "share": 0.2, **_acc(1, 1, 1.0)}]


def test_question_stats_and_weakest(db: Session, town: Town) -> None:
    stats = dashboards.question_stats(db)
    assert [(q["question_id"], q["topic"], q["answers"], q["correct"]) for q in stats] == [
        ("q-c1", "cyber", 1, 1), ("q-f1", "fire", 2, 2), ("q-f2", "fire", 2, 0),
        ("q-h1", "home", 1, 0), ("q-h2", "home", 1, 0), ("q-t1", "traffic", 1, 1)]
    weakest = dashboards.weakest_questions(db, limit=4, min_answers=1)
    assert [q["question_id"] for q in weakest] == ["q-f2", "q-h1", "q-h2", "q-c1"]
    assert [q["question_id"] for q in dashboards.weakest_questions(db, min_answers=2)] == ["q-f2", "q-f1"]
    recent = dashboards.question_stats(db, since=date(2026, 11, 26))
    assert [(q["question_id"], q["answers"]) for q in recent if q["question_id"] == "q-f1"] == [("q-f1", 1)]


def test_accuracy_by_building(db: Session, town: Town) -> None:
    rows = dashboards.accuracy_by_building(db)
    assert [(r["label"], r["answers"], r["correct"], r["accuracy"]) for r in rows] == [
        ("1号地块5栋", 5, 2, 0.4), ("1号地块6栋", 2, 1, 0.5), ("2号地块1栋", 0, 0, None)]
    assert rows[0]["topics"]["fire"] == _acc(3, 2, round(2 / 3, 4))
    assert rows[0]["topics"]["home"] == _acc(2, 0, 0.0)
    assert rows[1]["topics"]["traffic"] == _acc(1, 1, 1.0)


def test_rebuilt_rollups_give_the_same_dashboards(db: Session, town: Town, now: datetime) -> None:
    before = (dashboards.reach(db), dashboards.question_stats(db), dashboards.age_groups(db),
              dashboards.plays_over_time(db, 7, now), dashboards.accuracy_by_building(db))
    rollups.rebuild(db)
    after = (dashboards.reach(db), dashboards.question_stats(db), dashboards.age_groups(db),
             dashboards.plays_over_time(db, 7, now), dashboards.accuracy_by_building(db))
    assert after == before


def test_roadshow_impact_compares_attendees_before_and_after(
    db: Session, town: Town, now: datetime
) -> None:
    start = now - timedelta(days=8)
    event = roadshows.create_event(db, title="消防路演", place="广场", starts_at=start,
                                   ends_at=start + timedelta(hours=2), topics=["fire"],
                                   now=start - timedelta(days=20))
    for person in (town.r[0], town.r[4]):
        roadshows.check_in(db, event, person, method=CheckInMethod.SCANNER, now=start)
    # Before: r0 answers two fire questions wrong; r1 (not an attendee) is ignored.
    play(db, town.r[0], "fire", [("q-f1", "fire", False), ("q-f2", "fire", False)], start - timedelta(days=2))
    play(db, town.r[1], "fire", [("q-f1", "fire", True)], start - timedelta(days=2))
    # During the event: counted on neither side.
    play(db, town.r[0], "fire", [("q-f3", "fire", True)], start + timedelta(minutes=30))
    # Outside the window: ignored.
    play(db, town.r[0], "fire", [("q-f3", "fire", True)], start - timedelta(days=31))
    result = dashboards.roadshow_impact(db, event, window_days=30, now=now)
    # After (from the town): r0 q-f1 ✓ q-f2 ✗, r4 q-f2 ✗ (its traffic answer is off-topic).
    assert result["attendees"] == 2
    assert result["before"] == {**_acc(2, 0, 0.0), "topics": {"fire": _acc(2, 0, 0.0)}}
    assert result["after"] == {**_acc(3, 1, round(1 / 3, 4)), "topics": {"fire": _acc(3, 1, round(1 / 3, 4))}}
    assert result["change"] == round(1 / 3, 4)
    assert result["after_complete"] is False


def test_roadshow_impact_without_attendees_is_empty(db: Session, town: Town, now: datetime) -> None:
    event = roadshows.create_event(db, title="空场", place="广场", starts_at=now,
                                   ends_at=now + timedelta(hours=1), topics=["cyber"], now=now)
    result = dashboards.roadshow_impact(db, event)
    assert result["attendees"] == 0
    assert result["before"]["accuracy"] is None and result["change"] is None
