"""Read-only queries behind the residents pages (search, filters, pagination)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from safezone.models import Building, Card, CardStatus, Household, Plot, Resident

PAGE_SIZE = 50


@dataclass(frozen=True)
class ResidentFilter:
    """What the list is filtered by."""

    q: str = ""
    plot: int | None = None
    building: int | None = None
    card: str = ""  # "", "with", "without"
    include_anonymised: bool = False
    #: Whether ``q`` may match phone numbers (only for those who may see them).
    search_phones: bool = False


def _filtered(f: ResidentFilter) -> Select:
    stmt = select(Resident).join(Resident.household).join(Household.building).join(Building.plot)
    if not f.include_anonymised:
        stmt = stmt.where(Resident.anonymised_at.is_(None))
    if f.plot is not None:
        stmt = stmt.where(Plot.number == f.plot)
    if f.building is not None:
        stmt = stmt.where(Building.id == f.building)
    if f.q:
        like = f"%{f.q.replace('%', '').replace('_', '')}%"
        fields = [Resident.full_name.like(like), Resident.nickname.like(like),
                  Household.room.like(like)]
        if f.search_phones:  # otherwise a viewer could find out a number by searching for it
            fields.append(Resident.phone.like(like))
        stmt = stmt.where(or_(*fields))
    active = select(Card.id).where(Card.resident_id == Resident.id, Card.status == CardStatus.ACTIVE)
    if f.card == "with":
        stmt = stmt.where(active.exists())
    elif f.card == "without":
        stmt = stmt.where(~active.exists())
    return stmt


def search(session: Session, f: ResidentFilter, page: int) -> tuple[list[Resident], int, int]:
    """One page of residents matching ``f``, ordered by address; returns (rows, total, pages)."""
    total = session.scalar(select(func.count()).select_from(_filtered(f).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.scalars(
        _filtered(f)
        .options(joinedload(Resident.household).joinedload(Household.building).joinedload(Building.plot))
        .order_by(Plot.number, Building.number, Household.unit,
                  func.length(Household.room), Household.room, Resident.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(rows), total, pages


def matching(session: Session, f: ResidentFilter) -> list[Resident]:
    """Every resident matching ``f`` (for printing a sheet of cards), ordered by address."""
    return list(session.scalars(
        _filtered(f)
        .options(joinedload(Resident.household).joinedload(Household.building).joinedload(Building.plot))
        .order_by(Plot.number, Building.number, Household.unit,
                  func.length(Household.room), Household.room, Resident.id)
    ).all())


def buildings(session: Session) -> list[Building]:
    """All buildings with their plots, in plot/building order (filter menus)."""
    return list(session.scalars(
        select(Building).join(Building.plot).options(joinedload(Building.plot))
        .order_by(Plot.number, Building.number)
    ).all())


def active_card_ids(session: Session, resident_ids: list[int]) -> set[int]:
    """Which of ``resident_ids`` hold an active card."""
    if not resident_ids:
        return set()
    return set(session.scalars(
        select(Card.resident_id).where(Card.resident_id.in_(resident_ids), Card.status == CardStatus.ACTIVE)
    ).all())


def cards_of(session: Session, resident_id: int) -> list[Card]:
    """A resident's cards, newest first."""
    return list(session.scalars(
        select(Card).where(Card.resident_id == resident_id).order_by(Card.issued_at.desc(), Card.id.desc())
    ).all())


def lookup(session: Session, text: str, limit: int = 10) -> list[Resident]:
    """Residents for a check-in without a card: four digits match the phone's last four, any
    other text a part of the full name or nickname. Current residents only, by address."""
    text = text.strip()[:32]
    if not text:
        return []
    if len(text) == 4 and text.isdigit():
        match = Resident.phone.like(f"%{text}")
    else:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        match = or_(Resident.full_name.like(like), Resident.nickname.like(like))
    return list(session.scalars(
        select(Resident).join(Resident.household).join(Household.building).join(Building.plot)
        .where(match, Resident.anonymised_at.is_(None))
        .options(joinedload(Resident.household).joinedload(Household.building).joinedload(Building.plot))
        .order_by(Plot.number, Building.number, Household.unit, func.length(Household.room),
                  Household.room, Resident.id)
        .limit(limit)).all())
