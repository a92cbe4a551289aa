"""Reach through every touchpoint: kiosk plays, roadshow check-ins, door-to-door visits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from service_helpers import Community
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import CheckInMethod, Household, HouseholdTouch, Resident, VisitOutcome
from safezone.services import dashboards, reach, rollups
from safezone.services.roadshows import check_in, create_event


def _touches(db: Session) -> list[tuple]:
    return sorted((t.household_id, t.kind, t.building_id, t.first_at, t.last_at, t.count)
                  for t in db.scalars(select(HouseholdTouch)))


def test_each_touchpoint_reaches_a_household_and_rollup_equals_rebuild(
    db: Session, community: Community, play_round, now: datetime
) -> None:
    player = community.resident("玩家")
    guest_of_roadshow = community.resident("参会")
    visited = community.resident("走访", building=1)
    not_home = community.resident("不在家", building=1)
    community.resident("没人", building=2)
    play_round(player, [("q1", True)], now=now)
    event = create_event(db, title="消防路演", place="广场", topics=["fire"], now=now,
                         starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=2))
    check_in(db, event, guest_of_roadshow, method=CheckInMethod.MANUAL, now=now)
    for person, outcome in ((visited, VisitOutcome.TALKED), (not_home, VisitOutcome.NOT_HOME)):
        reach.record_visit(db, person.household, visitor="王姐", visited_at=now - timedelta(hours=1),
                           outcome=outcome, topic="fire", note=None, now=now, actor_label="test")
    reach.record_visit(db, visited.household, visitor="小李", visited_at=now, outcome=VisitOutcome.TALKED,
                       topic=None, note="再访", now=now, actor_label="test")

    data = dashboards.reach(db)
    assert data["households_total"] == 5 and data["households_reached"] == 3
    assert data["households_by_kind"] == {"kiosk": 1, "checkin": 1, "visit": 1}
    by_label = {b["label"]: (b["reached"], b["by_kind"]) for b in data["buildings"]}
    assert by_label["1号地块5栋"] == (2, {"kiosk": 1, "checkin": 1, "visit": 0})
    assert by_label["1号地块6栋"] == (1, {"kiosk": 0, "checkin": 0, "visit": 1})
    only_visits = dashboards.reach(db, ["visit"])
    assert only_visits["kinds"] == ["visit"] and only_visits["households_reached"] == 1
    unreached = {h["label"] for h in dashboards.unreached_households(db)}
    assert unreached == {not_home.household.label, "2号地块1栋1单元105"}

    incremental = _touches(db)
    assert [(k, n) for _h, k, _b, _f, _l, n in incremental] == [("kiosk", 1), ("checkin", 1), ("visit", 2)]
    rollups.rebuild(db)
    assert _touches(db) == incremental


def test_visit_is_checked(db: Session, community: Community, now: datetime) -> None:
    household = community.resident("甲").household
    cases = [({"visitor": " "}, "visitor"), ({"topic": "weather"}, "topic"),
             ({"visited_at": now + timedelta(hours=1)}, "visited_at"),
             ({"visited_at": now - timedelta(days=200)}, "visited_at"), ({"note": "x" * 201}, "note")]
    for change, field in cases:
        values = {"visitor": "王姐", "visited_at": now, "outcome": VisitOutcome.TALKED,
                  "topic": "fire", "note": None, **change}
        with pytest.raises(reach.VisitInvalid) as caught:
            reach.record_visit(db, household, now=now, actor_label="test", **values)
        assert caught.value.field == field
    assert _touches(db) == []


def test_door_sheet_in_natural_room_order_with_names_only_when_allowed(
    db: Session, community: Community, now: datetime
) -> None:
    building = community.buildings[0]
    for room in ("1001", "102", "101", "201", "1002"):
        db.add(Resident(household=Household(building=building, unit=1, room=room),
                        full_name=f"住户{room}", nickname=f"邻居{room}", age_group="adult",
                        phone="13800000000", consent=True))
    db.add(Household(building=building, unit=2, room="101"))
    db.flush()
    sheet = reach.unreached_sheet(db, building.id, personal=True)
    assert [(d.unit, d.room) for d in sheet] == [
        (1, "101"), (1, "102"), (1, "201"), (1, "1001"), (1, "1002"), (2, "101")]
    assert sheet[0].people[0].full_name == "住户101" and sheet[0].people[0].phone
    hidden = reach.unreached_sheet(db, building.id, personal=False)
    assert hidden[0].people[0].full_name is None and hidden[0].people[0].phone is None
    assert hidden[0].people[0].nickname == "邻居101"
    assert reach.room_order("9") < reach.room_order("10") < reach.room_order("101A")
