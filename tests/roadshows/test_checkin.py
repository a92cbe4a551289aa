"""Check-in: once per person, points in the ledger once, walk-ins welcome, audit, attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import (
    AuditEntry,
    CheckIn,
    CheckInMethod,
    PointsEntry,
    PointsReason,
    Resident,
    RoadshowEvent,
)
from safezone.services import points, roadshows
from safezone.services.roadshows import AlreadyCheckedIn, EventCancelled


def test_check_in_awards_points_once_with_the_checkin_as_source(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    at = event.starts_at + timedelta(minutes=5)
    checkin = roadshows.check_in(db, event, residents[0], method=CheckInMethod.SCANNER, now=at)
    entries = db.scalars(select(PointsEntry).where(PointsEntry.resident_id == residents[0].id)).all()
    assert [(e.amount, e.reason, e.source_id) for e in entries] == [
        (15, PointsReason.CHECKIN, str(checkin.id))]
    assert points.balance(db, residents[0].id) == 15
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "roadshow.checkin"))
    assert audit is not None and audit.details["resident_id"] == residents[0].id


def test_second_check_in_is_refused_with_the_first_time(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    first_at = event.starts_at + timedelta(minutes=5)  # 09:35 UTC = 17:35 in Shanghai
    roadshows.check_in(db, event, residents[0], method=CheckInMethod.SCANNER, now=first_at)
    with pytest.raises(AlreadyCheckedIn) as caught:
        roadshows.check_in(db, event, residents[0], method=CheckInMethod.CAMERA,
                           now=first_at + timedelta(minutes=10))
    assert caught.value.checked_in_at == first_at
    assert caught.value.message("en") == "Already checked in at 17:35; no need to check in again"
    assert "17:35" in caught.value.message()
    assert db.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert points.balance(db, residents[0].id) == 15  # no second award
    # The refused scan left no trace: one audit line and one ledger line, from the first scan.
    checkin_audits = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "roadshow.checkin")
    assert db.scalar(checkin_audits) == 1
    assert db.scalar(select(func.count()).select_from(PointsEntry)) == 1


def test_cancelled_event_refuses_check_in_and_writes_nothing(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    roadshows.cancel_event(db, event, now=now)
    with pytest.raises(EventCancelled):
        roadshows.check_in(db, event, residents[0], method=CheckInMethod.MANUAL, now=now)
    assert db.scalar(select(func.count()).select_from(CheckIn)) == 0
    assert db.scalar(select(func.count()).select_from(PointsEntry)) == 0


def test_zero_point_event_writes_no_ledger_line(
    db: Session, now: datetime, residents: list[Resident]
) -> None:
    free = roadshows.create_event(db, title="网络安全讲座", place="会议室", starts_at=now,
                                  ends_at=now + timedelta(hours=1), topics=["cyber"],
                                  checkin_points=0, now=now)
    roadshows.check_in(db, free, residents[0], method=CheckInMethod.KIOSK, now=now)
    assert db.scalar(select(func.count()).select_from(PointsEntry)) == 0


def test_attendance_lists_checked_in_first_then_registered_and_walk_ins(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    for i, person in enumerate(residents[:3]):  # 0, 1 registered; 2 wait-listed
        roadshows.register(db, event, person, now=now + timedelta(minutes=i))
    start = event.starts_at
    roadshows.check_in(db, event, residents[4], method=CheckInMethod.SCANNER,
                       now=start + timedelta(minutes=1), operator_id=None)  # walk-in
    roadshows.check_in(db, event, residents[1], method=CheckInMethod.CAMERA,
                       now=start + timedelta(minutes=2))
    rows = roadshows.attendance(db, event)
    assert [(r.nickname, r.registration, r.method) for r in rows] == [
        ("昵称4", "walk_in", "scanner"),
        ("昵称1", "registered", "camera"),
        ("昵称0", "registered", None),
        ("昵称2", "waitlisted", None),
    ]
    assert rows[0].address_label == "1号地块5栋1单元105"
    assert roadshows.counts(db, event).checked_in == 2


def test_check_in_window_from_two_hours_before_to_the_end_of_the_day(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    opens, closes = roadshows.checkin_window(event)
    assert opens == event.starts_at - timedelta(hours=2)
    assert closes.astimezone(roadshows.LOCAL_TZ).hour == 0 and closes > event.ends_at
    for at, early in ((event.starts_at - timedelta(days=6), True),
                      (opens - timedelta(minutes=1), True), (closes, False),
                      (event.ends_at + timedelta(days=8), False)):
        with pytest.raises(roadshows.CheckInNotOpen) as caught:
            roadshows.check_in(db, event, residents[0], method=CheckInMethod.SCANNER, now=at)
        assert caught.value.early is early
    assert points.balance(db, residents[0].id) == 0  # no points outside the window either
    roadshows.check_in(db, event, residents[0], method=CheckInMethod.SCANNER, now=opens)
    roadshows.check_in(db, event, residents[1], method=CheckInMethod.SCANNER,
                       now=closes - timedelta(seconds=1))
    # A community that opens check-in a whole day early passes its own window.
    roadshows.check_in(db, event, residents[2], method=CheckInMethod.SCANNER,
                       now=event.starts_at - timedelta(hours=20), opens_before=timedelta(days=1))
