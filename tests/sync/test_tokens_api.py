"""Enrolment, tokens and the API's refusals (SQLite server; the protocol is engine-neutral)."""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sync_support import make_api_app, make_community

from safezone.app_context import Database
from safezone.config import Settings
from safezone.models import AuditEntry, Kiosk, PlaySession
from safezone.sync import tokens
from safezone.sync.schemas import MAX_PUSH_BYTES


@pytest.fixture
def app(settings: Settings, database: Database, clock) -> Flask:
    application = make_api_app(settings, clock)
    yield application
    application.extensions["safezone"].database.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def enrolled(database: Database, client: FlaskClient, now: datetime) -> dict:
    """A kiosk enrolled through the API: its id and token, and a community."""
    with database.sessions() as s:
        community = make_community(s, now)
        ticket = tokens.create_kiosk(s, "1号地块5栋架空层", now=now, rng=random.Random(1))
        s.commit()
    response = client.post("/api/v1/enrol", json={"code": ticket.grouped_code.lower()})
    assert response.status_code == 200, response.json
    return {"kiosk_id": response.json["kiosk_id"], "token": response.json["token"],
            "community": community}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _batch(now: datetime, **lists) -> dict:
    return {"batch_id": str(uuid.uuid4()), "sent_at": now.isoformat(), **lists}


def _session(now: datetime, **fields) -> dict:
    return {"id": str(uuid.uuid4()), "mode": "guest", "game_type": "quiz", "topic": "fire",
            "started_at": now.isoformat(), "finished_at": (now + timedelta(minutes=2)).isoformat(),
            "score": 1, "max_score": 2, **fields}


def test_enrolment_code_is_shown_once_and_stored_hashed(database: Database, now: datetime) -> None:
    with database.sessions() as s:
        ticket = tokens.create_kiosk(s, "测试终端", now=now, rng=random.Random(3))
        s.commit()
        kiosk = s.get(Kiosk, ticket.kiosk.id)
        assert len(ticket.code) == tokens.CODE_LENGTH
        assert set(ticket.code) <= set(tokens.CODE_ALPHABET)
        assert kiosk.enrolment_code_hash == tokens.hash_secret(ticket.code)
        assert ticket.code not in repr(s.scalars(select(AuditEntry.details)).all())
        assert kiosk.token_hash is None


def test_enrol_gives_a_token_once_and_the_code_is_consumed(enrolled: dict, client: FlaskClient,
                                                         database: Database) -> None:
    token = enrolled["token"]
    assert token.startswith(tokens.TOKEN_PREFIX)
    with database.sessions() as s:
        kiosk = s.get(Kiosk, uuid.UUID(enrolled["kiosk_id"]))
        assert kiosk.token_hash == tokens.hash_secret(token)
        assert kiosk.enrolment_code_hash is None
    who = client.get("/api/v1/kiosk", headers=_auth(token))
    assert who.status_code == 200
    assert who.json["name"] == "1号地块5栋架空层"


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC", "", "x" * 65])
def test_bad_enrolment_codes_are_refused(client: FlaskClient, enrolled: dict, code: str) -> None:
    response = client.post("/api/v1/enrol", json={"code": code})
    assert response.status_code in (403, 422)
    assert response.json["error"] in ("invalid_enrolment_code", "invalid_payload")
    assert response.json["message"]


def test_requests_without_a_valid_token_are_refused(client: FlaskClient, enrolled: dict) -> None:
    for headers, error in (({}, "missing_token"), (_auth("szk_nope"), "invalid_token"),
                           ({"Authorization": "Basic abc"}, "missing_token")):
        for path in ("/api/v1/kiosk", "/api/v1/roster", "/api/v1/roadshows", "/api/v1/content"):
            response = client.get(path, headers=headers)
            assert response.status_code == 401, path
            assert response.json["error"] == error
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        response = client.post("/api/v1/push", json={}, headers=headers)
        assert response.status_code == 401


def test_revoked_kiosk_is_refused_with_a_clear_message(client: FlaskClient, enrolled: dict,
                                                       database: Database, now: datetime) -> None:
    with database.sessions() as s:
        tokens.revoke_kiosk(s, uuid.UUID(enrolled["kiosk_id"]), now=now, actor_label="admin")
        s.commit()
    response = client.get("/api/v1/roster", headers=_auth(enrolled["token"]))
    assert response.status_code == 403
    assert response.json["error"] == "kiosk_revoked"
    assert "停用" in response.json["message"] and "revoked" in response.json["message"]
    # Re-enrolment with a new code works and the old token stays dead.
    with database.sessions() as s:
        kiosk = s.get(Kiosk, uuid.UUID(enrolled["kiosk_id"]))
        ticket = tokens.new_enrolment_code(s, kiosk, now=now, rng=random.Random(9))
        s.commit()
    again = client.post("/api/v1/enrol", json={"code": ticket.code})
    assert again.status_code == 200
    assert client.get("/api/v1/kiosk", headers=_auth(enrolled["token"])).status_code == 401
    assert client.get("/api/v1/kiosk", headers=_auth(again.json["token"])).status_code == 200


def test_openapi_document_is_public(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json
    assert doc["openapi"].startswith("3.1")
    assert {"/api/v1/push", "/api/v1/roster", "/api/v1/content", "/api/v1/enrol"} <= set(doc["paths"])
    assert "PushBatch" in doc["components"]["schemas"]


def test_push_needs_json(client: FlaskClient, enrolled: dict) -> None:
    response = client.post("/api/v1/push", data="a=1", headers=_auth(enrolled["token"]),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = client.post("/api/v1/push", data="{not json", headers=_auth(enrolled["token"]),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_json"


def test_huge_payload_is_refused_before_reading(client: FlaskClient, enrolled: dict,
                                                database: Database) -> None:
    body = json.dumps({"batch_id": str(uuid.uuid4()), "sent_at": "2026-11-28T09:00:00Z",
                       "sessions": [], "pad": "x" * (MAX_PUSH_BYTES + 10)})
    response = client.post("/api/v1/push", data=body, headers=_auth(enrolled["token"]),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"] == "payload_too_large"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": "1"}, "sessions.0.score"),
        ({"mode": "robot"}, "sessions.0.mode"),
        ({"started_at": "2026-11-28T09:00:00"}, "sessions.0.started_at"),  # no time zone
        ({"started_at": "1970-01-01T00:00:00Z"}, "sessions.0.started_at"),  # dead clock
        ({"topic": "space"}, "sessions.0.topic"),
        ({"extra": 1}, "sessions.0.extra"),
    ],
)
def test_wrong_types_get_422_naming_the_field(client: FlaskClient, enrolled: dict, now: datetime,
                                              database: Database, change: dict, field: str) -> None:
    body = _batch(now, sessions=[_session(now, **change)])
    response = client.post("/api/v1/push", json=body, headers=_auth(enrolled["token"]))
    assert response.status_code == 422
    assert response.json["error"] == "invalid_payload"
    assert any(d["loc"] == field for d in response.json["details"]), response.json
    with database.sessions() as s:
        assert s.scalars(select(PlaySession)).all() == []


def test_records_of_another_kiosk_are_refused_and_nothing_is_written(
    client: FlaskClient, enrolled: dict, database: Database, now: datetime
) -> None:
    with database.sessions() as s:
        other = tokens.create_kiosk(s, "另一台", now=now, rng=random.Random(2))
        s.commit()
    other_token = client.post("/api/v1/enrol", json={"code": other.code}).json["token"]
    mine = _session(now)
    assert client.post("/api/v1/push", json=_batch(now, sessions=[mine]),
                       headers=_auth(enrolled["token"])).status_code == 200
    # Same id pushed by the other kiosk: 409; a kiosk_id naming the first kiosk: 403.
    fresh = _session(now)
    clash = client.post("/api/v1/push", json=_batch(now, sessions=[fresh, mine]),
                        headers=_auth(other_token))
    assert clash.status_code == 409
    assert clash.json["error"] == "id_conflict"
    assert [(d["kind"], d["id"]) for d in clash.json["details"]] == [("sessions", mine["id"])]
    assert clash.json["details"][0]["reason"]
    named = client.post("/api/v1/push", headers=_auth(other_token), json=_batch(
        now, sessions=[_session(now, kiosk_id=enrolled["kiosk_id"])]))
    assert named.status_code == 403
    assert named.json["error"] == "foreign_kiosk"
    answer = {"id": str(uuid.uuid4()), "session_id": mine["id"], "question_id": "q1",
              "topic": "fire", "correct": True, "answered_at": now.isoformat()}
    assert client.post("/api/v1/push", json=_batch(now, answers=[answer]),
                       headers=_auth(other_token)).status_code == 409
    with database.sessions() as s:
        assert len(s.scalars(select(PlaySession)).all()) == 1


def test_unknown_residents_and_sessions_are_422(client: FlaskClient, enrolled: dict,
                                               now: datetime) -> None:
    body = _batch(now, sessions=[_session(now, mode="resident", resident_id=99999)])
    response = client.post("/api/v1/push", json=body, headers=_auth(enrolled["token"]))
    assert response.status_code == 422
    assert response.json["error"] == "unknown_resident"
    answer = {"id": str(uuid.uuid4()), "session_id": str(uuid.uuid4()), "question_id": "q1",
              "topic": "fire", "correct": True, "answered_at": now.isoformat()}
    response = client.post("/api/v1/push", json=_batch(now, answers=[answer]),
                           headers=_auth(enrolled["token"]))
    assert response.status_code == 422
    assert response.json["error"] == "unknown_session"
    dupe = _session(now)
    response = client.post("/api/v1/push", json=_batch(now, sessions=[dupe, dupe]),
                           headers=_auth(enrolled["token"]))
    assert response.status_code == 422
    assert response.json["error"] == "duplicate_id"


def test_roster_has_hashes_and_no_personal_details(client: FlaskClient, enrolled: dict) -> None:
    response = client.get("/api/v1/roster", headers=_auth(enrolled["token"]))
    assert response.status_code == 200
    roster = response.json
    community = enrolled["community"]
    assert [r["id"] for r in roster["residents"]] == community.resident_ids
    text = json.dumps(roster, ensure_ascii=False)
    for code in community.codes.values():
        assert code not in text
    assert "居民0" not in text and "1201" not in text  # full names and flats stay on the server
    again = client.get("/api/v1/roster", headers={**_auth(enrolled["token"]),
                                                   "If-None-Match": f'"{roster["version"]}"'})
    assert again.status_code == 304


def test_content_pack_is_versioned(client: FlaskClient, enrolled: dict) -> None:
    response = client.get("/api/v1/content", headers=_auth(enrolled["token"]))
    assert response.status_code == 200
    pack = response.json
    assert pack["files"] and all(f["path"].endswith((".yml", ".yaml")) for f in pack["files"])
    again = client.get("/api/v1/content", headers={**_auth(enrolled["token"]),
                                                    "If-None-Match": f'"{pack["version"]}"'})
    assert again.status_code == 304


def test_enrolment_attempts_are_rate_limited_with_a_json_refusal(client: FlaskClient) -> None:
    codes = [client.post("/api/v1/enrol", json={"code": f"WRONGCODE{n:03d}"}).status_code
             for n in range(11)]
    assert codes[:10] == [403] * 10 and codes[10] == 429
    refused = client.post("/api/v1/enrol", json={"code": "WRONGCODE999"})
    assert refused.status_code == 429 and refused.is_json
    assert refused.get_json()["error"] == "rate_limited"
    # Unknown API routes answer in JSON too (a kiosk never gets an HTML page).
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
