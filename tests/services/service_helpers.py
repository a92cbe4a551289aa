"""Helpers shared by the service tests (imported by their conftest and by the tests for types)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from safezone.models import AgeGroup, Building, Household, PlayMode, PlaySession, Resident, Site
from safezone.services import play as play_service
from safezone.services.play import SessionResult


@dataclass
class Community:
    """A site with two plots and three buildings (1号地块5栋, 1号地块6栋, 2号地块1栋)."""

    session: Session
    site: Site
    buildings: list[Building]
    _rooms: int = field(default=100)

    def resident(
        self, nickname: str, *, building: int = 0, age_group: AgeGroup = AgeGroup.ADULT
    ) -> Resident:
        """A resident in a new household of ``buildings[building]``."""
        self._rooms += 1
        household = Household(building=self.buildings[building], unit=1, room=str(self._rooms))
        person = Resident(
            household=household,
            full_name=f"全名{nickname}",
            nickname=nickname,
            age_group=age_group,
            consent=True,
        )
        self.session.add_all([household, person])
        self.session.flush()
        return person


def play_round_with(
    session: Session,
    resident: Resident | None,
    answers: Sequence[tuple[str, bool]],
    *,
    now: datetime,
    topic: str = "fire",
    mode: PlayMode | None = None,
    badges: Sequence = (),
    **start: object,
) -> tuple[PlaySession, SessionResult]:
    """Start, answer (one question every 10 s) and finish one quiz; returns (play, result)."""
    if mode is None:
        mode = PlayMode.GUEST if resident is None else PlayMode.RESIDENT
    play = play_service.start_session(
        session,
        mode=mode,
        game_type="quiz",
        topic=topic,
        now=now,
        resident_id=None if resident is None else resident.id,
        **start,  # type: ignore[arg-type]
    )
    at = now
    for question_id, correct in answers:
        at += timedelta(seconds=10)
        play_service.record_answer(
            session,
            play,
            question_id=question_id,
            topic=topic,
            correct=correct,
            now=at,
            response_ms=4000,
        )
    right = sum(c for _, c in answers)
    result = play_service.finish_session(
        session,
        play,
        score=right * 10,
        max_score=len(answers) * 10,
        now=at + timedelta(seconds=5),
        badges=badges,
    )
    return play, result


PlayRound = Callable[..., tuple[PlaySession, SessionResult]]
