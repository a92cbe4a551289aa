"""Scripted kiosk writer for the kill -9 tests: plays sessions through the core services on a
replica and prints ``ACK <kind> <id>`` after each commit (what the screen would acknowledge).

Usage: python kill_player.py REPLICA_DATA_DIR SEED STOP_AFTER_FINISHED
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.models import PlayMode, PlaySession, Resident
from safezone.services import play
from safezone.sync.agent import configured_kiosk_id


def main() -> None:
    """Play until STOP_AFTER_FINISHED sessions are finished in the replica (or until killed)."""
    data_dir, seed, stop_after = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    db = open_database(Settings(data_dir=data_dir))
    kiosk_id = configured_kiosk_id(db)
    rng = random.Random(seed)
    with db.sessions() as s:
        residents = list(s.scalars(select(Resident.id).order_by(Resident.id)))
    clock = datetime(2026, 11, 28, 1, 0, tzinfo=UTC) + timedelta(hours=seed % 12)
    print("READY", flush=True)
    while True:
        with db.sessions() as s:
            finished = s.scalar(select(func.count()).where(PlaySession.finished_at.is_not(None)))
        if finished >= stop_after:
            print("DONE", flush=True)
            return
        resident = rng.choice(residents + [None])
        clock += timedelta(seconds=rng.randint(30, 300))
        with db.sessions() as s:
            row = play.start_session(
                s, mode=PlayMode.RESIDENT if resident else PlayMode.GUEST, game_type="quiz",
                topic=rng.choice(["fire", "home", "traffic", "cyber"]), now=clock,
                resident_id=resident, kiosk_id=kiosk_id)
            s.commit()
            session_id = row.id
        print("ACK session", session_id, flush=True)
        correct = 0
        for n in range(rng.randint(2, 5)):
            clock += timedelta(seconds=8)
            ok = rng.random() < 0.7
            correct += ok
            with db.sessions() as s:
                row = s.get(PlaySession, session_id)
                answer = play.record_answer(s, row, question_id=f"q{rng.randint(0, 60):02d}",
                                            topic=row.topic, correct=ok, now=clock,
                                            chosen=[n], response_ms=rng.randint(500, 9000))
                s.commit()
                print("ACK answer", answer.id, flush=True)
        with db.sessions() as s:
            row = s.get(PlaySession, session_id)
            play.finish_session(s, row, score=correct, max_score=5, now=clock)
            s.commit()
        print("ACK finish", session_id, flush=True)


if __name__ == "__main__":
    main()
