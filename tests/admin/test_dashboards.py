"""Dashboards: the page and every JSON endpoint, over real plays recorded by the core."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safezone.content import DEFAULT_CONTENT_ROOT, load_content
from safezone.models import PlayMode, Role
from safezone.services.play import finish_session, record_answer, start_session


@pytest.fixture
def plays(db_session, community, now):
    """Three residents played quizzes on real questions; the fourth household never played."""
    questions = [q for q in load_content(DEFAULT_CONTENT_ROOT).bundle.questions.values() if q.topic == "fire"][:3]
    for index, person in enumerate(community["residents"][:3]):
        at = now - timedelta(days=index + 1)
        play = start_session(db_session, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire",
                             now=at, resident_id=person.id)
        for q_index, question in enumerate(questions):
            record_answer(db_session, play, question_id=question.id, topic="fire",
                          correct=(q_index != 0), now=at)
        finish_session(db_session, play, score=2, max_score=3, now=at)
    db_session.commit()
    return questions


def test_dashboard_page_renders(client, auth, plays):
    auth.login(Role.VIEWER)
    html = client.get("/dashboards/").get_data(as_text=True)
    assert "各楼栋住户覆盖率" in html and "chart.umd.min.js" in html


def test_reach_endpoint(client, auth, plays):
    auth.login(Role.VIEWER)
    data = client.get("/dashboards/api/reach").get_json()
    assert data["household_target"] == 1462
    assert data["households_reached"] == 2 and data["residents_reached"] == 3
    assert {b["label"] for b in data["buildings"]} == {"1号地块5栋", "1号地块6栋", "2号地块1栋"}


def test_plays_topics_ages_buildings(client, auth, plays):
    auth.login(Role.STAFF)
    days = client.get("/dashboards/api/plays?days=7").get_json()["days"]
    assert len(days) == 7 and sum(d["sessions"] for d in days) == 3
    topics = client.get("/dashboards/api/topics?days=30").get_json()
    fire = next(t for t in topics["accuracy"] if t["topic"] == "fire")
    assert fire["answers"] == 9 and fire["correct"] == 6
    ages = {a["age_group"]: a["sessions"] for a in client.get("/dashboards/api/age-groups").get_json()["age_groups"]}
    assert ages["adult"] == 1 and ages["elder"] == 1 and ages["child"] == 1
    assert client.get("/dashboards/api/buildings").get_json()["buildings"]


def test_weakest_questions_carry_text(client, auth, plays):
    auth.login(Role.VIEWER)
    rows = client.get("/dashboards/api/weakest").get_json()["questions"]
    if rows:  # the service only lists questions with enough answers
        assert rows[0]["question_id"] == plays[0].id and rows[0]["text"] == plays[0].prompt.zh


def test_unreached_households(client, auth, plays):
    auth.login(Role.VIEWER)
    data = client.get("/dashboards/api/unreached").get_json()["households"]
    assert [h["label"] for h in data] == ["2号地块1栋1单元302"]
    page = client.get("/dashboards/unreached").get_data(as_text=True)
    assert "2号地块1栋" in page and "302" in page


def test_roadshow_impact_endpoint(client, auth, plays, db_session, now):
    from safezone.services.roadshows import create_event

    event = create_event(db_session, title="消防", place="广场", topics=["fire"], now=now,
                         starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=3))
    db_session.commit()
    auth.login(Role.VIEWER)
    data = client.get(f"/dashboards/api/roadshow-impact/{event.id}").get_json()
    assert data["topics"] == ["fire"] and data["attendees"] == 0
    assert client.get(f"/dashboards/api/roadshow-impact/{event.id}".replace(str(event.id)[:8], "00000000")).status_code == 404


def test_volunteer_cannot_read_dashboards(client, auth):
    auth.login(Role.VOLUNTEER)
    assert client.get("/dashboards/api/reach").status_code == 403
