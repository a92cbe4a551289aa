"""Check-ins through the sync API obey the rules of the web form (the core
``roadshows.check_in``): no check-in at a cancelled event, none outside the check-in window,
and the points are the event's own ``checkin_points``, whatever the kiosk sends. On the
original main the API took check-ins at cancelled, ended and future roadshows and credited the
kiosk's amount."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from security_support import Server, batch, ledger_row

from safezone.models import CheckIn
from safezone.services import points, roadshows


def _event(server: Server, now: datetime, *, starts: timedelta, hours: int = 2,
           cancelled: bool = False, checkin_points: int = 7) -> str:
    with server.db.sessions() as s:
        event = roadshows.create_event(s, title="消防路演", place="广场", starts_at=now + starts,
                                       ends_at=now + starts + timedelta(hours=hours),
                                       topics=["fire"], now=now, checkin_points=checkin_points)
        if cancelled:
            roadshows.cancel_event(s, event, now=now)
        s.commit()
        return str(event.id)


def _checkin(event_id: str, resident_id: int, at: datetime) -> dict:
    return {"id": str(uuid.uuid4()), "event_id": event_id, "resident_id": resident_id,
            "method": "kiosk", "checked_in_at": at.isoformat()}


def test_checkin_points_are_the_events_not_the_kiosks(server: Server, now: datetime) -> None:
    event = _event(server, now, starts=timedelta(minutes=-30))
    rid = server.residents[0]
    checkin = _checkin(event, rid, now)
    answer = server.push("a", batch(now, checkins=[checkin], points_entries=[
        ledger_row(now, rid, reason="checkin", source_id=checkin["id"], amount=10_000)]))
    assert answer.status_code == 200, answer.json
    with server.db.sessions() as s:
        assert points.balance(s, rid) == 7
    # The same resident checked in on kiosk b too: the first check-in and its points stay.
    second = _checkin(event, rid, now + timedelta(minutes=1))
    answer = server.push("b", batch(now, checkins=[second], points_entries=[
        ledger_row(now, rid, reason="checkin", source_id=second["id"], amount=7)]))
    assert answer.status_code == 200, answer.json
    with server.db.sessions() as s:
        assert points.balance(s, rid) == 7
        assert s.get(CheckIn, uuid.UUID(checkin["id"])) is not None


@pytest.mark.parametrize("case", ["cancelled", "ended", "future", "too early"])
def test_api_refuses_checkins_the_web_form_refuses(server: Server, now: datetime,
                                                    case: str) -> None:
    starts = {"cancelled": timedelta(minutes=-30), "ended": timedelta(days=-2),
              "future": timedelta(days=2), "too early": timedelta(hours=3)}[case]
    event = _event(server, now, starts=starts, cancelled=case == "cancelled")
    rid = server.residents[1]
    checkin = _checkin(event, rid, now)
    answer = server.push("a", batch(now, checkins=[checkin], points_entries=[
        ledger_row(now, rid, reason="checkin", source_id=checkin["id"], amount=50)]))
    assert answer.status_code == 422
    assert answer.json["error"] == "refused_records"
    named = {(d["kind"], d["id"]) for d in answer.json["details"]}
    assert ("checkins", checkin["id"]) in named
    with server.db.sessions() as s:
        assert points.balance(s, rid) == 0
        assert s.get(CheckIn, uuid.UUID(checkin["id"])) is None


def test_checkin_rule_is_the_same_core_function_on_the_web_path(server: Server,
                                                                 now: datetime) -> None:
    """The web form calls ``roadshows.check_in`` too: it now also refuses an ended event."""
    event_id = _event(server, now, starts=timedelta(days=-2))
    with server.db.sessions() as s:
        from safezone.models import Resident, RoadshowEvent
        event = s.get(RoadshowEvent, uuid.UUID(event_id))
        with pytest.raises(roadshows.CheckInNotOpen):
            roadshows.check_in(s, event, s.get(Resident, server.residents[0]),
                               method=roadshows.CheckInMethod.SCANNER, now=now)
