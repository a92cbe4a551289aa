"""Themed event mode, driven by the robot over a real database: staff card + PIN, check-in,
event topics only, plays tagged with the roadshow, the live leaderboard, leaving again."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from kiosk_db import make_card_holder
from kiosk_fakes import KIOSK_START
from sqlalchemy import func, select

from kiosk.backend import CoreBackend
from safezone.cards.codes import generate_code, hash_code
from safezone.models import PlaySession
from safezone.models.roadshows import CheckIn, CheckInMethod, RoadshowEvent, RoadshowStatus
from safezone.models.staff import Role
from safezone.services.staff import create_staff_user, hash_password

PIN = "2580"


@pytest.fixture
def event_world(database, test_bundle):
    """A staff member with a staff card and PIN, a fire-only roadshow now, a card holder."""
    staff_code = generate_code(random.Random(99))
    with database.sessions() as session:
        staff = create_staff_user(session, username="lihua", display_name="李华", role=Role.STAFF,
                                  password="a long enough password 1", now=KIOSK_START)
        staff.staff_card_hash = hash_code(staff_code)
        staff.kiosk_pin_hash = hash_password(PIN)
        event = RoadshowEvent(title="消防安全路演", title_en="Fire safety roadshow", topics=["fire"],
                              place="5栋架空层", starts_at=KIOSK_START - timedelta(minutes=30),
                              ends_at=KIOSK_START + timedelta(hours=3), status=RoadshowStatus.SCHEDULED,
                              checkin_points=10, created_at=KIOSK_START)
        session.add(event)
        session.commit()
        event_id = event.id
    resident_id, code, _ = make_card_holder(database, nickname="小明妈妈", now=KIOSK_START)
    backend = CoreBackend(database, test_bundle)
    return {"staff_code": staff_code, "event_id": event_id, "resident_id": resident_id, "code": code,
            "backend": backend}


def _pin(digits: str) -> str:
    return "\n".join(f"tap: pin_{d}" for d in digits) + "\ntap: pin_ok\n"


def _enter_event(kiosk, world) -> None:
    kiosk.run(f"scan: {world['staff_code']}\nexpect: staff_pin\n" + _pin(PIN) + "expect: event_admin\ntap: event_1\nexpect: attract")


def test_staff_card_and_pin_switch_the_kiosk_to_the_event(make_kiosk, event_world) -> None:
    kiosk = make_kiosk(backend=event_world["backend"])
    kiosk.run(f"scan: {event_world['staff_code']}\nexpect: staff_pin\n" + _pin("1111") + "expect: staff_pin")
    assert kiosk.app.top.problem == "pin.wrong"
    kiosk.run(_pin(PIN) + "expect: event_admin\ntap: event_1\nexpect: attract")
    assert kiosk.app.event is not None and kiosk.app.event.id == event_world["event_id"]
    assert kiosk.app.flow.available_topics() == ("fire",)
    assert all(tip.topic == "fire" for tip in kiosk.app.top.tips)
    assert "消防安全路演" in kiosk.app.site_title()
    assert kiosk.events("event_mode")[-1]["on"] is True
    # The PIN never reaches the log.
    assert PIN not in repr(kiosk.app.log.of("staff_pin")) + repr(kiosk.app.log.of("step"))


def test_resident_scan_checks_in_and_plays_for_the_event(make_kiosk, event_world, database) -> None:
    kiosk = make_kiosk(backend=event_world["backend"])
    _enter_event(kiosk, event_world)
    kiosk.run(f"scan: {event_world['code']}\nexpect: checked_in\nwait: 5\nexpect: greeting\ntap: start\nexpect: topics")
    assert kiosk.app.top.find_widget("fire") is not None
    assert kiosk.app.top.find_widget("home") is None
    kiosk.run("tap: fire")
    if kiosk.scene == "games":
        kiosk.run("tap: quiz")
    while kiosk.scene == "quiz":
        kiosk.run("tap: option_1")
        if kiosk.app.top.rules.current.multiple and not kiosk.app.top.rules.answered:
            kiosk.run("tap: confirm")
        kiosk.run("tap: next")
    assert kiosk.scene == "results"
    with database.sessions() as session:
        checkins = session.scalars(select(CheckIn)).all()
        assert [(c.resident_id, c.method) for c in checkins] == [(event_world["resident_id"], CheckInMethod.KIOSK)]
        plays = session.scalars(select(PlaySession)).all()
        assert plays and all(p.roadshow_id == event_world["event_id"] for p in plays)
    # Back on attract, the live leaderboard shows the player (nickname and building only).
    kiosk.run("tap: done\nexpect: attract")
    leaders = kiosk.app.top.leaders
    assert [row.nickname for row in leaders] == ["小明妈妈"]
    kiosk.run("screenshot: event-attract")


def test_second_scan_at_the_event_just_plays(make_kiosk, event_world, database) -> None:
    kiosk = make_kiosk(backend=event_world["backend"])
    _enter_event(kiosk, event_world)
    kiosk.run(f"scan: {event_world['code']}\nexpect: checked_in\ntap: continue\nexpect: greeting\ntap: done\nexpect: attract")
    kiosk.run(f"scan: {event_world['code']}\nexpect: greeting")
    assert [e["status"] for e in kiosk.events("checkin")] == ["checked_in", "already"]
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_leaving_event_mode_needs_the_staff_card_and_pin_again(make_kiosk, event_world) -> None:
    kiosk = make_kiosk(backend=event_world["backend"])
    _enter_event(kiosk, event_world)
    kiosk.run(f"scan: {event_world['staff_code']}\nexpect: staff_pin\ntap: cancel\nexpect: attract")
    assert kiosk.app.event is not None
    kiosk.run(f"scan: {event_world['staff_code']}\n" + _pin(PIN) + "expect: event_admin\ntap: leave_event\nexpect: attract")
    assert kiosk.app.event is None
    assert kiosk.app.flow.available_topics() == ("fire", "home", "traffic", "cyber")
    assert [e["on"] for e in kiosk.events("event_mode")] == [True, False]


def test_three_wrong_pins_close_the_pad(make_kiosk, event_world) -> None:
    kiosk = make_kiosk(backend=event_world["backend"])
    kiosk.run(f"scan: {event_world['staff_code']}\n" + _pin("1111") + _pin("2222") + _pin("3333") + "expect: attract")
    assert kiosk.app.event is None
    assert len(kiosk.events("staff_pin_locked")) == 1


def test_staff_card_without_pin_is_an_unknown_card(make_kiosk, event_world, database) -> None:
    from safezone.models.staff import StaffUser

    with database.sessions() as session:
        session.scalar(select(StaffUser)).kiosk_pin_hash = None
        session.commit()
    kiosk = make_kiosk(backend=event_world["backend"])
    kiosk.run(f"scan: {event_world['staff_code']}\nexpect: identify")
    assert kiosk.app.top.problem == "unknown"


def test_no_event_today_says_so_and_cancel_returns(make_kiosk, event_world, database) -> None:
    with database.sessions() as session:
        session.get(RoadshowEvent, event_world["event_id"]).status = RoadshowStatus.CANCELLED
        session.commit()
    kiosk = make_kiosk(backend=event_world["backend"])
    kiosk.run(f"scan: {event_world['staff_code']}\n" + _pin(PIN) + "expect: event_admin")
    assert kiosk.app.top.events == []
    assert kiosk.app.top.find_widget("event_1") is None
    kiosk.run("tap: cancel\nexpect: attract")
    assert kiosk.app.event is None


def test_short_pin_cannot_be_submitted(make_kiosk, event_world) -> None:
    kiosk = make_kiosk(backend=event_world["backend"])
    kiosk.run(f"scan: {event_world['staff_code']}\ntap: pin_2\ntap: pin_5\ntap: pin_8")
    assert kiosk.app.top.find_widget("pin_ok").enabled is False
    kiosk.run("key: return\nexpect: staff_pin")
    assert kiosk.events("staff_pin") == []
