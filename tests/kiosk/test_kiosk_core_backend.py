"""The kiosk over the real core: cards from issue_card, records in the database, one commit each."""

from __future__ import annotations

import random
from datetime import datetime

import pygame
import pytest
from kiosk_db import make_card_holder
from sqlalchemy import func, select

from games.quiz.game import QuizGame
from kiosk.backend import CoreBackend
from kiosk.clock import SimClock
from kiosk.eventlog import EventLog
from kiosk.main import build_app
from kiosk.robot import Robot, parse_script
from safezone.app_context import Database
from safezone.config import Settings
from safezone.content.bundle import ContentBundle
from safezone.models import AgeGroup, Answer, PlaySession
from safezone.services import points


@pytest.fixture
def kiosk_on_db(settings: Settings, database: Database, test_bundle: ContentBundle, now: datetime):
    """Factory: a started kiosk on the test database; returns (app, robot)."""
    made = []

    def make():
        clock = SimClock(now)
        built = build_app(settings, clock=clock, rng=random.Random(3), bundle=test_bundle, log=EventLog())
        built.app.start()
        made.append(built)
        return built.app, Robot(built.app, clock)

    yield make
    for built in made:
        built.database.dispose()
    pygame.quit()


def _run(robot: Robot, script: str) -> None:
    result = robot.run(parse_script(script))
    assert result.ok, result.failure


def test_resident_scans_sees_nickname_and_points_and_plays(kiosk_on_db, database: Database, now) -> None:
    resident_id, code, _ = make_card_holder(database, nickname="阿明", now=now)
    app, robot = kiosk_on_db()
    _run(robot, f"scan: {code.lower()}\nexpect: greeting")
    assert app.visit.player.nickname == "阿明"
    assert app.visit.player.building_label == "1号地块5栋"
    assert app.visit.player.balance == 0
    _run(robot, "tap: start\ntap: fire\n" + "tap: option_1\ntap: next\n" * 5 + "expect: results")
    with database.sessions() as session:
        play = session.scalars(select(PlaySession)).one()
        assert play.resident_id == resident_id and play.finished_at is not None and play.max_score == 5
        assert session.scalar(select(func.count()).select_from(Answer)) == 5
        balance = points.balance(session, resident_id)
    assert app.visit.player.balance == balance
    records = [e["kind"] for e in app.log.of("record")]
    assert records == ["session_started"] + ["answer"] * 5 + ["session_finished"]


def test_revoked_card_is_refused_kindly(kiosk_on_db, database: Database, now) -> None:
    _, _, revoked = make_card_holder(database, nickname="阿红", now=now, reissue=True)
    app, robot = kiosk_on_db()
    _run(robot, f"scan: {revoked}\nexpect: identify")
    assert app.top.problem == "revoked"


@pytest.mark.parametrize(("raw", "reason"), [("SZ7K3QXPM9RT2HCW", "checksum"), ("HELLO-WORLD", "character"), ("SZ23", "length")])
def test_malformed_codes_write_nothing(kiosk_on_db, database: Database, raw: str, reason: str) -> None:
    app, robot = kiosk_on_db()
    _run(robot, f"scan: {raw}\nexpect: identify")
    assert app.top.problem in (reason, "checksum", "character", "length")
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PlaySession)) == 0


def test_child_card_plays_kids_mode_with_points(kiosk_on_db, database: Database, now) -> None:
    resident_id, code, _ = make_card_holder(database, nickname="小宝", now=now, age_group=AgeGroup.CHILD)
    app, robot = kiosk_on_db()
    _run(robot, f"scan: {code}\ntap: start\ntap: home\nexpect: quiz")
    assert app.top.rules.max_score == 3
    with database.sessions() as session:
        play = session.scalars(select(PlaySession)).one()
        assert play.mode.value == "kids" and play.resident_id == resident_id


def test_guest_session_stores_nothing_personal(kiosk_on_db, database: Database) -> None:
    _, robot = kiosk_on_db()
    _run(robot, "tap: guest\ntap: cyber\n" + "tap: option_1\ntap: next\n" * 5 + "expect: results")
    with database.sessions() as session:
        play = session.scalars(select(PlaySession)).one()
        assert play.resident_id is None and play.mode.value == "guest"
        assert session.scalars(select(Answer.resident_id)).all() == [None] * 5


def test_core_backend_lists_upcoming_roadshows_and_ranking(database: Database, test_bundle, now) -> None:
    backend = CoreBackend(database, test_bundle)
    assert backend.upcoming_roadshows(now) == []
    assert backend.building_ranking() == []


def test_a_reported_question_is_never_drawn_until_an_admin_resolves_it(
        kiosk_on_db, database: Database, now: datetime) -> None:
    from safezone.models import Role
    from safezone.services.question_reports import report_question, resolve_reports
    from safezone.services.staff import create_staff_user

    with database.sessions() as session:
        staff = create_staff_user(session, username="reporter", display_name="报告人", role=Role.STAFF,
                                  password="a-long-enough-password", now=now)
        report_question(session, question_id="fire-adult-1", reason="出处有误", staff_id=staff.id, now=now)
        session.commit()
        staff_id = staff.id
    app, robot = kiosk_on_db()
    _run(robot, "tap: guest")
    assert "fire-adult-1" in app.flow.disabled_questions()
    setup = app.flow.round_setup("fire")
    assert "fire-adult-1" in setup.disabled_ids
    for seed in range(20):  # the quiz's draw in the core leaves it out every time
        drawn = QuizGame.new_round(app.bundle, setup, random.Random(seed))
        assert drawn is not None and "fire-adult-1" not in {item.question.id for item in drawn.items}
    with database.sessions() as session:
        resolve_reports(session, question_id="fire-adult-1", resolution="已核对", staff_id=staff_id, now=now)
        session.commit()
    assert "fire-adult-1" not in app.flow.disabled_questions()
