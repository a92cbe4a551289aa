"""Play sessions at a kiosk: start, record each answer, finish (points, badges, rollups).

Every row gets its UUID v7 key when it is created (DESIGN.md decision 2), so the kiosk can show
and sync it before the commit. ``start_session`` and ``record_answer`` add rows to the session;
``finish_session`` flushes and writes the ledger entry, badge awards and rollup updates in the
caller's transaction. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from safezone.db.base import new_uuid
from safezone.languages import LANGUAGES
from safezone.models import Answer, Kiosk, PlayMode, PlaySession, RoadshowEvent
from safezone.services import badges as badge_rules
from safezone.services import points, rollups
from safezone.services.localtime import require_aware
from safezone.topics import TOPICS


class PlayError(ValueError):
    """A play operation got bad input; the message names the field and the problem."""


@dataclass(frozen=True)
class SessionResult:
    """What the results screen shows after a game."""

    #: Points written to the ledger for this session (0 for guests).
    points_awarded: int
    #: Balance after the award; None for players without a card.
    balance: int | None
    #: Ids of badges earned by this session, in content order.
    new_badges: list[str] = field(default_factory=list)
    #: True when the daily cap cut the points (the kiosk says "today's maximum reached").
    capped: bool = False


def _text(value: object, name: str, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlayError(f"{name} must be non-empty text, got {value!r}")
    if len(value) > max_length:
        raise PlayError(f"{name} is longer than {max_length} characters: {value!r}")
    return value


def _topic(value: object) -> str:
    if value not in TOPICS:
        raise PlayError(f"topic must be one of {', '.join(TOPICS)}, got {value!r}")
    return value


def start_session(
    session: Session,
    *,
    mode: PlayMode,
    game_type: str,
    topic: str,
    now: datetime,
    resident_id: int | None = None,
    kiosk_id: UUID | None = None,
    roadshow_id: UUID | None = None,
    content_id: str | None = None,
    language: str = "zh-CN",
) -> PlaySession:
    """Create a play session (added to ``session``, id assigned) and return it.

    Resident mode needs a ``resident_id``, guest mode must not have one, kids' mode may (a child
    with a card). Anonymised or unknown residents and unknown kiosks/roadshows are refused.
    """
    require_aware(now)
    if not isinstance(mode, PlayMode):
        raise PlayError(f"mode must be a PlayMode, got {mode!r}")
    _text(game_type, "game_type", 32)
    _topic(topic)
    if content_id is not None:
        _text(content_id, "content_id", 80)
    if language not in LANGUAGES:
        raise PlayError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    if mode is PlayMode.RESIDENT and resident_id is None:
        raise PlayError("a resident session needs the card holder's resident_id")
    if mode is PlayMode.GUEST and resident_id is not None:
        raise PlayError("a guest session must not name a resident")
    if resident_id is not None:
        resident = points.require_resident(session, resident_id)
        if resident.anonymised_at is not None:
            raise PlayError(f"resident {resident_id} was anonymised and cannot play")
    if kiosk_id is not None and session.get(Kiosk, kiosk_id) is None:
        raise PlayError(f"unknown kiosk {kiosk_id}")
    if roadshow_id is not None and session.get(RoadshowEvent, roadshow_id) is None:
        raise PlayError(f"unknown roadshow {roadshow_id}")
    play = PlaySession(
        id=new_uuid(),
        kiosk_id=kiosk_id,
        resident_id=resident_id,
        mode=mode,
        game_type=game_type,
        topic=topic,
        content_id=content_id,
        roadshow_id=roadshow_id,
        language=language,
        started_at=now,
        score=0,
        max_score=0,
        points_awarded=0,
        # An empty, loaded collection: appending answers needs no query.
        answers=[],
    )
    session.add(play)
    return play


def record_answer(
    session: Session,
    play: PlaySession,
    *,
    question_id: str,
    topic: str,
    correct: bool,
    now: datetime,
    chosen: list | dict | None = None,
    response_ms: int | None = None,
) -> Answer:
    """Record one answered question of an unfinished session (added to ``session``)."""
    require_aware(now)
    if play.finished_at is not None:
        raise PlayError(f"session {play.id} is finished; answers cannot be added")
    _text(question_id, "question_id", 80)
    _topic(topic)
    if not isinstance(correct, bool):
        raise PlayError(f"correct must be True or False, got {correct!r}")
    if chosen is not None and not isinstance(chosen, (list, dict)):
        raise PlayError(f"chosen must be a list, a mapping or None, got {type(chosen).__name__}")
    if response_ms is not None and (
        isinstance(response_ms, bool) or not isinstance(response_ms, int) or response_ms < 0
    ):
        raise PlayError(
            f"response_ms must be a whole number of milliseconds >= 0, got {response_ms!r}"
        )
    answer = Answer(
        id=new_uuid(),
        session_id=play.id,
        resident_id=play.resident_id,
        question_id=question_id,
        topic=topic,
        correct=correct,
        chosen=chosen,
        response_ms=response_ms,
        answered_at=now,
    )
    play.answers.append(answer)
    session.add(answer)
    return answer


def finish_session(
    session: Session,
    play: PlaySession,
    *,
    score: int,
    max_score: int,
    now: datetime,
    badges: Iterable[badge_rules.BadgeLike] = (),
) -> SessionResult:
    """Finish a session: store the score, award play points through the ledger (card holders
    only, daily cap applied), award newly earned badges and update the rollups — all flushed in
    the caller's transaction.

    Finishing an already finished session changes nothing and returns the same points
    (the ledger entry is keyed by the session id); its badges were reported the first time.
    """
    require_aware(now)
    for name, value in (("score", score), ("max_score", max_score)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PlayError(f"{name} must be a whole number >= 0, got {value!r}")
    if score > max_score:
        raise PlayError(f"score {score} is above max_score {max_score}")
    definitions = list(badges)
    if play.resident_id is not None:
        # Validate badge definitions before anything is written.
        badge_rules.validate_definitions(definitions)

    first_finish = play.finished_at is None
    if first_finish:
        play.score = score
        play.max_score = max_score
        play.finished_at = now
    if play.resident_id is None:
        session.flush()
        if first_finish:
            rollups.apply_session(session, play)
        return SessionResult(points_awarded=0, balance=None)

    # The award's queries exclude this play's own rows, so they need not be flushed first: one
    # flush then writes the session, its answers and the ledger entry together.
    with session.no_autoflush:
        award = points.award_play(session, play, now=now, write=first_finish)
    play.points_awarded = award.awarded
    session.flush()
    new_badges: list[str] = []
    if first_finish:
        new_badges = badge_rules.evaluate(
            session, play.resident_id, definitions, now=now, play_session_id=play.id
        )
        rollups.apply_session(session, play)
    return SessionResult(
        points_awarded=award.awarded,
        balance=award.balance,
        new_badges=new_badges,
        capped=award.capped,
    )
