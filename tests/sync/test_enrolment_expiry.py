"""Enrolment codes expire ENROLMENT_CODE_LIFETIME after they were issued (SQLite and PostgreSQL),
with a clear 403 from the API; migration 0006 gives codes issued before it a fresh lifetime."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import String, Uuid, column, select, table
from sync_support import make_api_app

from safezone.app_context import Database
from safezone.config import Settings
from safezone.db.base import UTCDateTime
from safezone.db.migrate import alembic_config, upgrade
from safezone.models import AuditEntry, Kiosk
from safezone.sync import tokens

LIFETIME = tokens.ENROLMENT_CODE_LIFETIME


def _new_kiosk(database: Database, now: datetime, name: str = "1号地块5栋架空层"
               ) -> tokens.EnrolmentTicket:
    with database.sessions() as s:
        ticket = tokens.create_kiosk(s, name, now=now, rng=random.Random(4))
        s.commit()
        return ticket


def test_lifetime_is_48_hours() -> None:
    assert timedelta(hours=48) == LIFETIME


def test_code_works_until_it_expires(any_database: Database, now: datetime) -> None:
    ticket = _new_kiosk(any_database, now)
    assert ticket.expires_at == now + LIFETIME
    with any_database.sessions() as s:
        kiosk = s.get(Kiosk, ticket.kiosk.id)
        assert kiosk.enrolment_code_issued_at == now
        assert tokens.code_is_usable(kiosk, now=now + LIFETIME - timedelta(seconds=1))
        assert not tokens.code_is_usable(kiosk, now=now + LIFETIME)
        enrolment = tokens.enrol(s, ticket.grouped_code, now=now + LIFETIME - timedelta(seconds=1))
        s.commit()
        assert enrolment.kiosk.enrolment_code_issued_at is None
        assert tokens.code_expires_at(enrolment.kiosk) is None


def test_expired_code_is_refused_and_not_consumed(any_database: Database, now: datetime) -> None:
    ticket = _new_kiosk(any_database, now)
    with any_database.sessions() as s:
        with pytest.raises(tokens.KioskAuthError) as refused:
            tokens.enrol(s, ticket.code, now=now + LIFETIME)
        s.rollback()
        assert refused.value.status == 403
        assert refused.value.error == "expired_enrolment_code"
        assert "已过期" in refused.value.message and "has expired" in refused.value.message
        assert "48" in refused.value.message
        kiosk = s.get(Kiosk, ticket.kiosk.id)
        assert kiosk.token_hash is None
        assert kiosk.enrolment_code_hash == tokens.hash_secret(ticket.code)
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action == "kiosk.enrol")).all() == []
        # An unknown code still gets the "unknown or used" answer, not "expired".
        with pytest.raises(tokens.KioskAuthError) as unknown:
            tokens.enrol(s, "AAAA-BBBB-CCCC", now=now)
        assert unknown.value.error == "invalid_enrolment_code"


def test_a_new_code_starts_a_new_lifetime(any_database: Database, now: datetime) -> None:
    ticket = _new_kiosk(any_database, now)
    later = now + LIFETIME + timedelta(days=3)
    with any_database.sessions() as s:
        kiosk = s.get(Kiosk, ticket.kiosk.id)
        fresh = tokens.new_enrolment_code(s, kiosk, now=later, rng=random.Random(8))
        s.commit()
        assert fresh.expires_at == later + LIFETIME
        with pytest.raises(tokens.KioskAuthError):
            tokens.enrol(s, ticket.code, now=later)  # the old code is gone, not just expired
        s.rollback()
        assert tokens.enrol(s, fresh.code, now=later + timedelta(hours=47)).kiosk.id == kiosk.id
        s.commit()


def test_revoking_cancels_the_pending_code(any_database: Database, now: datetime) -> None:
    ticket = _new_kiosk(any_database, now)
    with any_database.sessions() as s:
        kiosk = tokens.revoke_kiosk(s, ticket.kiosk.id, now=now)
        s.commit()
        assert kiosk.enrolment_code_hash is None and kiosk.enrolment_code_issued_at is None
        with pytest.raises(tokens.KioskAuthError) as refused:
            tokens.enrol(s, ticket.code, now=now)
        assert refused.value.error == "invalid_enrolment_code"


def test_names_of_kiosks_in_use_are_unique(database: Database, now: datetime) -> None:
    first = _new_kiosk(database, now)
    with database.sessions() as s:
        with pytest.raises(tokens.KioskError, match="已有名为"):
            tokens.create_kiosk(s, " 1号地块5栋架空层 ", now=now)
        s.rollback()
        tokens.revoke_kiosk(s, first.kiosk.id, now=now)
        replacement = tokens.create_kiosk(s, "1号地块5栋架空层", now=now)  # the old one is revoked
        s.commit()
        assert replacement.kiosk.id != first.kiosk.id


def test_api_answers_an_expired_code_with_403(settings: Settings, database: Database, clock,
                                               now: datetime) -> None:
    ticket = _new_kiosk(database, now)
    app = make_api_app(settings, clock)
    try:
        client = app.test_client()
        clock.current = now + LIFETIME + timedelta(minutes=1)
        response = client.post("/api/v1/enrol", json={"code": ticket.grouped_code})
        assert response.status_code == 403
        assert response.json["error"] == "expired_enrolment_code"
        assert "ask staff for a new one" in response.json["message"]
    finally:
        app.extensions["safezone"].database.dispose()


def test_migration_0006_dates_pending_codes_from_the_upgrade(any_database: Database,
                                                             now: datetime) -> None:
    cfg = alembic_config()
    with any_database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    # The table as 0005 left it (the model already has the new column).
    old_kiosk = table("kiosk", column("id", Uuid), column("name", String),
                      column("enrolment_code_hash", String), column("token_hash", String),
                      column("created_at", UTCDateTime))
    with any_database.engine.begin() as conn:
        conn.execute(old_kiosk.insert(), [
            {"id": uuid.UUID(int=1), "name": "旧终端1", "enrolment_code_hash": "a" * 64,
             "token_hash": None, "created_at": now - timedelta(days=300)},
            {"id": uuid.UUID(int=2), "name": "旧终端2", "enrolment_code_hash": None,
             "token_hash": "b" * 64, "created_at": now - timedelta(days=300)},
        ])
    upgrade(any_database.engine)
    with any_database.sessions() as s:
        pending, enrolled = s.scalars(select(Kiosk).order_by(Kiosk.name)).all()
        assert enrolled.enrolment_code_issued_at is None
        issued = pending.enrolment_code_issued_at
        assert issued is not None
        assert abs(datetime.now(issued.tzinfo) - issued) < timedelta(minutes=5)
        assert tokens.code_is_usable(pending, now=issued + timedelta(hours=1))
