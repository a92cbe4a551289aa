"""The points ledger (DESIGN.md decision 7): append-only entries, balances are sums.

Play points follow two anti-farming rules: a question earns full points only if the resident has
not answered it correctly in the last 30 days, and plays earn at most ``DAILY_PLAY_CAP`` points per
resident per local (Asia/Shanghai) day. Check-ins, badges and staff adjustments are not capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from uuid import UUID

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session

from safezone.db.base import new_uuid
from safezone.models import Answer, PlaySession, PointsEntry, PointsReason, Resident
from safezone.services.localtime import local_day, local_day_bounds, require_aware

#: Points for a correct answer to a question not answered correctly in the last 30 days.
POINTS_PER_CORRECT = 10
#: Points for a correct answer to a question answered correctly within the last 30 days.
POINTS_PER_REPEAT = 3
#: Most points a resident earns from plays in one local day.
DAILY_PLAY_CAP = 100
#: How far back a correct answer makes the same question a repeat.
REPEAT_WINDOW = timedelta(days=30)

_NOTE_MAX = 200
#: Reasons that earn points: their entries must be positive.
_EARNING = frozenset({PointsReason.PLAY, PointsReason.CHECKIN, PointsReason.BADGE})


class PointsError(ValueError):
    """A points operation was asked with bad input; the message says which and why."""


class UnknownResident(PointsError, LookupError):
    """No resident has the given id."""

    def __init__(self, resident_id: object) -> None:
        super().__init__(f"no resident with id {resident_id!r} / 找不到该居民")
        self.resident_id = resident_id


class InsufficientPoints(PointsError):
    """A redemption or deduction asks for more points than the resident has; nothing is written."""

    def __init__(self, balance: int, cost: int) -> None:
        super().__init__(
            f"积分不足：当前 {balance} 分，需要 {cost} 分 / "
            f"not enough points: balance {balance}, needs {cost}"
        )
        self.balance = balance
        self.cost = cost


def _check_int(value: object, name: str) -> int:
    # bool is an int subclass; True points are a bug, not a value.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PointsError(f"{name} must be a whole number, got {value!r}")
    return value


def _check_note(note: str | None) -> str | None:
    if note is not None and len(note) > _NOTE_MAX:
        raise PointsError(f"note is too long ({len(note)} characters, at most {_NOTE_MAX})")
    return note


def require_resident(session: Session, resident_id: object, *, lock: bool = False) -> Resident:
    """Load a resident or raise :class:`UnknownResident`; ``lock`` takes a row lock (PostgreSQL)
    so two redemptions for one person cannot both spend the same balance."""
    if isinstance(resident_id, bool) or not isinstance(resident_id, int):
        raise UnknownResident(resident_id)
    if lock:
        resident = session.scalars(
            select(Resident).where(Resident.id == resident_id).with_for_update()
        ).one_or_none()
    else:
        resident = session.get(Resident, resident_id)
    if resident is None:
        raise UnknownResident(resident_id)
    return resident


def balance(session: Session, resident_id: int) -> int:
    """Current balance: the sum of the resident's ledger entries (0 without entries)."""
    total = session.scalar(
        select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
            PointsEntry.resident_id == resident_id
        )
    )
    return int(total or 0)


def _new_entry(
    session: Session,
    resident_id: int,
    amount: int,
    reason: PointsReason,
    *,
    now: datetime,
    source_id: str | None = None,
    operator_id: int | None = None,
    kiosk_id: UUID | None = None,
    note: str | None = None,
) -> PointsEntry:
    entry = PointsEntry(
        id=new_uuid(),
        resident_id=resident_id,
        amount=amount,
        reason=reason,
        source_id=source_id,
        operator_id=operator_id,
        kiosk_id=kiosk_id,
        note=note,
        created_at=now,
    )
    session.add(entry)
    return entry


def add_entry(
    session: Session,
    resident_id: int,
    amount: int,
    reason: PointsReason,
    *,
    now: datetime,
    source_id: str | None = None,
    operator_id: int | None = None,
    kiosk_id: UUID | None = None,
    note: str | None = None,
) -> PointsEntry:
    """Append one ledger entry (flushed, not committed) and return it.

    Play, check-in and badge entries must be positive, redemptions negative; an adjustment may be
    either but cannot take the balance below zero (:class:`InsufficientPoints`).
    """
    require_aware(now)
    amount = _check_int(amount, "amount")
    if not isinstance(reason, PointsReason):
        raise PointsError(f"reason must be a PointsReason, got {reason!r}")
    if amount == 0:
        raise PointsError("amount must not be 0: a ledger entry records a change")
    if reason in _EARNING and amount < 0:
        raise PointsError(f"a {reason.value} entry must be positive, got {amount}")
    if reason is PointsReason.REDEEM and amount > 0:
        raise PointsError(f"a redeem entry must be negative, got {amount}")
    if source_id is not None and len(source_id) > 64:
        raise PointsError("source_id is longer than 64 characters")
    _check_note(note)
    require_resident(session, resident_id, lock=amount < 0)
    if amount < 0:
        current = balance(session, resident_id)
        if current + amount < 0:
            raise InsufficientPoints(current, -amount)
    entry = _new_entry(
        session,
        resident_id,
        amount,
        reason,
        now=now,
        source_id=source_id,
        operator_id=operator_id,
        kiosk_id=kiosk_id,
        note=note,
    )
    session.flush()
    return entry


def redeem(
    session: Session,
    resident_id: int,
    cost: int,
    *,
    now: datetime,
    operator_id: int | None,
    note: str | None,
) -> PointsEntry:
    """Spend ``cost`` points (e.g. at the points store); raises :class:`InsufficientPoints` and
    writes nothing when the balance is too low."""
    cost = _check_int(cost, "cost")
    if cost <= 0:
        raise PointsError(f"cost must be positive, got {cost}")
    return add_entry(
        session,
        resident_id,
        -cost,
        PointsReason.REDEEM,
        now=now,
        operator_id=operator_id,
        note=note,
    )


def ledger(session: Session, resident_id: int, limit: int = 100) -> list[PointsEntry]:
    """The resident's most recent ledger entries, newest first."""
    limit = _check_int(limit, "limit")
    if limit <= 0:
        raise PointsError(f"limit must be positive, got {limit}")
    return list(
        session.scalars(
            select(PointsEntry)
            .where(PointsEntry.resident_id == resident_id)
            .order_by(PointsEntry.created_at.desc(), PointsEntry.id.desc())
            .limit(limit)
        )
    )


def correctly_answered_ids(
    session: Session,
    resident_id: int,
    *,
    since: datetime,
    before: datetime,
    among: set[str] | None = None,
    exclude_session: UUID | None = None,
) -> set[str]:
    """Question ids the resident answered correctly in ``[since, before)``.

    ``among`` limits the lookup to those ids; ``exclude_session`` ignores one session's answers.
    """
    query = (
        select(Answer.question_id)
        .distinct()
        .where(
            Answer.resident_id == resident_id,
            Answer.correct.is_(True),
            Answer.answered_at >= since,
            Answer.answered_at < before,
        )
    )
    if among is not None:
        if not among:
            return set()
        query = query.where(Answer.question_id.in_(sorted(among)))
    if exclude_session is not None:
        query = query.where(Answer.session_id != exclude_session)
    return set(session.scalars(query))


@dataclass(frozen=True)
class PlayAward:
    """Points a finished play earns: before the cap (``earned``) and after (``awarded``)."""

    earned: int
    awarded: int
    balance: int

    @property
    def capped(self) -> bool:
        """True when the daily cap took points away (the kiosk says so)."""
        return self.awarded < self.earned


@lru_cache(maxsize=1)
def _repeat_query() -> Select[str]:
    # Built once with bound parameters: finishing a play is the kiosk's (and the history
    # generator's) hot path, and building SQL expressions costs more than running them.
    return (
        select(Answer.question_id)
        .distinct()
        .where(
            Answer.resident_id == bindparam("resident_id"),
            Answer.correct.is_(True),
            Answer.answered_at >= bindparam("since", type_=Answer.answered_at.type),
            Answer.answered_at < bindparam("before", type_=Answer.answered_at.type),
            Answer.question_id.in_(bindparam("ids", expanding=True)),
            Answer.session_id != bindparam("session_id", type_=Answer.session_id.type),
        )
    )


@lru_cache(maxsize=1)
def _play_sums_query() -> Select[int, int | None, int]:
    # One pass over the resident's entries: balance, this play's entry (if finish is re-run)
    # and the other plays' points of the day.
    is_play = PointsEntry.reason == PointsReason.PLAY
    created = PointsEntry.created_at
    in_day = and_(
        is_play,
        created >= bindparam("day_start", type_=created.type),
        created < bindparam("day_end", type_=created.type),
    )
    return select(
        func.coalesce(func.sum(PointsEntry.amount), 0),
        func.sum(
            case((and_(is_play, PointsEntry.source_id == bindparam("source")), PointsEntry.amount))
        ),
        func.coalesce(func.sum(case((in_day, PointsEntry.amount), else_=0)), 0),
    ).where(PointsEntry.resident_id == bindparam("resident_id"))


def play_points_earned(session: Session, play: PlaySession) -> int:
    """Points the play's correct answers are worth before the daily cap.

    A question answered correctly by the same resident in the 30 days before the play started
    (or earlier in this play) is a repeat.
    """
    if play.resident_id is None:
        return 0
    correct_ids = [a.question_id for a in play.answers if a.correct]
    if not correct_ids:
        return 0
    seen = set(
        session.scalars(
            _repeat_query(),
            {
                "resident_id": play.resident_id,
                "since": play.started_at - REPEAT_WINDOW,
                "before": play.started_at,
                "ids": sorted(set(correct_ids)),
                "session_id": play.id,
            },
        )
    )
    total = 0
    for question_id in correct_ids:
        total += POINTS_PER_REPEAT if question_id in seen else POINTS_PER_CORRECT
        seen.add(question_id)
    return total


def award_play(
    session: Session, play: PlaySession, *, now: datetime, write: bool = True
) -> PlayAward:
    """Write the play's ledger entry (idempotent by ``source_id`` = session id) and return the
    award. The cap counts play entries created on the local day of ``now``. With ``write`` off
    nothing new is written (re-finishing a finished session reports what it earned)."""
    require_aware(now)
    if play.resident_id is None:
        raise PointsError("guest plays earn no points")
    earned = play_points_earned(session, play)
    source = str(play.id)
    day_start, day_end = local_day_bounds(local_day(now))
    total, already, today = session.execute(
        _play_sums_query(),
        {
            "resident_id": play.resident_id,
            "source": source,
            "day_start": day_start,
            "day_end": day_end,
        },
    ).one()
    if already is not None or not write:
        return PlayAward(earned=earned, awarded=int(already or 0), balance=int(total))
    room = max(0, DAILY_PLAY_CAP - int(today))
    awarded = min(earned, room)
    if awarded > 0:
        _new_entry(
            session,
            play.resident_id,
            awarded,
            PointsReason.PLAY,
            now=now,
            source_id=source,
            kiosk_id=play.kiosk_id,
        )
    return PlayAward(earned=earned, awarded=awarded, balance=int(total) + awarded)
