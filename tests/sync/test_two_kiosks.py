"""The district proof: one PostgreSQL server behind a real HTTP server, two SQLite kiosk replicas.

Plays happen on both kiosks while the server is down; when it is back both sync and the server's
totals match the kiosks' exactly, rollups equal a full rebuild (each session counted once), every
batch uploaded five more times changes nothing, a revoked card stops working on every kiosk after
its next sync, and a revoked kiosk is refused with a clear error and keeps its data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import func, select
from sync_support import (
    live_server,
    make_api_app,
    make_community,
    open_replica,
    play_session,
    totals,
)

from safezone.app_context import open_database
from safezone.cards.service import identify, revoke_card
from safezone.config import Settings
from safezone.models import Card, PlaySession
from safezone.services import points, rollups
from safezone.sync import outbox, tokens
from safezone.sync.agent import SyncAgent, configured_kiosk_id, enrol_replica
from safezone.sync.client import Refused, SyncClient

pytestmark = pytest.mark.postgres


def _rebuilt_equals_incremental(session) -> bool:
    before = totals(session)
    rollups.rebuild(session)
    after = totals(session)
    session.rollback()
    return before == after


class RecordingClient(SyncClient):
    """A client that keeps every batch it pushed (to upload them again)."""

    sent: ClassVar[list] = []

    def push(self, batch):  # type: ignore[override]
        result = super().push(batch)
        RecordingClient.sent.append(batch)
        return result


def test_two_kiosks_offline_then_sync(pg_settings: Settings, tmp_path: Path, clock, now: datetime) -> None:
    server_db = open_database(pg_settings, migrate=True)
    with server_db.sessions() as s:
        community = make_community(s, now, residents=4)
        tickets = [tokens.create_kiosk(s, name, now=now, rng=random.Random(i))
                   for i, name in enumerate(("1号地块5栋架空层", "2号地块活动室"))]
        s.commit()
    app = make_api_app(pg_settings, clock)
    RecordingClient.sent = []
    with live_server(app) as server:
        kiosks = []
        for name, ticket in zip("ab", tickets):
            db = open_replica(tmp_path / name)
            enrol_replica(db, server.url, ticket.code)
            agent = SyncAgent(db, packs_dir=tmp_path / name / "packs", rng=random.Random(1),
                              client_factory=lambda url, token: RecordingClient(url, token))
            report = agent.sync_once()
            assert report.roster_changed and report.content_version
            kiosks.append((db, agent))
        (db_a, agent_a), (db_b, agent_b) = kiosks
        r1, r2, r3, _ = community.resident_ids

        # The server goes down; both kiosks keep playing.
        server.stop()
        later = now + timedelta(hours=1)
        unfinished = None
        for db, plan in ((db_a, [r1, r1, None, r3]), (db_b, [r1, r2, r2, None])):
            kiosk_id = configured_kiosk_id(db)
            for n, resident in enumerate(plan):
                with db.sessions() as s:
                    play_session(s, now=later + timedelta(minutes=5 * n), resident_id=resident,
                                 kiosk_id=kiosk_id, answers=4, seed=n)
                    s.commit()
        with db_a.sessions() as s:
            unfinished = play_session(s, now=later + timedelta(minutes=50), resident_id=r2,
                                      kiosk_id=configured_kiosk_id(db_a), answers=2,
                                      finish=False, seed=9).id
            s.commit()
        for _, agent in kiosks:
            agent.run_round()
            status = agent.status()
            assert status.state == "offline" and status.offline
            assert status.message() == "离线，数据已保存"
            assert status.pending > 0

        # The server is back: both sync, totals match exactly.
        server.start()
        for _, agent in kiosks:
            agent.run_round()
            assert agent.status().state == "online", agent.status()
            assert agent.status().pending == 0
        local = [totals(s) for s in (db_a.sessions(), db_b.sessions())]
        with server_db.sessions() as s:
            remote = totals(s)
            for key in ("sessions", "finished", "answers", "points_entries", "points", "badges"):
                assert remote[key] == local[0][key] + local[1][key], key
            assert remote["sessions"] == 9 and remote["finished"] == 8
            assert _rebuilt_equals_incremental(s)
            server_balance = points.balance(s, r1)
        # After its next pull each kiosk shows the server balance (both kiosks' points).
        agent_a.sync_once()
        for db in (db_a, db_b):
            with db.sessions() as s:
                assert points.balance(s, r1) == server_balance

        # The unfinished session is finished later: counted once when it arrives finished.
        with db_a.sessions() as s:
            row = s.get(PlaySession, unfinished)
            from safezone.services.play import finish_session
            finish_session(s, row, score=1, max_score=2, now=later + timedelta(minutes=55))
            s.commit()
        agent_a.sync_once()
        with server_db.sessions() as s:
            assert s.scalar(select(func.count()).where(PlaySession.finished_at.is_not(None))) == 9
            assert _rebuilt_equals_incremental(s)
            settled = totals(s)

        # Every batch uploaded five more times changes nothing.
        assert RecordingClient.sent
        for db in (db_a, db_b):
            with db.sessions() as s:
                url, token = outbox.get_state(s, "server_url"), outbox.get_state(s, "token")
            client = SyncClient(url, token)
            kiosk_batches = [b for b in RecordingClient.sent
                             if any(x.kiosk_id == configured_kiosk_id(db) for x in b.sessions)]
            for batch in kiosk_batches:
                for _ in range(5):
                    result = client.push(batch)
                    assert result.sessions.new == 0 and result.answers.new == 0
                    assert result.sessions_counted == 0
        with server_db.sessions() as s:
            assert totals(s) == settled

        # A revoked card stops working on every kiosk after its next sync.
        with server_db.sessions() as s:
            revoke_card(s, s.get(Card, community.card_ids[r3]), reason="lost", now=later)
            s.commit()
        for db, agent in kiosks:
            with db.sessions() as s:
                assert identify(s, community.codes[r3]).ok
            agent.sync_once()
            with db.sessions() as s:
                check = identify(s, community.codes[r3])
                assert not check.ok and check.reason == "revoked"
                assert identify(s, community.codes[r1]).ok

        # A revoked kiosk is refused with a clear error and keeps its data.
        with server_db.sessions() as s:
            tokens.revoke_kiosk(s, configured_kiosk_id(db_b), now=later, actor_label="admin")
            s.commit()
        with db_b.sessions() as s:
            play_session(s, now=later + timedelta(hours=1), resident_id=r2,
                         kiosk_id=configured_kiosk_id(db_b), seed=3)
            s.commit()
        with pytest.raises(Refused) as refused:
            agent_b.sync_once()
        assert refused.value.status == 403 and refused.value.revoked
        assert "revoked" in refused.value.message
        agent_b.run_round()
        assert agent_b.status().state == "revoked"
        assert agent_b.status().message() == "终端已停用，数据已保存"
        with db_b.sessions() as s:
            assert s.scalar(select(func.count()).select_from(PlaySession)) == 5
            assert outbox.pending_count(s) > 0
        db_a.dispose()
        db_b.dispose()
    app.extensions["safezone"].database.dispose()
    server_db.dispose()
