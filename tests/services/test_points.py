"""Points rules: first/repeat answers, the daily cap on the local day, guests, idempotent finish,
ledger entries and redemptions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import AgeGroup, PlayMode, PointsEntry, PointsReason
from safezone.services import play as play_service
from safezone.services import points
from safezone.services.points import (
    DAILY_PLAY_CAP,
    POINTS_PER_CORRECT,
    POINTS_PER_REPEAT,
    InsufficientPoints,
    PointsError,
    UnknownResident,
)


def entries(session: Session) -> list[PointsEntry]:
    return list(session.scalars(select(PointsEntry).order_by(PointsEntry.created_at)))


def test_first_correct_answers_earn_full_points_and_wrong_ones_nothing(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play, result = play_round(amy, [("q1", True), ("q2", True), ("q3", False)], now=now)
    assert result.points_awarded == 2 * POINTS_PER_CORRECT
    assert result.balance == 2 * POINTS_PER_CORRECT
    assert result.capped is False
    [entry] = entries(db)
    assert (entry.resident_id, entry.amount, entry.reason) == (amy.id, 20, PointsReason.PLAY)
    assert entry.source_id == str(play.id)
    assert play.points_awarded == 20
    assert points.balance(db, amy.id) == 20


def test_a_question_answered_correctly_within_30_days_is_a_repeat(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    bob = community.resident("阿波")
    play_round(amy, [("q1", True), ("q2", False)], now=now - timedelta(days=29))
    # q1 was right 29 days ago: repeat; q2 was wrong then: full points; q1 again in the same
    # round is a repeat as well.
    _, result = play_round(amy, [("q1", True), ("q2", True), ("q1", True)], now=now)
    assert result.points_awarded == POINTS_PER_REPEAT + POINTS_PER_CORRECT + POINTS_PER_REPEAT
    # Another resident's history does not count.
    _, other = play_round(bob, [("q1", True)], now=now)
    assert other.points_awarded == POINTS_PER_CORRECT


def test_a_correct_answer_older_than_30_days_earns_full_points_again(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play_round(amy, [("q1", True)], now=now - timedelta(days=31))
    _, result = play_round(amy, [("q1", True)], now=now)
    assert result.points_awarded == POINTS_PER_CORRECT


def test_daily_cap_limits_play_points_and_says_so(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    awarded = []
    for round_no in range(3):
        _, result = play_round(
            amy,
            [(f"q{round_no}-{i}", True) for i in range(4)],
            now=now + timedelta(minutes=round_no),
        )
        awarded.append((result.points_awarded, result.capped))
    assert awarded == [(40, False), (40, False), (20, True)]
    _, result = play_round(amy, [("q-more", True)], now=now + timedelta(minutes=10))
    assert (result.points_awarded, result.capped, result.balance) == (0, True, DAILY_PLAY_CAP)
    # A capped-out play writes no zero entry.
    assert [e.amount for e in entries(db)] == [40, 40, 20]
    # Check-ins are not play points and are not capped.
    points.add_entry(db, amy.id, 10, PointsReason.CHECKIN, now=now + timedelta(minutes=11))
    assert points.balance(db, amy.id) == DAILY_PLAY_CAP + 10


def test_cap_resets_at_local_midnight_not_utc_midnight(
    db: Session, community: Community, play_round: PlayRound
) -> None:
    amy = community.resident("阿美")
    # 15:50 UTC is 23:50 in Asia/Shanghai; 16:10 UTC the same UTC day is already tomorrow there.
    late_evening = datetime(2026, 11, 27, 15, 50, tzinfo=UTC)
    after_midnight = datetime(2026, 11, 27, 16, 10, tzinfo=UTC)
    _, full = play_round(amy, [(f"a{i}", True) for i in range(10)], now=late_evening)
    assert full.points_awarded == DAILY_PLAY_CAP
    _, next_day = play_round(amy, [("b1", True)], now=after_midnight)
    assert (next_day.points_awarded, next_day.capped) == (POINTS_PER_CORRECT, False)


def test_cap_counts_the_whole_local_day_across_utc_midnight(
    db: Session, community: Community, play_round: PlayRound
) -> None:
    amy = community.resident("阿美")
    # 01:00 and 15:00 UTC on 27 Nov are 09:00 and 23:00 on the same Shanghai day.
    _, morning = play_round(
        amy, [(f"a{i}", True) for i in range(10)], now=datetime(2026, 11, 27, 1, tzinfo=UTC)
    )
    _, night = play_round(amy, [("b1", True)], now=datetime(2026, 11, 27, 15, tzinfo=UTC))
    assert morning.points_awarded == DAILY_PLAY_CAP
    assert (night.points_awarded, night.capped) == (0, True)


def test_guests_and_kids_without_card_get_no_entries(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    _, guest = play_round(None, [("q1", True)], now=now)
    _, kid = play_round(None, [("k1", True)], now=now, mode=PlayMode.KIDS)
    assert guest.points_awarded == kid.points_awarded == 0
    assert guest.balance is None and kid.balance is None
    assert entries(db) == []


def test_kids_with_a_card_earn_points(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    lulu = community.resident("露露", age_group=AgeGroup.CHILD)
    _, result = play_round(lulu, [("k1", True), ("k2", True)], now=now, mode=PlayMode.KIDS)
    assert result.points_awarded == 2 * POINTS_PER_CORRECT
    assert points.balance(db, lulu.id) == 20


def test_finishing_twice_does_not_award_twice(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play, first = play_round(amy, [("q1", True), ("q2", True)], now=now)
    again = play_service.finish_session(
        db, play, score=20, max_score=20, now=now + timedelta(hours=2)
    )
    assert again.points_awarded == first.points_awarded == 20
    assert again.balance == 20
    assert db.scalar(select(func.count()).select_from(PointsEntry)) == 1
    assert play.finished_at == now + timedelta(seconds=25)


def test_an_existing_entry_for_the_session_is_never_duplicated(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play = play_service.start_session(
        db, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire", now=now, resident_id=amy.id
    )
    play_service.record_answer(db, play, question_id="q1", topic="fire", correct=True, now=now)
    # The entry already arrived (e.g. synced from the kiosk that played it).
    points.add_entry(db, amy.id, 10, PointsReason.PLAY, now=now, source_id=str(play.id))
    result = play_service.finish_session(db, play, score=10, max_score=10, now=now)
    assert result.points_awarded == 10
    assert points.balance(db, amy.id) == 10


def test_redeem_spends_points(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    points.add_entry(db, amy.id, 30, PointsReason.CHECKIN, now=now)
    entry = points.redeem(
        db, amy.id, 25, now=now + timedelta(minutes=1), operator_id=None, note="雨伞"
    )
    assert (entry.amount, entry.reason, entry.note) == (-25, PointsReason.REDEEM, "雨伞")
    assert points.balance(db, amy.id) == 5
    assert [e.amount for e in points.ledger(db, amy.id)] == [-25, 30]
    assert [e.amount for e in points.ledger(db, amy.id, limit=1)] == [-25]


def test_redeem_with_insufficient_points_raises_and_writes_nothing(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    points.add_entry(db, amy.id, 20, PointsReason.CHECKIN, now=now)
    with pytest.raises(InsufficientPoints) as caught:
        points.redeem(db, amy.id, 21, now=now, operator_id=None, note="保温杯")
    assert (caught.value.balance, caught.value.cost) == (20, 21)
    assert "积分不足" in str(caught.value) and "not enough points" in str(caught.value)
    assert [e.amount for e in entries(db)] == [20]


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        (0, PointsReason.ADJUST, "must not be 0"),
        (-5, PointsReason.PLAY, "must be positive"),
        (5, PointsReason.REDEEM, "must be negative"),
        (True, PointsReason.ADJUST, "whole number"),
        (2.5, PointsReason.ADJUST, "whole number"),
        (5, "play", "PointsReason"),
    ],
)
def test_add_entry_rejects_bad_amounts(
    db: Session,
    community: Community,
    play_round: PlayRound,
    now: datetime,
    amount: object,
    reason: object,
    message: str,
) -> None:
    amy = community.resident("阿美")
    with pytest.raises(PointsError, match=message):
        points.add_entry(db, amy.id, amount, reason, now=now)  # type: ignore[arg-type]
    assert entries(db) == []


def test_bad_redeem_and_ledger_arguments(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    with pytest.raises(PointsError, match="cost must be positive"):
        points.redeem(db, amy.id, 0, now=now, operator_id=None, note=None)
    with pytest.raises(PointsError, match="note is too long"):
        points.add_entry(db, amy.id, 5, PointsReason.ADJUST, now=now, note="长" * 201)
    with pytest.raises(PointsError, match="limit must be positive"):
        points.ledger(db, amy.id, limit=0)
    with pytest.raises(ValueError, match="time-zone aware"):
        points.add_entry(db, amy.id, 5, PointsReason.ADJUST, now=datetime(2026, 1, 1))
    with pytest.raises(UnknownResident, match="no resident with id 999"):
        points.add_entry(db, 999, 5, PointsReason.ADJUST, now=now)
    assert entries(db) == []


def test_a_negative_adjustment_cannot_overdraw(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    points.add_entry(db, amy.id, 10, PointsReason.ADJUST, now=now)
    points.add_entry(db, amy.id, -10, PointsReason.ADJUST, now=now, note="误加")
    with pytest.raises(InsufficientPoints):
        points.add_entry(db, amy.id, -1, PointsReason.ADJUST, now=now)
    assert points.balance(db, amy.id) == 0
