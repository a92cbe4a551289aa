"""Helpers for the sync tests: a small community, a live HTTP server, kiosk replicas, plays."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from safezone.app_context import Database, open_database
from safezone.cards.service import issue_card
from safezone.config import Settings
from safezone.models import (
    AgeGroup,
    Answer,
    BadgeAward,
    Building,
    CheckIn,
    DailyQuestionRollup,
    DailyTopicRollup,
    Household,
    PlayMode,
    PlaySession,
    Plot,
    PointsEntry,
    Resident,
    ResidentActivity,
    Site,
)
from safezone.services import play
from safezone.sync import outbox


class Clock:
    """A settable clock shared by the server app and the test."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current


@dataclass
class Community:
    """Residents and their card codes (codes only exist in tests and on printed cards)."""

    resident_ids: list[int]
    codes: dict[int, str]
    card_ids: dict[int, int]


def make_community(session: Session, now: datetime, residents: int = 4) -> Community:
    """One site, one plot, two buildings, ``residents`` residents with consent and a card each."""
    site = Site(name="锦秀城三期", household_target=1462)
    plot = Plot(site=site, number=1)
    buildings = [Building(plot=plot, number=n) for n in (5, 6)]
    session.add_all([site, plot, *buildings])
    session.flush()
    rng = random.Random(7)
    ids, codes, cards = [], {}, {}
    for i in range(residents):
        household = Household(building=buildings[i % 2], unit=1, room=f"{1201 + i}", created_at=now)
        resident = Resident(household=household, full_name=f"居民{i}", nickname=f"小{i}",
                            age_group=AgeGroup.ADULT, consent=True, created_at=now)
        session.add_all([household, resident])
        session.flush()
        issued = issue_card(session, resident, now=now, rng=rng)
        ids.append(resident.id)
        codes[resident.id] = issued.code
        cards[resident.id] = issued.card.id
    session.flush()
    return Community(ids, codes, cards)


def play_session(session: Session, *, now: datetime, resident_id: int | None,
                 kiosk_id=None, answers: int = 3, finish: bool = True, seed: int = 0,
                 topic: str = "fire") -> PlaySession:
    """Play one quiz through the core services (flushed, not committed)."""
    mode = PlayMode.RESIDENT if resident_id is not None else PlayMode.GUEST
    started = play.start_session(session, mode=mode, game_type="quiz", topic=topic, now=now,
                                 resident_id=resident_id, kiosk_id=kiosk_id)
    rng = random.Random(seed)
    correct = 0
    for n in range(answers):
        ok = rng.random() < 0.7
        correct += ok
        play.record_answer(session, started, question_id=f"fire-q{(seed + n) % 40:02d}",
                           topic=topic, correct=ok, now=now + timedelta(seconds=10 * (n + 1)),
                           chosen=["a"], response_ms=1500)
    if finish:
        play.finish_session(session, started, score=correct, max_score=answers,
                            now=now + timedelta(seconds=10 * (answers + 1)))
    return started


def totals(session: Session) -> dict[str, object]:
    """Everything the tests compare between runs: counts, sums and the rollup tables."""
    count = lambda model: session.scalar(select(func.count()).select_from(model))
    return {
        "sessions": count(PlaySession),
        "finished": session.scalar(select(func.count()).where(PlaySession.finished_at.is_not(None))),
        "answers": count(Answer),
        "points_entries": session.scalar(select(func.count()).select_from(PointsEntry)
                                         .where(PointsEntry.source_id.is_distinct_from(outbox.BASELINE_SOURCE))),
        "points": session.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0))
                                 .where(PointsEntry.source_id.is_distinct_from(outbox.BASELINE_SOURCE))),
        "badges": count(BadgeAward),
        "checkins": count(CheckIn),
        "topic_rollup": sorted(session.execute(select(
            DailyTopicRollup.day, DailyTopicRollup.building_id, DailyTopicRollup.topic,
            DailyTopicRollup.age_group, DailyTopicRollup.sessions, DailyTopicRollup.answers,
            DailyTopicRollup.correct)).all()),
        "question_rollup": sorted(session.execute(select(
            DailyQuestionRollup.day, DailyQuestionRollup.question_id,
            DailyQuestionRollup.building_id, DailyQuestionRollup.answers,
            DailyQuestionRollup.correct)).all()),
        "activity": sorted(session.execute(select(
            ResidentActivity.resident_id, ResidentActivity.sessions, ResidentActivity.answers,
            ResidentActivity.correct)).all()),
    }


def make_api_app(settings: Settings, now_fn) -> Flask:
    """The real admin app with the sync API registered (if the factory does not yet)."""
    from admin.api import register
    from admin.app import create_app

    app = create_app(settings, {"TESTING": True, "SECRET_KEY": "test", "CLOCK": now_fn})
    if "api" not in app.blueprints:
        register(app)
    return app


class LiveServer:
    """The app on 127.0.0.1 in a thread; ``stop()``/``start()`` keep the same port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = 0
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again) and serve in a daemon thread."""
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket (connections are then refused)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(5)
            self._server = None


@contextmanager
def live_server(app: Flask) -> Iterator[LiveServer]:
    """A started :class:`LiveServer`, stopped afterwards."""
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def open_replica(folder: Path) -> Database:
    """A migrated kiosk replica (SQLite) in ``folder``."""
    return open_database(Settings(data_dir=folder), migrate=True)


def write_small_content(root: Path, tip: str) -> Path:
    """A valid content folder with one fire question and the single tip ``tip`` (zh-CN)."""
    (root / "questions").mkdir(parents=True, exist_ok=True)
    (root / "questions" / "fire.yml").write_text(
        "kind: questions\ntopic: fire\nquestions:\n"
        "  - id: fire-small-1\n    type: truefalse\n    audience: all\n    difficulty: 1\n"
        "    prompt: {zh: 楼道里可以给电动车充电。, en: You may charge an e-bike in the stairwell.}\n"
        "    answer: false\n"
        "    explanation: {zh: 楼道充电易引发火灾。, en: Charging in stairwells starts fires.}\n"
        "    source: 测试资料\n", encoding="utf-8")
    (root / "tips.yml").write_text(
        f"kind: tips\ntips:\n  - {{id: tip-small, topic: fire, text: {{zh: {tip}, en: A tip.}}}}\n",
        encoding="utf-8")
    return root
