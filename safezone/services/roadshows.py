"""Roadshows (路演): schedule events, register residents (with a waiting list), check them in.

Operations only ``flush()``; the caller commits. Every refusal is a :class:`RoadshowError` whose
``message(lang)`` is a sentence for the volunteer holding the scanner, in zh-CN or English, and
nothing is written when one is raised.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from safezone.db.base import new_uuid
from safezone.models import (
    CheckIn,
    CheckInMethod,
    Household,
    PointsReason,
    Registration,
    RegistrationStatus,
    Resident,
    RoadshowEvent,
    RoadshowStatus,
    RoadshowVolunteer,
    Role,
    StaffUser,
)
from safezone.services import audit, reach
from safezone.services.errors import BilingualError
from safezone.services.localtime import LOCAL_TZ
from safezone.services.points import add_entry
from safezone.topics import TOPICS

#: The four themes of the culture wall; an event covers a subset of them.

#: Most check-in points an event may give, and most places it may have (the form and the
#: service refuse more: a 10**12 would overflow the integer column).
MAX_CHECKIN_POINTS = 1000
MAX_CAPACITY = 100_000

#: Longest titles/places the columns hold.
_MAX_TITLE = 120
_MAX_PLACE = 120


class RoadshowError(BilingualError):
    """A refused roadshow operation, with a message in both languages."""


class EventInvalid(RoadshowError):
    """An event field is missing or wrong; ``field`` names it for the form."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.field = field


class EventCancelled(RoadshowError):
    """The event was cancelled: no registrations, no check-ins."""

    def __init__(self, event: RoadshowEvent) -> None:
        super().__init__(f"活动“{event.title}”已取消", f"The event '{event.title}' was cancelled")


class EventOver(RoadshowError):
    """Registration after the event ended."""

    def __init__(self, event: RoadshowEvent) -> None:
        super().__init__(f"活动“{event.title}”已结束，不能再报名",
                         f"The event '{event.title}' is over; registration is closed")


class AlreadyRegistered(RoadshowError):
    """The resident already holds a place or a waiting-list slot."""

    def __init__(self, registration: Registration) -> None:
        waiting = registration.status == RegistrationStatus.WAITLISTED
        super().__init__(
            "该居民已在候补名单中" if waiting else "该居民已报名",
            "This resident is already on the waiting list" if waiting
            else "This resident is already registered",
        )
        self.registration = registration


class NotRegistered(RoadshowError):
    """Cancelling a registration that does not exist (or was already cancelled)."""

    def __init__(self) -> None:
        super().__init__("该居民没有有效的报名", "This resident has no active registration")


class AlreadyCheckedIn(RoadshowError):
    """A second check-in for the same resident and event; carries the first one."""

    def __init__(self, first: CheckIn) -> None:
        at = first.checked_in_at
        local = at.astimezone(LOCAL_TZ)  # volunteers read wall-clock time, not UTC
        super().__init__(f"已于 {local:%H:%M} 签到，无需重复签到",
                         f"Already checked in at {local:%H:%M}; no need to check in again")
        self.checkin = first
        self.checked_in_at = at


class CheckInNotOpen(RoadshowError):
    """A check-in outside the event's check-in window (too early or after its day)."""

    def __init__(self, event: RoadshowEvent, opens: datetime, closes: datetime, *, early: bool) -> None:
        o, c = opens.astimezone(LOCAL_TZ), closes.astimezone(LOCAL_TZ) - timedelta(minutes=1)
        if early:
            super().__init__(f"签到尚未开始：“{event.title}”从 {o:%m-%d %H:%M} 起可以签到",
                             f"Check-in has not opened: '{event.title}' opens at {o:%m-%d %H:%M}")
        else:
            super().__init__(f"签到已结束：“{event.title}”的签到截止于 {c:%m-%d %H:%M}",
                             f"Check-in is closed: '{event.title}' closed at {c:%m-%d %H:%M}")
        self.opens, self.closes, self.early = opens, closes, early


#: Check-in opens this long before the start (settings: ``checkin_opens_minutes``).
DEFAULT_CHECKIN_OPENS_BEFORE = timedelta(hours=2)


def checkin_window(
    event: RoadshowEvent, opens_before: timedelta = DEFAULT_CHECKIN_OPENS_BEFORE
) -> tuple[datetime, datetime]:
    """``(opens, closes)`` of an event's check-in: from ``opens_before`` the start to the end of
    the local day the event ends on (closes is exclusive: local midnight after it)."""
    last_day = event.ends_at.astimezone(LOCAL_TZ).date()
    closes = datetime.combine(last_day + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)
    return event.starts_at - opens_before, closes


@dataclass(frozen=True)
class AttendanceRow:
    """One line of an event's attendance list (registered, wait-listed or walk-in)."""

    resident_id: int
    nickname: str
    full_name: str | None
    address_label: str
    #: ``registered``, ``waitlisted``, ``cancelled`` or ``walk_in`` (checked in without registering).
    registration: str
    checked_in_at: datetime | None
    method: str | None


# ---------------------------------------------------------------------------------------------
# events


def _validate(
    *, title: str, place: str, starts_at: datetime, ends_at: datetime,
    topics: Iterable[str], capacity: int | None, checkin_points: int,
) -> list[str]:
    """Check event fields; return the topics in canonical order or raise :class:`EventInvalid`."""
    if not title.strip():
        raise EventInvalid("title", "请填写活动名称", "Please enter a title")
    if len(title) > _MAX_TITLE:
        raise EventInvalid("title", f"活动名称最多 {_MAX_TITLE} 个字", f"Title: at most {_MAX_TITLE} characters")
    if not place.strip():
        raise EventInvalid("place", "请填写活动地点", "Please enter a place")
    if len(place) > _MAX_PLACE:
        raise EventInvalid("place", f"地点最多 {_MAX_PLACE} 个字", f"Place: at most {_MAX_PLACE} characters")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise EventInvalid("starts_at", "时间缺少时区", "Times must carry a time zone")
    if ends_at <= starts_at:
        raise EventInvalid("ends_at", "结束时间必须晚于开始时间", "The end must be after the start")
    chosen = list(dict.fromkeys(topics))
    unknown = [t for t in chosen if t not in TOPICS]
    if unknown:
        raise EventInvalid("topics", f"未知主题：{', '.join(unknown)}（可选：消防、居家、交通、网络）",
                           f"Unknown topics: {', '.join(unknown)} (choose fire, home, traffic, cyber)")
    if not chosen:
        raise EventInvalid("topics", "请至少选择一个主题", "Choose at least one topic")
    if capacity is not None and capacity > MAX_CAPACITY:
        raise EventInvalid("capacity", f"名额最多 {MAX_CAPACITY}", f"Capacity: at most {MAX_CAPACITY}")
    if capacity is not None and capacity < 1:
        raise EventInvalid("capacity", "名额至少为 1，不限名额请留空",
                           "Capacity must be at least 1; leave it empty for unlimited")
    if checkin_points < 0:
        raise EventInvalid("checkin_points", "签到积分不能为负数", "Check-in points cannot be negative")
    if checkin_points > MAX_CHECKIN_POINTS:
        raise EventInvalid("checkin_points", f"签到积分最多 {MAX_CHECKIN_POINTS} 分",
                           f"Check-in points: at most {MAX_CHECKIN_POINTS}")
    return [t for t in TOPICS if t in chosen]


def create_event(
    session: Session,
    *,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    topics: Iterable[str],
    now: datetime,
    capacity: int | None = None,
    title_en: str | None = None,
    description: str = "",
    staff_id: int | None = None,
    checkin_points: int = 10,
    actor_id: int | None = None,
    actor_label: str = "system",
) -> RoadshowEvent:
    """Schedule a roadshow after validating every field; audited as ``roadshow.create``."""
    canonical = _validate(title=title, place=place, starts_at=starts_at, ends_at=ends_at,
                          topics=topics, capacity=capacity, checkin_points=checkin_points)
    event = RoadshowEvent(
        title=title.strip(), title_en=(title_en or "").strip() or None, topics=canonical,
        place=place.strip(), starts_at=starts_at, ends_at=ends_at, capacity=capacity,
        staff_id=staff_id, description=description, status=RoadshowStatus.SCHEDULED,
        checkin_points=checkin_points, created_at=now,
    )
    session.add(event)
    session.flush()
    audit.record(session, action="roadshow.create", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id,
                 details={"title": event.title, "starts_at": starts_at.isoformat()})
    return event


_EDITABLE = ("title", "title_en", "place", "starts_at", "ends_at", "topics", "capacity",
             "description", "staff_id", "checkin_points")


def update_event(
    session: Session,
    event: RoadshowEvent,
    *,
    now: datetime,
    actor_id: int | None = None,
    actor_label: str = "system",
    **changes: object,
) -> list[Registration]:
    """Change fields of an event (names as in :data:`_EDITABLE`); returns registrations promoted
    from the waiting list when the capacity grew.

    Capacity cannot drop below the places already given: nobody loses a confirmed place.
    """
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise EventInvalid(unknown[0], f"不能修改字段 {unknown[0]}", f"Field {unknown[0]} cannot be changed")
    if event.status == RoadshowStatus.CANCELLED:
        raise EventCancelled(event)
    merged = {name: changes.get(name, getattr(event, name)) for name in _EDITABLE}
    merged["topics"] = _validate(
        title=str(merged["title"]), place=str(merged["place"]),
        starts_at=merged["starts_at"], ends_at=merged["ends_at"],  # type: ignore[arg-type]
        topics=merged["topics"], capacity=merged["capacity"],  # type: ignore[arg-type]
        checkin_points=int(merged["checkin_points"]),  # type: ignore[call-overload]
    )
    capacity = merged["capacity"]
    taken = _count(session, event, RegistrationStatus.REGISTERED)
    if capacity is not None and capacity < taken:  # type: ignore[operator]
        raise EventInvalid("capacity", f"已有 {taken} 人报名，名额不能少于 {taken}",
                           f"{taken} people are registered; capacity cannot be below {taken}")
    changed = {k: v for k, v in merged.items() if getattr(event, k) != v}
    for name, value in changed.items():
        setattr(event, name, value)
    session.flush()
    promoted = _promote(session, event, now=now)
    audit.record(session, action="roadshow.update", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id,
                 details={"fields": sorted(changed), "promoted": len(promoted)})
    return promoted


def cancel_event(
    session: Session, event: RoadshowEvent, *, now: datetime, actor_id: int | None = None,
    actor_label: str = "system", reason: str = "",
) -> None:
    """Cancel an event; it stays listed (struck out) and refuses registrations and check-ins."""
    if event.status == RoadshowStatus.CANCELLED:
        raise EventCancelled(event)
    event.status = RoadshowStatus.CANCELLED
    session.flush()
    audit.record(session, action="roadshow.cancel", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id, details={"reason": reason})


# ---------------------------------------------------------------------------------------------
# registration


def _count(session: Session, event: RoadshowEvent, status: RegistrationStatus) -> int:
    return session.scalar(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status == status)
    ) or 0


def _lock(session: Session, event: RoadshowEvent) -> None:
    # Serialise seat counting per event on PostgreSQL (two volunteers taking the last place);
    # SQLite already serialises writers on the whole file.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(RoadshowEvent.id).where(RoadshowEvent.id == event.id).with_for_update())


def _has_room(session: Session, event: RoadshowEvent) -> bool:
    return event.capacity is None or _count(session, event, RegistrationStatus.REGISTERED) < event.capacity


def register(
    session: Session, event: RoadshowEvent, resident: Resident, *, now: datetime,
    actor_id: int | None = None, actor_label: str = "system",
) -> Registration:
    """Register ``resident``; when the event is full they go on the waiting list (status
    ``waitlisted``), served in registration order."""
    if event.status == RoadshowStatus.CANCELLED:
        raise EventCancelled(event)
    if now >= event.ends_at:
        raise EventOver(event)
    _lock(session, event)
    existing = session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.resident_id == resident.id))
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegistered(existing)
    status = RegistrationStatus.REGISTERED if _has_room(session, event) else RegistrationStatus.WAITLISTED
    if existing is None:
        existing = Registration(event_id=event.id, resident_id=resident.id)
        session.add(existing)
    # A comeback after cancelling joins the back of the queue.
    existing.status = status
    existing.created_at = now
    session.flush()
    audit.record(session, action="roadshow.register", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id,
                 details={"resident_id": resident.id, "status": status.value})
    return existing


def _promote(session: Session, event: RoadshowEvent, *, now: datetime) -> list[Registration]:
    """Move wait-listed residents up, oldest first, while places are free."""
    promoted: list[Registration] = []
    while _has_room(session, event):
        first = session.scalar(
            select(Registration)
            .where(Registration.event_id == event.id,
                   Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.created_at, Registration.id).limit(1)
        )
        if first is None:
            break
        first.status = RegistrationStatus.REGISTERED
        session.flush()
        promoted.append(first)
    return promoted


def cancel_registration(
    session: Session, event: RoadshowEvent, resident: Resident, *, now: datetime,
    actor_id: int | None = None, actor_label: str = "system",
) -> Registration | None:
    """Cancel ``resident``'s registration or waiting-list slot; returns the wait-listed
    registration promoted into the freed place, if any."""
    _lock(session, event)
    reg = session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.resident_id == resident.id))
    if reg is None or reg.status == RegistrationStatus.CANCELLED:
        raise NotRegistered()
    reg.status = RegistrationStatus.CANCELLED
    session.flush()
    promoted = _promote(session, event, now=now) if event.status == RoadshowStatus.SCHEDULED else []
    audit.record(session, action="roadshow.unregister", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id,
                 details={"resident_id": resident.id,
                          "promoted_resident_id": promoted[0].resident_id if promoted else None})
    return promoted[0] if promoted else None


# ---------------------------------------------------------------------------------------------
# check-in


def ensure_checkin_open(
    event: RoadshowEvent, at: datetime, opens_before: timedelta = DEFAULT_CHECKIN_OPENS_BEFORE
) -> None:
    """The rule every check-in path obeys (web form, kiosk, sync API): raise
    :class:`EventCancelled` for a cancelled event and :class:`CheckInNotOpen` outside
    :func:`checkin_window` (from ``opens_before`` the start to the end of the event's day)."""
    if event.status == RoadshowStatus.CANCELLED:
        raise EventCancelled(event)
    opens, closes = checkin_window(event, opens_before)
    if not opens <= at < closes:
        raise CheckInNotOpen(event, opens, closes, early=at < opens)


def check_in(
    session: Session, event: RoadshowEvent, resident: Resident, *, method: CheckInMethod,
    now: datetime, operator_id: int | None = None, kiosk_id: uuid.UUID | None = None,
    actor_label: str | None = None, checkin_id: uuid.UUID | None = None,
    opens_before: timedelta = DEFAULT_CHECKIN_OPENS_BEFORE,
) -> CheckIn:
    """Record attendance and award ``event.checkin_points`` through the ledger (reason
    ``checkin``, source = the check-in id). Walk-ins without registration are welcome.

    The one place the check-in rules live (every front end calls it, the sync API included):
    :func:`ensure_checkin_open`. Raises :class:`EventCancelled`, :class:`CheckInNotOpen` or
    :class:`AlreadyCheckedIn` (with the first time). ``checkin_id`` keeps the id a kiosk gave its
    record (the sync API stores kiosk check-ins through here).
    """
    ensure_checkin_open(event, now, opens_before)
    # The id is drawn now (not at flush) so the ledger entry can name it before the one flush.
    checkin = CheckIn(id=checkin_id or new_uuid(), event_id=event.id, resident_id=resident.id,
                      operator_id=operator_id, kiosk_id=kiosk_id, method=method, checked_in_at=now)
    label = actor_label or (f"kiosk:{kiosk_id}" if kiosk_id else f"staff:{operator_id}" if operator_id else "system")
    try:
        # The unique key (event, resident) decides, not a SELECT first: a first check-in (the
        # common case in a queue of scans) costs no extra query. The check-in, its audit entry
        # and its ledger entry go in with one flush inside a savepoint, so a concurrent scan of
        # the same card loses on the key with none of the three written, not the whole request.
        with session.begin_nested():
            session.add(checkin)
            audit.record(session, action="roadshow.checkin", actor_label=label,
                         actor_id=operator_id, now=now, target_type="roadshow",
                         target_id=event.id,
                         details={"resident_id": resident.id, "method": method.value,
                                  "points": event.checkin_points}, flush=False)
            if event.checkin_points > 0:
                add_entry(session, resident.id, event.checkin_points, PointsReason.CHECKIN,
                          now=now, source_id=str(checkin.id), operator_id=operator_id,
                          kiosk_id=kiosk_id, note=event.title[:200])  # flushes all three
            else:
                session.flush()
            # The check-in is a touchpoint of the resident's household (reach, decision 12).
            household = resident.household
            reach.touch(session, household.id, household.building_id, "checkin", now)
    except IntegrityError:
        first = _existing_checkin(session, event, resident)
        if first is None:
            raise
        raise AlreadyCheckedIn(first) from None
    return checkin


def assign_volunteer(session: Session, event: RoadshowEvent, volunteer: StaffUser, *,
                     now: datetime, actor_id: int | None = None,
                     actor_label: str = "system") -> None:
    """Let ``volunteer`` (an active account with the volunteer role) check people in at
    ``event``; assigning twice changes nothing. Audited as ``roadshow.volunteer_assign``."""
    if volunteer.role != Role.VOLUNTEER or not volunteer.active:
        raise RoadshowError("只能指派在用的志愿者账号", "Only active volunteer accounts can be assigned")
    if session.get(RoadshowVolunteer, (event.id, volunteer.id)) is not None:
        return
    session.add(RoadshowVolunteer(event_id=event.id, staff_id=volunteer.id, assigned_at=now))
    audit.record(session, action="roadshow.volunteer_assign", actor_id=actor_id,
                 actor_label=actor_label, now=now, target_type="roadshow", target_id=event.id,
                 details={"staff_id": volunteer.id})
    session.flush()


def unassign_volunteer(session: Session, event: RoadshowEvent, staff_id: int, *, now: datetime,
                       actor_id: int | None = None, actor_label: str = "system") -> None:
    """Take a volunteer off ``event`` (audited as ``roadshow.volunteer_unassign``)."""
    row = session.get(RoadshowVolunteer, (event.id, staff_id))
    if row is None:
        return
    session.delete(row)
    audit.record(session, action="roadshow.volunteer_unassign", actor_id=actor_id,
                 actor_label=actor_label, now=now, target_type="roadshow", target_id=event.id,
                 details={"staff_id": staff_id})
    session.flush()


def volunteers(session: Session, event: RoadshowEvent) -> list[StaffUser]:
    """The volunteers assigned to ``event``, by name."""
    return list(session.scalars(
        select(StaffUser).join(RoadshowVolunteer, RoadshowVolunteer.staff_id == StaffUser.id)
        .where(RoadshowVolunteer.event_id == event.id).order_by(StaffUser.display_name)))


def may_check_in(session: Session, event: RoadshowEvent, staff_id: int, role: Role) -> bool:
    """Whether this account may check people in at ``event``: staff and administrators at
    every roadshow, volunteers only at those they are assigned to, nobody else."""
    if role in (Role.ADMIN, Role.STAFF):
        return True
    if role != Role.VOLUNTEER:
        return False
    return session.get(RoadshowVolunteer, (event.id, staff_id)) is not None


def _existing_checkin(session: Session, event: RoadshowEvent, resident: Resident) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(
        CheckIn.event_id == event.id, CheckIn.resident_id == resident.id))


# ---------------------------------------------------------------------------------------------
# lists


@dataclass(frozen=True)
class EventCounts:
    """Registered, wait-listed and checked-in head counts of one event."""

    registered: int
    waitlisted: int
    checked_in: int


def counts(session: Session, event: RoadshowEvent) -> EventCounts:
    """Head counts for the event page and the list view."""
    return EventCounts(
        registered=_count(session, event, RegistrationStatus.REGISTERED),
        waitlisted=_count(session, event, RegistrationStatus.WAITLISTED),
        checked_in=session.scalar(select(func.count()).select_from(CheckIn)
                                  .where(CheckIn.event_id == event.id)) or 0,
    )


def waiting_list(session: Session, event: RoadshowEvent) -> list[Registration]:
    """Wait-listed registrations in the order they will be served."""
    return list(session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.created_at, Registration.id)
    ))


def attendance(session: Session, event: RoadshowEvent) -> list[AttendanceRow]:
    """Everyone registered, wait-listed or checked in, for the attendance export: checked-in
    people first in arrival order, then the rest by address."""
    regs = {r.resident_id: r for r in session.scalars(
        select(Registration).where(Registration.event_id == event.id))}
    checks = {c.resident_id: c for c in session.scalars(
        select(CheckIn).where(CheckIn.event_id == event.id))}
    ids = set(regs) | set(checks)
    residents = session.scalars(
        select(Resident).where(Resident.id.in_(ids))
        .options(joinedload(Resident.household).joinedload(Household.building))
    ).all() if ids else []
    rows: list[AttendanceRow] = []
    for person in residents:
        reg, chk = regs.get(person.id), checks.get(person.id)
        rows.append(AttendanceRow(
            resident_id=person.id, nickname=person.nickname, full_name=person.full_name,
            address_label=person.household.label,
            registration=reg.status.value if reg else "walk_in",
            checked_in_at=chk.checked_in_at if chk else None,
            method=chk.method.value if chk else None,
        ))
    rows.sort(key=lambda r: (r.checked_in_at is None, r.checked_in_at or event.starts_at,
                             r.address_label, r.resident_id))
    return rows


def upcoming(session: Session, now: datetime, limit: int = 5) -> list[RoadshowEvent]:
    """Scheduled events not yet over, soonest first (kiosk attract loop, admin home)."""
    return list(session.scalars(
        select(RoadshowEvent)
        .where(RoadshowEvent.status == RoadshowStatus.SCHEDULED, RoadshowEvent.ends_at > now)
        .order_by(RoadshowEvent.starts_at, RoadshowEvent.id).limit(limit)
    ))


def events_between(session: Session, start: datetime, end: datetime) -> list[RoadshowEvent]:
    """Events overlapping ``[start, end)`` for a calendar, cancelled ones included."""
    return list(session.scalars(
        select(RoadshowEvent)
        .where(RoadshowEvent.starts_at < end, RoadshowEvent.ends_at > start)
        .order_by(RoadshowEvent.starts_at, RoadshowEvent.id)
    ))
