"""Badge rules: decide which content badges a resident has newly earned and record them once.

Badge definitions come from content (``safezone.content.schema.Badge``); this module only needs
their ``id`` and typed ``rule`` (type, optional topic, count), so any object with those
attributes works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.orm import Session

from safezone.db.base import new_uuid
from safezone.models import Answer, BadgeAward, CheckIn, PlaySession
from safezone.services.localtime import local_day, require_aware

RULE_TYPES = frozenset({"correct_answers", "plays", "roadshows", "streak_days"})


class BadgeRuleError(ValueError):
    """A badge definition cannot be evaluated; nothing was awarded."""


class BadgeRuleLike(Protocol):
    """What a badge rule provides (``safezone.content.schema.BadgeRule`` fits)."""

    @property
    def type(self) -> str: ...
    @property
    def topic(self) -> str | None: ...
    @property
    def count(self) -> int: ...


class BadgeLike(Protocol):
    """What a badge definition provides (``safezone.content.schema.Badge`` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def rule(self) -> BadgeRuleLike: ...


def validate_definitions(badge_defs: Iterable[BadgeLike]) -> list[BadgeLike]:
    """Check every definition before touching the database, so a bad one awards nothing;
    raises :class:`BadgeRuleError` naming the badge."""
    checked: list[BadgeLike] = []
    seen: set[str] = set()
    for badge in badge_defs:
        badge_id = getattr(badge, "id", None)
        rule = getattr(badge, "rule", None)
        if not isinstance(badge_id, str) or not badge_id or len(badge_id) > 64:
            raise BadgeRuleError(
                f"badge id must be a non-empty string of at most 64 characters, got {badge_id!r}"
            )
        if badge_id in seen:
            raise BadgeRuleError(f"badge {badge_id!r} is defined twice")
        seen.add(badge_id)
        kind = getattr(rule, "type", None)
        if kind not in RULE_TYPES:
            raise BadgeRuleError(
                f"badge {badge_id!r}: unknown rule type {kind!r} "
                f"(known: {', '.join(sorted(RULE_TYPES))})"
            )
        count = getattr(rule, "count", None)
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise BadgeRuleError(
                f"badge {badge_id!r}: rule count must be a positive whole number, got {count!r}"
            )
        topic = getattr(rule, "topic", None)
        if topic is not None and kind == "streak_days":
            raise BadgeRuleError(f"badge {badge_id!r}: a streak_days rule has no topic")
        if topic is not None and not isinstance(topic, str):
            raise BadgeRuleError(f"badge {badge_id!r}: rule topic must be text, got {topic!r}")
        checked.append(badge)
    return checked


def longest_streak(days: Iterable[date]) -> int:
    """Length of the longest run of consecutive calendar days in ``days``."""
    best = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


@dataclass(frozen=True)
class _Queries:
    awarded: Any
    correct_by_topic: Any
    plays_by_topic: Any
    roadshows: Any
    play_starts: Any


@lru_cache(maxsize=1)
def _queries() -> _Queries:
    # Built once with bound parameters: evaluation runs after every card holder's play, and
    # building SQL expressions costs more than running these small indexed queries.
    resident: BindParameter[int] = bindparam("resident_id")
    now = bindparam("now", type_=PlaySession.started_at.type)
    finished_by = (
        PlaySession.resident_id == resident,
        PlaySession.finished_at.is_not(None),
        PlaySession.started_at <= now,
    )
    return _Queries(
        awarded=select(BadgeAward.badge_id)
        .where(BadgeAward.resident_id == resident)
        .order_by(BadgeAward.awarded_at, BadgeAward.badge_id),
        correct_by_topic=select(Answer.topic, func.count())
        .where(Answer.resident_id == resident, Answer.correct.is_(True), Answer.answered_at <= now)
        .group_by(Answer.topic),
        plays_by_topic=select(PlaySession.topic, func.count())
        .where(*finished_by)
        .group_by(PlaySession.topic),
        roadshows=select(func.count()).where(
            CheckIn.resident_id == resident, CheckIn.checked_in_at <= now
        ),
        play_starts=select(PlaySession.started_at).where(*finished_by),
    )


class _Progress:
    """Lazily computed counts for one resident, each read at most once per evaluation."""

    def __init__(self, session: Session, resident_id: int, now: datetime) -> None:
        self._session = session
        self._params = {"resident_id": resident_id, "now": now}
        self._correct: dict[str | None, int] | None = None
        self._plays: dict[str | None, int] | None = None
        self._roadshows: int | None = None
        self._streak: int | None = None

    def _by_topic(self, query: Any) -> dict[str | None, int]:
        counts: dict[str | None, int] = {
            topic: int(n) for topic, n in self._session.execute(query, self._params)
        }
        counts[None] = sum(counts.values())
        return counts

    def correct(self, topic: str | None) -> int:
        if self._correct is None:
            self._correct = self._by_topic(_queries().correct_by_topic)
        return self._correct.get(topic, 0)

    def plays(self, topic: str | None) -> int:
        if self._plays is None:
            self._plays = self._by_topic(_queries().plays_by_topic)
        return self._plays.get(topic, 0)

    def roadshows(self) -> int:
        if self._roadshows is None:
            self._roadshows = int(self._session.scalar(_queries().roadshows, self._params) or 0)
        return self._roadshows

    def streak(self) -> int:
        if self._streak is None:
            starts = self._session.scalars(_queries().play_starts, self._params)
            self._streak = longest_streak(local_day(s) for s in starts)
        return self._streak

    def reached(self, rule: BadgeRuleLike) -> bool:
        if rule.type == "correct_answers":
            value = self.correct(rule.topic)
        elif rule.type == "plays":
            value = self.plays(rule.topic)
        elif rule.type == "roadshows":
            # Check-ins carry no topic; a topic on a roadshow rule cannot narrow them.
            value = self.roadshows()
        else:
            value = self.streak()
        return value >= rule.count


def awarded_ids(session: Session, resident_id: int) -> list[str]:
    """Ids of the badges a resident holds, in the order they were earned."""
    return list(session.scalars(_queries().awarded, {"resident_id": resident_id}))


def evaluate(
    session: Session,
    resident_id: int,
    badge_defs: Iterable[BadgeLike],
    *,
    now: datetime,
    play_session_id: UUID | None = None,
) -> list[str]:
    """Award every badge whose rule the resident now meets and did not hold yet; return the new
    badge ids in definition order. Each badge is awarded at most once (flushed, not committed).

    Rules: ``correct_answers`` counts correct answers (optionally in one topic), ``plays``
    finished sessions (optionally of one topic), ``roadshows`` check-ins, ``streak_days`` the
    longest run of consecutive local days with a finished play.
    """
    require_aware(now)
    definitions = validate_definitions(badge_defs)
    if not definitions:
        return []
    held = set(awarded_ids(session, resident_id))
    progress = _Progress(session, resident_id, now)
    earned = [b.id for b in definitions if b.id not in held and progress.reached(b.rule)]
    for badge_id in earned:
        session.add(
            BadgeAward(
                id=new_uuid(),
                resident_id=resident_id,
                badge_id=badge_id,
                session_id=play_session_id,
                awarded_at=now,
            )
        )
    if earned:
        session.flush()
    return earned
