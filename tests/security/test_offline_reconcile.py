"""Offline play still works and reconciles: two kiosks play offline past the daily cap between
them, and a tampered kiosk adds a ledger row of its own; after syncing, each kiosk's balance is
the server's, the server applied the cap across both, and the refused row is parked (kept on
the kiosk) with the server's reason in the kiosk's status. SQLite server, live HTTP."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from sync_support import live_server, make_api_app, make_community, open_replica, play_session

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.models import PointsReason
from safezone.services import points
from safezone.services.points import DAILY_PLAY_CAP
from safezone.sync import outbox, tokens
from safezone.sync.agent import SyncAgent, configured_kiosk_id, enrol_replica


def test_offline_kiosks_converge_to_the_servers_capped_balance(
        tmp_path: Path, clock, now: datetime) -> None:
    settings = Settings(data_dir=tmp_path / "server", secret_key="test-secret")
    server_db = open_database(settings, migrate=True)
    with server_db.sessions() as s:
        community = make_community(s, now, residents=2)
        tickets = [tokens.create_kiosk(s, f"终端{n}", now=now, rng=random.Random(n))
                   for n in range(2)]
        s.commit()
    rid = community.resident_ids[0]
    clock.current = now + timedelta(hours=6)
    with live_server(make_api_app(settings, clock)) as server:
        kiosks = []
        for n, ticket in enumerate(tickets):
            db = open_replica(tmp_path / f"kiosk{n}")
            enrol_replica(db, server.url, ticket.code)
            agent = SyncAgent(db, rng=random.Random(n))
            agent.sync_once()
            kiosks.append((db, agent))
        # Offline: each kiosk lets the resident play 8 quizzes of 10 questions that day; each
        # kiosk caps at 100 on its own, 200 between them; the server allows 100 in all.
        local = []
        for n, (db, _) in enumerate(kiosks):
            with db.sessions() as s:
                for k in range(8):
                    play_session(s, now=now + timedelta(minutes=20 * k + n), resident_id=rid,
                                 kiosk_id=configured_kiosk_id(db), answers=10, seed=40 * n + k)
                s.commit()
                local.append(points.balance(s, rid))
        assert local[0] > 50 and local[1] > 50 and sum(local) > DAILY_PLAY_CAP
        # Kiosk 0 was tampered with: a ledger row of 5,000 naming nothing.
        db0 = kiosks[0][0]
        with db0.sessions() as s:
            points.add_entry(s, rid, 5000, PointsReason.PLAY, now=now,
                             kiosk_id=configured_kiosk_id(db0))
            s.commit()

        for _, agent in kiosks:
            agent.sync_once()
        for _, agent in kiosks:  # the second round pulls what the other kiosk pushed
            agent.sync_once()

        with server_db.sessions() as s:
            on_server = points.balance(s, rid)
        assert on_server <= DAILY_PLAY_CAP
        for db, agent in kiosks:
            with db.sessions() as s:
                assert points.balance(s, rid) == on_server
        with db0.sessions() as s:
            parked = outbox.parked_units(s)
            assert outbox.parked_count(s) == 1  # kept on the kiosk, not deleted
        assert [p.unit.split(":")[0] for p in parked] == ["points"]
        assert parked[0].status == 422 and "play session" in parked[0].describe()
        # The kiosk's status line (what staff see) gives the server's reason.
        kiosks[0][1].run_round()
        status = kiosks[0][1].status()
        assert status.parked == 1 and "play session" in (status.refusal or "")
    server_db.dispose()
