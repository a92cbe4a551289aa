"""Reach through every touchpoint (DESIGN.md decision 12): kiosk plays, roadshow check-ins and
door-to-door visits; recording visits; the door-knocking sheet.

A household is **reached** when at least one of its residents finished a kiosk play, checked in
at a roadshow, or when a door-to-door visit spoke to someone there (a visit that found nobody
home, was refused, or only left material does not count). one table, :class:`HouseholdTouch` (a row per household and touchpoint), kept current in the
same transaction as the play (rollups), check-in or visit (:func:`touch`) and rebuildable with
:func:`rebuild_touches`. Dashboards read these two rollups, never the raw records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from safezone.db.base import table_of
from safezone.models import (
    GUEST_BUILDING,
    Building,
    CheckIn,
    DoorVisit,
    Household,
    HouseholdTouch,
    Plot,
    Resident,
    ResidentActivity,
    VisitOutcome,
)
from safezone.services import audit
from safezone.services.errors import BilingualError
from safezone.services.rollups import _upsert

#: The touchpoints, in display order. One owner for these words (DESIGN.md decision 13).
KINDS: tuple[str, ...] = ("kiosk", "checkin", "visit")
#: Topics a visit may be about (the culture wall's four).
VISIT_TOPICS: tuple[str, ...] = ("fire", "home", "traffic", "cyber")
#: How far back a visit may be recorded (a paper sheet handed in late), and how far ahead.
VISIT_MAX_AGE = timedelta(days=92)
VISIT_CLOCK_SKEW = timedelta(minutes=10)


class VisitInvalid(BilingualError):
    """A visit could not be recorded; ``field`` names the form field."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.field = field


# ---------------------------------------------------------------------------------------------
# keeping the rollup current


def touch(session: Session, household_id: int, building_id: int, kind: str, at: datetime) -> None:
    """Count one touchpoint of ``kind`` (``checkin`` or ``visit``) for a household (one upsert;
    kiosk plays are counted by :func:`safezone.services.rollups.apply_sessions`)."""
    if kind not in KINDS[1:]:
        raise ValueError(f"unknown touchpoint kind {kind!r}")
    _upsert(session, table_of(HouseholdTouch),
            [{"household_id": household_id, "kind": kind, "building_id": building_id,
              "first_at": at, "last_at": at, "count": 1}],
            keys=("household_id", "kind"), add=("count",), least=("first_at",),
            greatest=("last_at",))


def rebuild_touches(session: Session) -> int:
    """Recompute :class:`HouseholdTouch` from the kiosk activity rollup, check-ins and visits
    (flushed; call after :class:`ResidentActivity` is current); returns its rows."""
    session.flush()
    session.execute(delete(HouseholdTouch))
    checkins = (
        select(Household.id, literal("checkin"), Household.building_id,
               func.min(CheckIn.checked_in_at), func.max(CheckIn.checked_in_at), func.count())
        .select_from(CheckIn)
        .join(Resident, Resident.id == CheckIn.resident_id)
        .join(Household, Household.id == Resident.household_id)
        .group_by(Household.id, Household.building_id)
    )
    kiosk = (
        select(ResidentActivity.household_id, literal("kiosk"), ResidentActivity.building_id,
               func.min(ResidentActivity.first_played_at), func.max(ResidentActivity.last_played_at),
               func.sum(ResidentActivity.sessions))
        .where(ResidentActivity.building_id != GUEST_BUILDING)
        .group_by(ResidentActivity.household_id, ResidentActivity.building_id)
    )
    visits = (
        select(Household.id, literal("visit"), Household.building_id,
               func.min(DoorVisit.visited_at), func.max(DoorVisit.visited_at), func.count())
        .select_from(DoorVisit)
        .join(Household, Household.id == DoorVisit.household_id)
        .where(DoorVisit.outcome == VisitOutcome.TALKED)
        .group_by(Household.id, Household.building_id)
    )
    columns = ["household_id", "kind", "building_id", "first_at", "last_at", "count"]
    for query in (kiosk, checkins, visits):
        session.execute(insert(HouseholdTouch).from_select(columns, query))
    session.flush()
    return int(session.scalar(select(func.count()).select_from(HouseholdTouch)) or 0)


# ---------------------------------------------------------------------------------------------
# visits


def record_visit(
    session: Session,
    household: Household,
    *,
    visitor: str,
    visited_at: datetime,
    outcome: VisitOutcome,
    topic: str | None,
    note: str | None,
    now: datetime,
    actor_label: str,
    operator_id: int | None = None,
) -> DoorVisit:
    """Record a door-to-door visit (flushed, audited); a visit that spoke to someone counts as a
    touchpoint at once. Raises :class:`VisitInvalid` naming the field."""
    visitor = " ".join(visitor.split())
    if not visitor:
        raise VisitInvalid("visitor", "请填写走访人", "enter who visited")
    if len(visitor) > 64:
        raise VisitInvalid("visitor", "走访人太长（最多 64 字）", "visitor too long (at most 64)")
    if topic is not None and topic not in VISIT_TOPICS:
        raise VisitInvalid("topic", "宣传主题无效", "unknown topic")
    if visited_at > now + VISIT_CLOCK_SKEW:
        raise VisitInvalid("visited_at", "走访时间不能晚于现在", "the visit cannot be in the future")
    if visited_at < now - VISIT_MAX_AGE:
        raise VisitInvalid("visited_at", "只能补录 3 个月内的走访", "only visits of the last 3 months can be recorded")
    note = (note or "").strip() or None
    if note is not None and len(note) > 200:
        raise VisitInvalid("note", "备注太长（最多 200 字）", "note too long (at most 200)")
    visit = DoorVisit(household_id=household.id, visitor=visitor, visited_at=visited_at,
                      outcome=outcome, topic=topic, note=note, operator_id=operator_id,
                      created_at=now)
    session.add(visit)
    session.flush()
    if outcome.reaches:
        touch(session, household.id, household.building_id, "visit", visited_at)
    audit.record(session, action="visit.record", actor_label=actor_label, actor_id=operator_id,
                 now=now, target_type="household", target_id=household.id,
                 details={"outcome": outcome.value, "topic": topic})
    return visit


def visits_of(session: Session, household_id: int, limit: int = 20) -> list[DoorVisit]:
    """A household's visits, newest first."""
    return list(session.scalars(
        select(DoorVisit).where(DoorVisit.household_id == household_id)
        .order_by(DoorVisit.visited_at.desc()).limit(limit)))


# ---------------------------------------------------------------------------------------------
# reading reach


def parse_kinds(values: Iterable[str]) -> tuple[str, ...]:
    """The known touchpoints among ``values`` in display order; all of them when none is known."""
    wanted = {v for v in values if v in KINDS}
    return tuple(k for k in KINDS if k in wanted) or KINDS


def touch_rows(kinds: Iterable[str] = KINDS) -> Any:
    """(household_id, building_id, kind) of every household touched by one of ``kinds``: a
    subquery over :class:`HouseholdTouch` (a household appears once per kind, at most)."""
    return (select(HouseholdTouch.household_id, HouseholdTouch.building_id, HouseholdTouch.kind)
            .where(HouseholdTouch.kind.in_(tuple(kinds))).subquery())


def reached_by_building(session: Session, kinds: Iterable[str] = KINDS) -> tuple[
        dict[int, int], dict[tuple[int, str], int]]:
    """Households reached per building by any of ``kinds``, and per (building, kind)."""
    rows = touch_rows(kinds)
    any_kind: dict[int, int] = dict(session.execute(
        select(rows.c.building_id, func.count(func.distinct(rows.c.household_id)))
        .group_by(rows.c.building_id)).all())
    per_kind = {(b, k): n for b, k, n in session.execute(
        select(rows.c.building_id, rows.c.kind, func.count())
        .group_by(rows.c.building_id, rows.c.kind))}
    return any_kind, per_kind


_ROOM_PARTS = re.compile(r"(\d+)")


def room_order(room: str) -> tuple[Any, ...]:
    """Sort key for doors in the order people walk them: 101, 102, … 901, 1001 (not 1001, 101)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in _ROOM_PARTS.split(room) if part)


@dataclass(frozen=True)
class SheetPerson:
    """A resident on the door-knocking sheet (name and phone only for roles allowed to see them)."""

    nickname: str
    full_name: str | None
    phone: str | None
    age_group: str


@dataclass(frozen=True)
class SheetDoor:
    """A flat not reached by any touchpoint, with the people registered there."""

    household_id: int
    unit: int
    room: str
    people: list[SheetPerson]


def unreached_sheet(session: Session, building_id: int, *, personal: bool) -> list[SheetDoor]:
    """The door-knocking sheet of one building: every flat no touchpoint reached, by unit and
    natural room order, with its residents (full names and phones only when ``personal``)."""
    touched = exists().where(HouseholdTouch.household_id == Household.id)
    doors = session.execute(
        select(Household.id, Household.unit, Household.room)
        .where(Household.building_id == building_id, ~touched)).all()
    people: dict[int, list[SheetPerson]] = {}
    ids = [d[0] for d in doors]
    for start in range(0, len(ids), 500):
        for h_id, nickname, name, phone, age in session.execute(
            select(Resident.household_id, Resident.nickname, Resident.full_name, Resident.phone,
                   Resident.age_group)
            .where(Resident.household_id.in_(ids[start:start + 500]),
                   Resident.anonymised_at.is_(None))
            .order_by(Resident.id)):
            people.setdefault(h_id, []).append(SheetPerson(
                nickname, name if personal else None, phone if personal else None, age.value))
    sheet = [SheetDoor(h_id, unit, room, people.get(h_id, [])) for h_id, unit, room in doors]
    sheet.sort(key=lambda d: (d.unit, room_order(d.room)))
    return sheet


def building_choices(session: Session) -> list[dict[str, Any]]:
    """Buildings with their unreached-flat counts, for choosing a sheet (plot/building order)."""
    touched = exists().where(HouseholdTouch.household_id == Household.id)
    open_counts = dict(session.execute(
        select(Household.building_id, func.count()).where(~touched)
        .group_by(Household.building_id)).all())
    return [{"id": b_id, "label": f"{p_no}号地块{b_no}栋", "unreached": open_counts.get(b_id, 0)}
            for b_id, b_no, p_no in session.execute(
                select(Building.id, Building.number, Plot.number)
                .join(Plot, Plot.id == Building.plot_id).order_by(Plot.number, Building.number))]
