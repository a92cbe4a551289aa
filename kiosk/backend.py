"""The kiosk's one door to the core: a thin adapter over the safezone services.

Scenes talk to a :class:`Backend` and get plain frozen dataclasses back; they never see an ORM
object or a session. :class:`CoreBackend` opens one database session per finished step and
commits it (DESIGN.md decision 2: an answer shown as done is already on disk). Database trouble
becomes :class:`BackendError`, which scenes turn into a friendly message instead of a crash.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from safezone.content.bundle import ContentBundle
from safezone.models.play import PlayMode

if TYPE_CHECKING:
    # Only for the annotation: importing app_context at run time pulls in Alembic (slow start).
    from safezone.app_context import Database


class BackendError(Exception):
    """The records could not be read or written (database locked, disk full, bad state)."""


@dataclass(frozen=True)
class Player:
    """A card holder as the kiosk may show them: nickname and building only, never a name."""

    resident_id: int
    nickname: str
    building_label: str
    age_group: str
    balance: int
    badges: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdentifyOutcome:
    """Result of a scan: ``reason`` is ``ok`` or why the card cannot be used."""

    ok: bool
    reason: str
    player: Player | None = None


@dataclass(frozen=True)
class PlayRef:
    """A started play session."""

    id: uuid.UUID
    mode: str
    topic: str
    resident_id: int | None


@dataclass(frozen=True)
class FinishOutcome:
    """What finishing a session earned."""

    points_awarded: int
    balance: int | None
    new_badges: tuple[str, ...] = ()
    capped: bool = False


@dataclass(frozen=True)
class RankRow:
    """One building in the ranking (labels only; no people)."""

    building_id: int
    label: str
    points: int
    players: int


@dataclass(frozen=True)
class RoadshowInfo:
    """An upcoming roadshow for the attract loop."""

    title: str
    title_en: str | None
    place: str
    starts_at: datetime
    topics: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StaffRef:
    """A staff member identified by their staff card (for switching event mode)."""

    staff_id: int
    display_name: str


@dataclass(frozen=True)
class EventInfo:
    """A roadshow the kiosk can be switched to (event mode)."""

    id: uuid.UUID
    title: str
    title_en: str | None
    place: str
    starts_at: datetime
    ends_at: datetime
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeaderInfo:
    """One line of the live event leaderboard (nickname and building only)."""

    nickname: str
    building_label: str
    score: int


@dataclass(frozen=True)
class CheckInOutcome:
    """A kiosk check-in: ``checked_in`` (with points), ``already`` (earlier, at ``at``) or ``closed``."""

    status: str
    points: int = 0
    at: datetime | None = None


class Backend(Protocol):
    """What scenes may ask of the core."""

    def identify(self, raw: str, now: datetime) -> IdentifyOutcome:
        """Who a scanned code belongs to (never raises for bad codes)."""
        ...

    def recent_question_ids(self, resident_id: int, now: datetime) -> set[str]:
        """Questions the resident answered in the last 30 days (to avoid repeats)."""
        ...

    def start_play(
        self, *, mode: str, game_type: str, topic: str, now: datetime,
        resident_id: int | None, language: str, content_id: str | None = None,
    ) -> PlayRef:
        """Create and commit a play session (``roadshow_id=`` keyword too, in event mode)."""
        ...

    def record_answer(
        self, play: PlayRef, *, question_id: str, topic: str, correct: bool, now: datetime,
        chosen: list | None, response_ms: int | None,
    ) -> uuid.UUID:
        """Write and commit one answer; returns its id."""
        ...

    def finish_play(self, play: PlayRef, *, score: int, max_score: int, now: datetime) -> FinishOutcome:
        """Finish the session: score, points, badges; committed."""
        ...

    def building_ranking(self, limit: int = 6) -> list[RankRow]:
        """Buildings by points earned."""
        ...

    def upcoming_roadshows(self, now: datetime, limit: int = 3) -> list[RoadshowInfo]:
        """Scheduled roadshows not yet over, soonest first."""
        ...


RecordListener = Callable[[str, dict[str, Any]], None]


class CoreBackend:
    """The real backend over an open :class:`~safezone.app_context.Database`.

    ``on_record(kind, details)`` is called after each commit (robot logs list what was written).
    """

    def __init__(
        self,
        database: Database,  # or kiosk.startup.KioskDatabase: anything with ``sessions()``
        bundle: ContentBundle,
        *,
        kiosk_id: uuid.UUID | None = None,
        on_record: RecordListener | None = None,
    ) -> None:
        self._db = database
        self._bundle = bundle
        self._kiosk_id = kiosk_id
        self.on_record = on_record

    def set_bundle(self, bundle: ContentBundle) -> None:
        """Use ``bundle`` (its badges) from now on; the kiosk calls it between visits when it
        switches to a new content pack."""
        self._bundle = bundle

    def _notify(self, kind: str, details: dict[str, Any]) -> None:
        if self.on_record is not None:
            self.on_record(kind, details)

    def identify(self, raw: str, now: datetime) -> IdentifyOutcome:
        """Check the card and, when it is good, load the holder's profile."""
        from safezone.cards.service import identify

        try:
            with self._db.sessions() as session:
                check = identify(session, raw)
                if not check.ok or check.resident is None:
                    return IdentifyOutcome(ok=False, reason=check.reason)
                return IdentifyOutcome(ok=True, reason="ok", player=self._player(session, check.resident))
        except SQLAlchemyError as exc:
            raise BackendError(f"card lookup failed: {exc.__class__.__name__}") from exc

    def _player(self, session: Any, resident: Any) -> Player:
        from safezone.services import badges, points

        return Player(
            resident_id=resident.id,
            nickname=resident.nickname,
            building_label=resident.household.building.label,
            age_group=resident.age_group.value,
            balance=points.balance(session, resident.id),
            badges=tuple(badges.awarded_ids(session, resident.id)),
        )

    def recent_question_ids(self, resident_id: int, now: datetime) -> set[str]:
        """Questions seen in the last 30 days (empty if the lookup fails: repeats are harmless)."""
        from safezone.services.ranking import recent_question_ids

        try:
            with self._db.sessions() as session:
                return set(recent_question_ids(session, resident_id, now=now))
        except SQLAlchemyError:
            return set()

    def withdrawn_question_ids(self) -> frozenset[str]:
        """Questions staff reported as wrong and no admin has put back yet (never asked).

        A failed lookup is an error, not "none withdrawn": the caller decides what to do.
        """
        from safezone.services.question_reports import withdrawn_question_ids

        try:
            with self._db.sessions() as session:
                return withdrawn_question_ids(session)
        except SQLAlchemyError as exc:
            raise BackendError(f"could not read reported questions: {exc}") from exc

    def start_play(
        self, *, mode: str, game_type: str, topic: str, now: datetime,
        resident_id: int | None, language: str, content_id: str | None = None,
        roadshow_id: uuid.UUID | None = None,
    ) -> PlayRef:
        """Create the play session row (tagged with the roadshow in event mode) and commit it."""
        from safezone.services.play import PlayError, start_session

        try:
            with self._db.sessions() as session:
                play = start_session(
                    session, mode=PlayMode(mode), game_type=game_type, topic=topic, now=now,
                    resident_id=resident_id, kiosk_id=self._kiosk_id, content_id=content_id,
                    language=language, roadshow_id=roadshow_id,
                )
                session.commit()
                ref = PlayRef(id=play.id, mode=mode, topic=topic, resident_id=resident_id)
        except (SQLAlchemyError, PlayError) as exc:
            raise BackendError(f"could not start the session: {exc}") from exc
        self._notify("session_started", {"session_id": str(ref.id), "mode": mode, "topic": topic,
                                         "roadshow_id": str(roadshow_id) if roadshow_id else None})
        return ref

    def record_answer(
        self, play: PlayRef, *, question_id: str, topic: str, correct: bool, now: datetime,
        chosen: list | None, response_ms: int | None,
    ) -> uuid.UUID:
        """Write one answer in its own transaction."""
        from safezone.models.play import PlaySession
        from safezone.services.play import PlayError, record_answer

        try:
            with self._db.sessions() as session:
                row = session.get(PlaySession, play.id)
                if row is None:
                    raise BackendError(f"play session {play.id} is not in the database")
                answer = record_answer(
                    session, row, question_id=question_id, topic=topic, correct=correct, now=now,
                    chosen=chosen, response_ms=response_ms,
                )
                session.commit()
                answer_id = answer.id
        except (SQLAlchemyError, PlayError) as exc:
            raise BackendError(f"could not record the answer: {exc}") from exc
        self._notify("answer", {
            "answer_id": str(answer_id), "session_id": str(play.id), "question_id": question_id,
            "correct": correct,
        })
        return answer_id

    def finish_play(self, play: PlayRef, *, score: int, max_score: int, now: datetime) -> FinishOutcome:
        """Finish the session, awarding points and badges, in one transaction."""
        from safezone.models.play import PlaySession
        from safezone.services.play import PlayError, finish_session

        try:
            with self._db.sessions() as session:
                row = session.get(PlaySession, play.id)
                if row is None:
                    raise BackendError(f"play session {play.id} is not in the database")
                result = finish_session(
                    session, row, score=score, max_score=max_score, now=now,
                    badges=list(self._bundle.badges.values()),
                )
                session.commit()
        except (SQLAlchemyError, PlayError) as exc:
            raise BackendError(f"could not finish the session: {exc}") from exc
        outcome = FinishOutcome(
            points_awarded=result.points_awarded, balance=result.balance,
            new_badges=tuple(result.new_badges), capped=result.capped,
        )
        self._notify("session_finished", {
            "session_id": str(play.id), "score": score, "max_score": max_score,
            "points": outcome.points_awarded, "capped": outcome.capped,
        })
        return outcome

    def building_ranking(self, limit: int = 6) -> list[RankRow]:
        """The building ranking; empty when it cannot be read (it is decoration, not a record)."""
        from safezone.services.ranking import building_ranking

        try:
            with self._db.sessions() as session:
                rows = building_ranking(session, limit=limit)
        except SQLAlchemyError:
            return []
        return [RankRow(r.building_id, r.label, r.points, r.players) for r in rows]

    def upcoming_roadshows(self, now: datetime, limit: int = 3) -> list[RoadshowInfo]:
        """Upcoming roadshows; empty when they cannot be read."""
        from safezone.services.roadshows import upcoming

        try:
            with self._db.sessions() as session:
                events = upcoming(session, now, limit=limit)
                return [
                    RoadshowInfo(e.title, e.title_en, e.place, e.starts_at, tuple(e.topics or ()))
                    for e in events
                ]
        except SQLAlchemyError:
            return []


    # -- event mode (a roadshow at the kiosk) -----------------------------------------------
    def identify_staff(self, raw: str) -> StaffRef | None:
        """The active staff member whose staff card this is and who has a kiosk PIN, else None."""
        from sqlalchemy import select

        from safezone.cards.codes import CardCodeError, check_format, hash_code
        from safezone.models.staff import StaffUser

        try:
            code = check_format(raw)
        except CardCodeError:
            return None
        try:
            with self._db.sessions() as session:
                staff = session.scalar(select(StaffUser).where(StaffUser.staff_card_hash == hash_code(code)))
                if staff is None or not staff.active or not staff.kiosk_pin_hash:
                    return None
                return StaffRef(staff.id, staff.display_name)
        except SQLAlchemyError as exc:
            raise BackendError(f"staff card lookup failed: {exc.__class__.__name__}") from exc

    def verify_staff_pin(self, staff_id: int, pin: str) -> bool:
        """Whether ``pin`` is this (still active) staff member's kiosk PIN."""
        from safezone.models.staff import StaffUser
        from safezone.services.staff import verify_password

        try:
            with self._db.sessions() as session:
                staff = session.get(StaffUser, staff_id)
                if staff is None or not staff.active or not staff.kiosk_pin_hash:
                    return False
                return verify_password(staff.kiosk_pin_hash, pin)
        except SQLAlchemyError as exc:
            raise BackendError(f"PIN check failed: {exc.__class__.__name__}") from exc

    def kiosk_events(self, now: datetime, limit: int = 6) -> list[EventInfo]:
        """Roadshows staff may switch to: not cancelled, not over, starting within 12 hours."""
        from datetime import timedelta

        from sqlalchemy import select

        from safezone.models.roadshows import RoadshowEvent, RoadshowStatus

        try:
            with self._db.sessions() as session:
                events = session.scalars(
                    select(RoadshowEvent)
                    .where(RoadshowEvent.status != RoadshowStatus.CANCELLED,
                           RoadshowEvent.ends_at >= now,
                           RoadshowEvent.starts_at <= now + timedelta(hours=12))
                    .order_by(RoadshowEvent.starts_at, RoadshowEvent.id)
                    .limit(limit)
                ).all()
                return [_event_info(e) for e in events]
        except SQLAlchemyError as exc:
            raise BackendError(f"could not read the roadshows: {exc.__class__.__name__}") from exc

    def event_leaderboard(self, event_id: uuid.UUID, limit: int = 8) -> list[LeaderInfo]:
        """The event's best scores (decoration: empty when it cannot be read)."""
        from safezone.services.ranking import RankingError, event_leaderboard

        try:
            with self._db.sessions() as session:
                rows = event_leaderboard(session, event_id, limit=limit)
        except (SQLAlchemyError, RankingError):
            return []
        return [LeaderInfo(r.nickname, r.building_label, r.score) for r in rows]

    def check_in(self, event_id: uuid.UUID, resident_id: int, now: datetime) -> CheckInOutcome:
        """Check a resident in at the kiosk (method KIOSK), committed; a second scan is ``already``."""
        from safezone.models.community import Resident
        from safezone.models.roadshows import CheckInMethod, RoadshowEvent
        from safezone.services.roadshows import AlreadyCheckedIn, RoadshowError, check_in

        try:
            with self._db.sessions() as session:
                event = session.get(RoadshowEvent, event_id)
                resident = session.get(Resident, resident_id)
                if event is None or resident is None:
                    return CheckInOutcome("closed")
                try:
                    check_in(session, event, resident, method=CheckInMethod.KIOSK, now=now,
                             kiosk_id=self._kiosk_id, actor_label="kiosk")
                except AlreadyCheckedIn as exc:
                    session.rollback()
                    return CheckInOutcome("already", at=exc.checked_in_at)
                except RoadshowError:
                    session.rollback()
                    return CheckInOutcome("closed")
                points = event.checkin_points
                session.commit()
        except SQLAlchemyError as exc:
            raise BackendError(f"could not check in: {exc.__class__.__name__}") from exc
        self._notify("checkin", {"event_id": str(event_id), "points": points})
        return CheckInOutcome("checked_in", points=points)


def _event_info(event: Any) -> EventInfo:
    from safezone.content.schema import TOPICS

    topics = tuple(t for t in (event.topics or ()) if t in TOPICS)
    return EventInfo(event.id, event.title, event.title_en, event.place, event.starts_at, event.ends_at, topics)


def exclude_for(backend: Backend, resident_id: int | None, now: datetime) -> Collection[str]:
    """Question ids to avoid for this player (none for guests)."""
    return backend.recent_question_ids(resident_id, now) if resident_id is not None else ()
