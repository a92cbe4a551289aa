"""What a push may carry beyond its schema (issue 16): an id the server already has with other
content is a 409 naming it (the kiosk parks and keeps its copy instead of deleting it as
stored); records dated far ahead of the server's clock and unknown badge ids are refused with
422; finished before started is refused; an answer must be its session's resident's."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from security_support import Server, batch, resident_play
from sqlalchemy import func, select

from safezone.models import Answer, BadgeAward, PlaySession


def test_same_id_with_other_content_is_a_named_409(server: Server, now: datetime) -> None:
    rid = server.residents[0]
    session, answers = resident_play(now, rid, ["fire-q1"])
    assert server.push("a", batch(now, sessions=[session], answers=answers)).status_code == 200
    # Retrying the same records is fine ...
    assert server.push("a", batch(now, sessions=[session], answers=answers)).status_code == 200
    # ... the same ids with other content are not.
    changed = {**session, "started_at": (now - timedelta(hours=1)).isoformat()}
    answer = server.push("a", batch(now, sessions=[changed]))
    assert answer.status_code == 409 and answer.json["error"] == "id_reused"
    assert answer.json["details"][0]["id"] == session["id"]
    assert "started_at" in answer.json["details"][0]["reason"]
    flipped = {**answers[0], "correct": False}
    answer = server.push("a", batch(now, answers=[flipped]))
    assert answer.status_code == 409
    assert {(d["kind"], d["id"]) for d in answer.json["details"]} == {("answers", flipped["id"])}
    with server.db.sessions() as s:
        assert s.scalar(select(Answer.correct)) is True


def test_records_far_ahead_of_the_server_clock_are_refused(server: Server, now: datetime) -> None:
    rid = server.residents[0]
    session, answers = resident_play(datetime(2099, 1, 1, tzinfo=now.tzinfo), rid, ["fire-q1"])
    answer = server.push("a", batch(now, sessions=[session], answers=answers))
    assert answer.status_code == 422
    assert ("sessions", session["id"]) in {(d["kind"], d["id"]) for d in answer.json["details"]}
    assert "clock" in answer.json["details"][0]["reason"]
    with server.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PlaySession)) == 0


def test_unknown_badges_are_refused_known_ones_stored(server: Server, now: datetime) -> None:
    rid = server.residents[0]
    unknown = {"id": str(uuid.uuid4()), "resident_id": rid, "badge_id": "badge-made-up",
               "awarded_at": now.isoformat()}
    answer = server.push("a", batch(now, badge_awards=[unknown]))
    assert answer.status_code == 422
    assert answer.json["details"][0]["id"] == unknown["id"]
    known = {**unknown, "id": str(uuid.uuid4()), "badge_id": "badge-first-play"}
    assert server.push("a", batch(now, badge_awards=[known])).status_code == 200
    with server.db.sessions() as s:
        assert list(s.scalars(select(BadgeAward.badge_id))) == ["badge-first-play"]


def test_finished_before_started_and_foreign_answers_are_refused(server: Server,
                                                                 now: datetime) -> None:
    rid, other = server.residents[:2]
    session, answers = resident_play(now, rid, ["fire-q1"])
    backwards = {**session, "finished_at": (now - timedelta(minutes=1)).isoformat()}
    answer = server.push("a", batch(now, sessions=[backwards]))
    assert answer.status_code == 422
    foreign = [{**answers[0], "resident_id": other}]
    answer = server.push("a", batch(now, sessions=[session], answers=foreign))
    assert answer.status_code == 422
    assert {d["id"] for d in answer.json["details"]} == {foreign[0]["id"]}
