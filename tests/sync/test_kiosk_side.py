"""Kiosk side without a server: outbox triggers and batches, content pack switch, back-off."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import func, select, text
from sync_support import make_community, open_replica, play_session

from safezone.config import REPO_ROOT
from safezone.models import PlaySession, PointsEntry, PointsReason
from safezone.services import play
from safezone.sync import outbox, replica
from safezone.sync.agent import SyncAgent, SyncStatus
from safezone.sync.export import build_content_pack
from safezone.sync.models import SyncOutbox
from safezone.sync.schemas import ContentFile, ContentPack


@pytest.fixture
def kiosk_db(tmp_path: Path):
    db = open_replica(tmp_path / "kiosk")
    yield db
    db.dispose()


def _outbox(db) -> list[tuple[str, str]]:
    with db.sessions() as s:
        return [(k, str(r)) for k, r in s.execute(
            select(SyncOutbox.kind, SyncOutbox.record_id).order_by(SyncOutbox.seq))]


def test_records_written_before_the_outbox_existed_are_queued_once(kiosk_db, now: datetime) -> None:
    with kiosk_db.sessions() as s:
        community = make_community(s, now, residents=1)
        played = play_session(s, now=now, resident_id=community.resident_ids[0], answers=2)
        s.commit()
    assert outbox.prepare_replica(kiosk_db.engine) is True
    assert outbox.prepare_replica(kiosk_db.engine) is False  # idempotent, no second re-queue
    kinds = [k for k, _ in _outbox(kiosk_db)]
    with kiosk_db.sessions() as s:
        entries = s.scalar(select(func.count()).select_from(PointsEntry))
    assert kinds.count("session") == 1 and kinds.count("answer") == 2
    assert kinds.count("points") == entries
    assert ("session", str(played.id)) in _outbox(kiosk_db)


def test_triggers_queue_every_write_in_its_own_transaction(kiosk_db, now: datetime) -> None:
    outbox.prepare_replica(kiosk_db.engine)
    with kiosk_db.sessions() as s:
        community = make_community(s, now, residents=1)
        s.commit()
        started = play_session(s, now=now, resident_id=community.resident_ids[0], answers=3,
                               finish=False)
        s.rollback()  # never committed: never queued
    assert _outbox(kiosk_db) == []
    with kiosk_db.sessions() as s:
        started = play_session(s, now=now, resident_id=community.resident_ids[0], answers=3,
                               finish=False)
        for answer in started.answers:
            answer.correct = True
        s.commit()
        play.finish_session(s, s.get(PlaySession, started.id), score=3, max_score=3,
                            now=now + timedelta(minutes=1))
        s.commit()
        # The roster's balance entry is not the kiosk's record: never queued.
        s.add(PointsEntry(id=replica.baseline_id(community.resident_ids[0]), amount=5,
                          resident_id=community.resident_ids[0], reason=PointsReason.ADJUST,
                          source_id=outbox.BASELINE_SOURCE, created_at=now))
        s.commit()
    kinds = [k for k, _ in _outbox(kiosk_db)]
    assert kinds == ["session", "answer", "answer", "answer", "session", "points"]


def test_a_batch_carries_whole_sessions_and_later_changes_stay_queued(kiosk_db, now: datetime) -> None:
    outbox.prepare_replica(kiosk_db.engine)
    with kiosk_db.sessions() as s:
        first = play_session(s, now=now, resident_id=None, answers=4, finish=False)
        s.commit()
        second = play_session(s, now=now, resident_id=None, answers=2)
        s.commit()
    with kiosk_db.sessions() as s:
        out = outbox.collect_batch(s, sent_at=now, max_rows=2, max_sessions=1)
        s.rollback()
    assert [x.id for x in out.batch.sessions] == [str(first.id)]
    assert len(out.batch.answers) == 4  # all answers, though only 2 outbox rows were read
    with kiosk_db.sessions() as s:
        play.finish_session(s, s.get(PlaySession, first.id), score=1, max_score=4, now=now)
        s.commit()
        outbox.acknowledge(s, out)
        s.commit()
        left = {(k, str(r)) for k, r in s.execute(select(SyncOutbox.kind, SyncOutbox.record_id))}
    assert ("session", str(first.id)) in left  # the finish happened after the batch was read
    assert ("session", str(second.id)) in left
    assert not any(k == "answer" and r in {str(a.id) for a in out.batch.answers} for k, r in left)


def test_content_pack_switches_atomically_and_bad_packs_are_rejected(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    pack = build_content_pack(REPO_ROOT / "content")
    installed = replica.install_content_pack(pack, packs)
    assert (packs / "current").resolve() == installed.resolve()
    assert replica.current_pack_version(packs) == pack.version
    assert not any(p.name.startswith(".") for p in packs.iterdir() if p.name != "current")
    bad_hash = ContentPack(version="bad1", files=[ContentFile(path="a.yml", sha256="0" * 64, text="x")])
    unsafe = ContentPack(version="bad2", files=[
        ContentFile(path="../evil.yml", sha256=pack.files[0].sha256, text=pack.files[0].text)])
    broken_text = "kind: questions\nquestions: [\n"
    import hashlib
    invalid = ContentPack(version="bad3", files=[ContentFile(
        path="questions/x.yml", sha256=hashlib.sha256(broken_text.encode()).hexdigest(),
        text=broken_text)])
    for bad in (bad_hash, unsafe, invalid):
        with pytest.raises(replica.ContentPackRejected):
            replica.install_content_pack(bad, packs)
        assert replica.current_pack_version(packs) == pack.version
        assert not (packs / bad.version).exists()


def test_backoff_grows_with_jitter_and_is_capped(kiosk_db) -> None:
    agent = SyncAgent(kiosk_db, rng=random.Random(1), interval=30, base_delay=2, max_delay=300)
    assert 27 <= agent.next_delay(0) <= 33
    for failures, ceiling in ((1, 2), (2, 4), (5, 32), (20, 300)):
        delays = [agent.next_delay(failures) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jitter: kiosks do not retry in lockstep
    assert agent.status().state == "not_configured"
    assert agent.run_round() == 30 and agent.status().message("en").startswith("No server")
    assert SyncStatus(state="offline").message() == "离线，数据已保存"


def test_replica_integrity_after_prepare(kiosk_db) -> None:
    outbox.prepare_replica(kiosk_db.engine)
    with kiosk_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(select(func.count()).select_from(SyncOutbox)).scalar() == 0


def test_units_keep_a_session_whole_and_parked_units_are_skipped_but_kept(kiosk_db, now: datetime) -> None:
    outbox.prepare_replica(kiosk_db.engine)
    with kiosk_db.sessions() as s:
        community = make_community(s, now, residents=1)
        s.commit()
        first = play_session(s, now=now, resident_id=community.resident_ids[0], answers=3)
        s.commit()
        second = play_session(s, now=now, resident_id=None, answers=2, seed=1)
        s.commit()
    with kiosk_db.sessions() as s:
        out = outbox.collect_batch(s, sent_at=now)
        s.rollback()
    (points,) = out.batch.points_entries
    assert list(out.units) == [f"session:{first.id}", f"points:{points.id}", f"session:{second.id}"]
    head, tail = out.split()
    assert [x.id for x in head.batch.sessions] == [str(first.id)] and len(head.batch.answers) == 3
    assert [x.id for x in tail.batch.sessions] == [str(second.id)] and len(tail.batch.answers) == 2
    assert sorted(head.seqs + tail.seqs) == out.seqs and head.batch.batch_id != out.batch.batch_id
    # The server's ways of naming refused records, each mapped to its unit.
    assert set(out.refused_units([{"kind": "answers", "id": str(tail.batch.answers[1].id)}])) == {
        f"session:{second.id}"}
    assert set(out.refused_units([{"loc": "sessions.0.started_at", "msg": "bad"}])) == {
        f"session:{first.id}"}
    assert set(out.refused_units([{"resident_id": community.resident_ids[0]}])) == {
        f"session:{first.id}", f"points:{points.id}"}
    assert out.refused_units([{"loc": "sent_at"}, {"kind": "sessions", "id": str(uuid4())}, "x"]) == {}

    with kiosk_db.sessions() as s:
        outbox.park(s, [outbox.ParkedUnit(unit=f"session:{first.id}", records=4, status=422,
                                          error="invalid_payload", message="m", details=[],
                                          parked_at=now.isoformat())])
        s.commit()
        rest = outbox.collect_batch(s, sent_at=now)
        assert [x.id for x in rest.batch.sessions] == [str(second.id)]
        assert [p.id for p in rest.batch.points_entries] == [str(points.id)]
        assert outbox.parked_count(s) == 4 and outbox.pending_count(s) == 4 + 1 + 3
        assert outbox.unpark_all(s) == 1
        assert len(outbox.collect_batch(s, sent_at=now).batch.sessions) == 2


def test_a_batch_reads_ids_and_times_as_the_text_the_server_parses_back_exactly(
        kiosk_db, now: datetime) -> None:
    """collect_batch formats UUIDs and times in SQL; parsed by the server's schema they must be
    exactly the values stored on the kiosk."""
    outbox.prepare_replica(kiosk_db.engine)
    with kiosk_db.sessions() as s:
        community = make_community(s, now, residents=1)
        played = play_session(s, now=now.replace(microsecond=123456),
                              resident_id=community.resident_ids[0], answers=3)
        s.commit()
        stored = s.get(PlaySession, played.id)
        expected = (stored.id, stored.started_at, stored.finished_at)
        answers = {a.id: (a.session_id, a.answered_at) for a in stored.answers}
        entries = {e.id: (e.kiosk_id, e.created_at) for e in s.scalars(select(PointsEntry))}
        out = outbox.collect_batch(s, sent_at=now)
        s.rollback()
    batch = out.batch.validated()
    (session,) = batch.sessions
    assert (session.id, session.started_at, session.finished_at) == expected
    assert session.started_at.microsecond == 123456
    assert {a.id: (a.session_id, a.answered_at) for a in batch.answers} == answers
    assert {p.id: (p.kiosk_id, p.created_at) for p in batch.points_entries} == entries
