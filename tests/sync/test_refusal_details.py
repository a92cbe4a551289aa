"""Every record-level refusal of a push (403 ``foreign_kiosk``, 409, 422) names each refused
record the same way — ``kind`` (its batch list), ``id`` and ``reason`` — keeps the fields older
kiosks read (``loc``, ``resident_id``, ``roadshow_id``), and says ``truncated`` when it could not
list them all. SQLite server, Flask test client."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sync_support import make_api_app, make_community

from safezone.app_context import Database
from safezone.config import Settings
from safezone.models import Answer, PlaySession
from safezone.sync import tokens
from safezone.sync.schemas import MAX_ERROR_DETAILS, ApiError


@pytest.fixture
def client(settings: Settings, database: Database, clock) -> Iterator[FlaskClient]:
    app: Flask = make_api_app(settings, clock)
    yield app.test_client()
    app.extensions["safezone"].database.dispose()


@pytest.fixture
def kiosks(database: Database, client: FlaskClient, now: datetime) -> dict:
    """Two enrolled kiosks ("a" and "b", their auth headers) and two residents the server has."""
    with database.sessions() as s:
        community = make_community(s, now, residents=2)
        tickets = {name: tokens.create_kiosk(s, f"终端{name}", now=now, rng=random.Random(seed))
                   for seed, name in enumerate("ab", start=1)}
        s.commit()
    headers = {}
    for name, ticket in tickets.items():
        token = client.post("/api/v1/enrol", json={"code": ticket.code}).json["token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
    return {**headers, "residents": community.resident_ids,
            "a_id": str(tickets["a"].kiosk.id)}


def _batch(now: datetime, **lists: list[dict]) -> dict:
    return {"batch_id": str(uuid.uuid4()), "sent_at": now.isoformat(), **lists}


def _session(now: datetime, **fields: object) -> dict:
    return {"id": str(uuid.uuid4()), "mode": "guest", "game_type": "quiz", "topic": "fire",
            "started_at": now.isoformat(), "finished_at": (now + timedelta(minutes=2)).isoformat(),
            "score": 1, "max_score": 2, **fields}


def _answer(now: datetime, session: dict, **fields: object) -> dict:
    return {"id": str(uuid.uuid4()), "session_id": session["id"],
            "resident_id": session.get("resident_id"), "question_id": "fire-q01",
            "topic": "fire", "correct": True, "answered_at": now.isoformat(), **fields}


def _points(now: datetime, resident_id: int, **fields: object) -> dict:
    return {"id": str(uuid.uuid4()), "resident_id": resident_id, "amount": 5, "reason": "play",
            "created_at": now.isoformat(), **fields}


def _refusal(client: FlaskClient, body: dict, headers: dict, status: int, error: str) -> dict:
    """Push ``body``, expect the refusal, check it against the documented shape, return it."""
    response = client.post("/api/v1/push", json=body, headers=headers)
    assert response.status_code == status, response.json
    assert response.json["error"] == error and response.json["message"]
    ApiError.model_validate(response.json)
    return response.json


def _named(refusal: dict) -> set[tuple[str, str]]:
    """(kind, id) of every detail, after checking each names its record and says why."""
    for detail in refusal["details"]:
        assert detail["kind"] and detail["id"] and detail["reason"], detail
    return {(d["kind"], d["id"]) for d in refusal["details"]}


def test_three_invalid_answers_among_good_ones_are_named_by_id(
        client: FlaskClient, kiosks: dict, now: datetime, database: Database) -> None:
    play = _session(now)
    answers = [_answer(now, play) for _ in range(8)]
    bad = [1, 4, 6]
    answers[1]["chosen"] = "a"  # neither a list nor an object
    answers[4]["topic"] = "space"
    answers[6]["answered_at"] = "1970-01-01T08:00:00Z"  # dead clock
    refusal = _refusal(client, _batch(now, sessions=[play], answers=answers), kiosks["a"],
                       422, "invalid_payload")
    assert _named(refusal) == {("answers", answers[i]["id"]) for i in bad}
    # Older kiosks still find them by position; people read the field and the problem.
    assert {".".join(d["loc"].split(".")[:2]) for d in refusal["details"]} == {
        f"answers.{i}" for i in bad}
    by_id = {d["id"]: d for d in refusal["details"]}
    assert by_id[answers[4]["id"]]["reason"].startswith("topic: ")
    assert "check the kiosk clock" in by_id[answers[6]["id"]]["reason"]
    assert "truncated" not in refusal
    with database.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0


@pytest.mark.parametrize("bad_id", [None, "not-a-uuid", 42])
def test_a_schema_error_without_a_usable_id_keeps_its_position(
        client: FlaskClient, kiosks: dict, now: datetime, bad_id: object) -> None:
    play = _session(now, score="1")
    if bad_id is None:
        del play["id"]
    else:
        play["id"] = bad_id
    body = _batch(now, sessions=[play])
    body["sent_at"] = "2026-11-28T09:00:00"  # no time zone: an error outside any record
    refusal = _refusal(client, body, kiosks["a"], 422, "invalid_payload")
    assert {d["loc"] for d in refusal["details"]} == {"sent_at", "sessions.0.id",
                                                      "sessions.0.score"}
    for detail in refusal["details"]:
        assert "kind" not in detail and "id" not in detail and detail["reason"], detail


def test_unknown_residents_name_every_record_that_names_them(
        client: FlaskClient, kiosks: dict, now: datetime) -> None:
    known = kiosks["residents"][0]
    strangers = [_session(now, mode="resident", resident_id=r) for r in (99998, 99999)]
    good = _session(now, mode="resident", resident_id=known)
    answers = [_answer(now, s) for s in (*strangers, good, strangers[0])]
    points = [_points(now, 99999), _points(now, known)]
    refusal = _refusal(client, _batch(now, sessions=[*strangers, good], answers=answers,
                                      points_entries=points),
                       kiosks["a"], 422, "unknown_resident")
    assert _named(refusal) == {
        *(("sessions", s["id"]) for s in strangers),
        *(("answers", answers[i]["id"]) for i in (0, 1, 3)),
        ("points_entries", points[0]["id"]),
    }
    assert len(refusal["details"]) == 6  # one per record, not one per resident
    assert [d["reason"] for d in refusal["details"]] == [
        f"unknown resident {r}" for r in (99998, 99999, 99998, 99999, 99998, 99999)]
    # The resident is also given as a field once (older kiosks park every record naming it
    # from that entry, scanning their whole batch for each entry that has the field).
    assert [d.get("resident_id") for d in refusal["details"]] == [99998, 99999] + [None] * 4


def test_unknown_roadshows_name_every_record_that_names_them(
        client: FlaskClient, kiosks: dict, now: datetime) -> None:
    event = str(uuid.uuid4())
    play = _session(now, roadshow_id=event)
    checkin = {"id": str(uuid.uuid4()), "event_id": event, "resident_id": kiosks["residents"][0],
               "method": "kiosk", "checked_in_at": now.isoformat()}
    refusal = _refusal(client, _batch(now, sessions=[play, _session(now)], checkins=[checkin]),
                       kiosks["a"], 422, "unknown_roadshow")
    assert _named(refusal) == {("sessions", play["id"]), ("checkins", checkin["id"])}
    assert [d.get("roadshow_id") for d in refusal["details"]] == [event, None]


def test_id_clashes_name_each_clashing_record(
        client: FlaskClient, kiosks: dict, now: datetime, database: Database) -> None:
    resident = kiosks["residents"][0]
    theirs = _session(now, mode="resident", resident_id=resident)
    their_answers = [_answer(now, theirs) for _ in range(3)]
    their_points = _points(now, resident, source_id=theirs["id"])
    their_badge = {"id": str(uuid.uuid4()), "resident_id": resident, "badge_id": "badge-first-play",
                   "awarded_at": now.isoformat()}
    stored = client.post("/api/v1/push", headers=kiosks["a"], json=_batch(
        now, sessions=[theirs], answers=their_answers, points_entries=[their_points],
        badge_awards=[their_badge]))
    assert stored.status_code == 200, stored.json

    # Kiosk b reuses a's ids: the session, then (in a fresh session) answers, points, a badge.
    mine = _session(now, mode="resident", resident_id=resident)
    late_answer = _answer(now, theirs)  # an answer for a's session
    refusal = _refusal(client, _batch(now, sessions=[mine, theirs],
                                      answers=[_answer(now, mine), late_answer]),
                       kiosks["b"], 409, "id_conflict")
    assert _named(refusal) == {("sessions", theirs["id"])}
    refusal = _refusal(client, _batch(now, answers=[late_answer]), kiosks["b"],
                       409, "id_conflict")
    assert _named(refusal) == {("answers", late_answer["id"])}
    assert refusal["details"][0]["session_id"] == theirs["id"]

    reused = [{**a, "session_id": mine["id"]} for a in their_answers[:2]]
    refusal = _refusal(client, _batch(
        now, sessions=[mine], answers=[*reused, _answer(now, mine)],
        badge_awards=[{**their_badge, "badge_id": "badge-fire-guard"}]), kiosks["b"], 409,
        "id_conflict")
    # (Ledger rows are never stored as a kiosk sent them, so their ids cannot clash.)
    assert _named(refusal) == {*(("answers", a["id"]) for a in reused),
                               ("badge_awards", their_badge["id"])}
    with database.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PlaySession)) == 1


def test_records_naming_another_kiosk_and_duplicates_are_named(
        client: FlaskClient, kiosks: dict, now: datetime) -> None:
    resident = kiosks["residents"][0]
    foreign = [_session(now, kiosk_id=kiosks["a_id"]),
               _points(now, resident, kiosk_id=kiosks["a_id"])]
    refusal = _refusal(client, _batch(now, sessions=[foreign[0], _session(now)],
                                      points_entries=[foreign[1]]),
                       kiosks["b"], 403, "foreign_kiosk")
    assert _named(refusal) == {("sessions", foreign[0]["id"]),
                               ("points_entries", foreign[1]["id"])}
    assert {d["kiosk_id"] for d in refusal["details"]} == {kiosks["a_id"]}

    play, points = _session(now), _points(now, resident)
    refusal = _refusal(client, _batch(now, sessions=[play, _session(now), play],
                                      points_entries=[points, points]),
                       kiosks["b"], 422, "duplicate_id")
    assert _named(refusal) == {("sessions", play["id"]), ("points_entries", points["id"])}


def test_unknown_sessions_are_named(client: FlaskClient, kiosks: dict, now: datetime) -> None:
    orphan = _answer(now, {"id": str(uuid.uuid4())})
    refusal = _refusal(client, _batch(now, answers=[orphan]), kiosks["a"], 422, "unknown_session")
    assert _named(refusal) == {("answers", orphan["id"])}


@pytest.mark.parametrize("check", ["schema", "server"])
def test_a_refusal_naming_more_records_than_the_limit_says_truncated(
        client: FlaskClient, kiosks: dict, now: datetime, check: str) -> None:
    count = MAX_ERROR_DETAILS + 5
    if check == "schema":
        body = _batch(now, points_entries=[_points(now, 1, amount=0) for _ in range(count)])
        error = "invalid_payload"
    else:
        body = _batch(now, points_entries=[_points(now, 99999) for _ in range(count)])
        error = "unknown_resident"
    refusal = _refusal(client, body, kiosks["a"], 422, error)
    assert refusal["truncated"] is True
    assert _named(refusal) == {("points_entries", p["id"])
                               for p in body["points_entries"][:MAX_ERROR_DETAILS]}
