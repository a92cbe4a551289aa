"""Building ranking, roadshow leaderboard and the recent-questions lookup."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy.orm import Session

from safezone.models import PlayMode, PointsReason, RoadshowEvent
from safezone.services import points, ranking
from safezone.services.ranking import BuildingRank, LeaderRow, RankingError


def test_buildings_rank_by_points_then_players_and_unreached_ones_are_listed(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    b5, b6, b21 = community.buildings
    amy, bob = community.resident("阿美", building=0), community.resident("阿波", building=0)
    cat = community.resident("小猫", building=1)
    play_round(amy, [("q1", True)], now=now)  # 10
    play_round(bob, [("q1", True), ("q2", False)], now=now)  # 10
    play_round(cat, [("q1", True), ("q2", True)], now=now)  # 20
    points.add_entry(db, amy.id, 5, PointsReason.CHECKIN, now=now)
    # Spending points does not lower the building's standing.
    points.redeem(db, cat.id, 15, now=now, operator_id=None, note="手电筒")
    play_round(None, [("q1", True)], now=now)  # guests count for nobody

    assert ranking.building_ranking(db) == [
        BuildingRank(b5.id, "1号地块5栋", 25, 2),
        BuildingRank(b6.id, "1号地块6栋", 20, 1),
        BuildingRank(b21.id, "2号地块1栋", 0, 0),
    ]
    assert [r.building_id for r in ranking.building_ranking(db, limit=1)] == [b5.id]


def test_ranking_since_a_local_date(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    b5, b6, _ = community.buildings
    amy, cat = community.resident("阿美", building=0), community.resident("小猫", building=1)
    play_round(amy, [("q1", True), ("q2", True)], now=now - timedelta(days=3))
    play_round(cat, [("q1", True)], now=now)
    # now is 17:30 on 28 Nov in Shanghai.
    rows = ranking.building_ranking(db, since=date(2026, 11, 28))
    assert [(r.building_id, r.points, r.players) for r in rows[:2]] == [
        (b6.id, 10, 1),
        (b5.id, 0, 0),
    ]
    rows = ranking.building_ranking(db, since=now - timedelta(days=4))
    assert rows[0].building_id == b5.id


def test_event_leaderboard_keeps_each_residents_best_score_and_shows_nicknames_only(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    event = RoadshowEvent(
        title="消防路演", place="架空层", starts_at=now, ends_at=now + timedelta(hours=2)
    )
    other = RoadshowEvent(
        title="反诈路演", place="广场", starts_at=now, ends_at=now + timedelta(hours=2)
    )
    db.add_all([event, other])
    db.flush()
    amy, bob = community.resident("阿美"), community.resident("阿波", building=2)
    cat = community.resident("小猫", building=1)
    play_round(amy, [("q1", True), ("q2", False)], now=now, roadshow_id=event.id)  # 10
    play_round(
        amy, [("q1", True), ("q2", True)], now=now + timedelta(minutes=5), roadshow_id=event.id
    )  # 20
    play_round(
        bob, [("q1", True), ("q2", True)], now=now + timedelta(minutes=9), roadshow_id=event.id
    )  # 20, later
    play_round(cat, [("q1", True), ("q2", True), ("q3", True)], now=now, roadshow_id=other.id)
    play_round(cat, [("q1", True)], now=now)  # untagged
    play_round(
        None, [("q1", True), ("q2", True), ("q3", True)], now=now, roadshow_id=event.id
    )  # guest

    board = ranking.event_leaderboard(db, event.id)
    assert board == [
        LeaderRow("阿美", "1号地块5栋", 20),
        LeaderRow("阿波", "2号地块1栋", 20),
    ]
    assert [f.name for f in fields(LeaderRow)] == ["nickname", "building_label", "score"]
    assert "全名" not in repr(board)
    assert ranking.event_leaderboard(db, event.id, limit=1) == board[:1]
    # An anonymised resident leaves the board.
    amy.anonymised_at = now
    db.flush()
    assert [r.nickname for r in ranking.event_leaderboard(db, event.id)] == ["阿波"]


def test_recent_question_ids(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play_round(amy, [("old", True)], now=now - timedelta(days=40))
    play_round(amy, [("recent", True), ("wrong", False)], now=now - timedelta(days=3))
    play_round(amy, [("kids", True)], now=now - timedelta(days=1), mode=PlayMode.KIDS)
    assert ranking.recent_question_ids(db, amy.id, now=now) == {"recent", "kids"}
    assert ranking.recent_question_ids(db, amy.id, days=2, now=now) == {"kids"}


def test_bad_ranking_arguments(db: Session, community: Community, now: datetime) -> None:
    import uuid

    with pytest.raises(RankingError, match="limit must be a positive whole number"):
        ranking.building_ranking(db, limit=0)
    with pytest.raises(RankingError, match="since must be"):
        ranking.building_ranking(db, since="2026-11-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time-zone aware"):
        ranking.building_ranking(db, since=datetime(2026, 11, 1))
    with pytest.raises(RankingError, match="unknown roadshow"):
        ranking.event_leaderboard(db, uuid.uuid4())
    with pytest.raises(RankingError, match="days must be"):
        ranking.recent_question_ids(db, 1, days=0, now=now)
