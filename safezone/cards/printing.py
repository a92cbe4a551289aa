"""Choose whose cards to print, issue them and lay them out: shared by the CLI and the admin app.

Codes are never stored, so printing a card always issues a new one. The caller commits only after
the PDF is completely written; if anything fails the transaction is rolled back and the residents
keep the cards they had.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, contains_eager

from safezone.cards.service import issue_cards
from safezone.cards.sheets import PrintableCard, Progress, write_card_sheets
from safezone.labels import unit_label
from safezone.models import Building, Card, CardStatus, Household, Plot, Resident

_PLOT_BUILDING = re.compile(r"^\s*(\d+)\s*[-/]\s*(\d+)\s*$")


def card_address(resident: Resident) -> str:
    """Plot, building and unit, e.g. ``1号地块5栋2单元``; the card prints the door number after
    it (:attr:`PrintableCard.room`), since two members of one family must be told apart when the
    cards are handed out (issue 13)."""
    household = resident.household
    return unit_label(household.building.plot.number, household.building.number, household.unit)


def printable_card(resident: Resident, code: str, service_phone: str = "") -> PrintableCard:
    """What the card of ``resident`` with ``code`` shows (and its index line)."""
    return PrintableCard(
        code=code,
        nickname=resident.nickname,
        address_label=card_address(resident),
        site_name=resident.household.building.plot.site.name,
        room=resident.household.room,
        full_name=resident.full_name,
        service_phone=service_phone,
    )


def parse_building_spec(spec: str) -> tuple[int, int] | int:
    """Parse ``1-5`` into ``(plot 1, building 5)`` and ``12`` into the building id ``12``.

    Raises ValueError, saying both accepted forms, for anything else.
    """
    match = _PLOT_BUILDING.match(spec)
    if match:
        return int(match.group(1)), int(match.group(2))
    if spec.strip().isdigit():
        return int(spec)
    raise ValueError(
        f"building {spec!r} is neither plot-building like 1-5 nor a building id like 12"
    )


def find_building(session: Session, spec: str) -> Building | None:
    """Find a building by ``plot-building`` (``1-5`` = 1号地块5栋) or by its database id (``12``).

    Returns None when no such building exists; raises ValueError when ``spec`` is neither form.
    """
    parsed = parse_building_spec(spec)
    if isinstance(parsed, int):
        return session.get(Building, parsed)
    plot_number, building_number = parsed
    return session.scalars(
        select(Building)
        .join(Building.plot)
        .where(Plot.number == plot_number, Building.number == building_number)
        .order_by(Plot.site_id)
    ).first()


def residents_for_cards(
    session: Session,
    *,
    building_id: int | None = None,
    include_carded: bool = False,
    limit: int | None = None,
) -> list[Resident]:
    """Residents to print cards for, ordered by plot, building, unit and room (easy handing out).

    By default only current residents without an active card; ``include_carded`` takes everyone
    (their old cards get revoked when the new ones are issued). Anonymised residents never get a
    card. ``building_id`` narrows to one building, ``limit`` to the first N.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    statement = (
        select(Resident)
        .join(Resident.household)
        .join(Household.building)
        .join(Building.plot)
        .where(Resident.anonymised_at.is_(None))
        .options(
            contains_eager(Resident.household)
            .contains_eager(Household.building)
            .contains_eager(Building.plot)
            .joinedload(Plot.site)
        )
        .order_by(
            # Door numbers are text: by length first so 101 < 102 < 1001 (floor order).
            Plot.site_id, Plot.number, Building.number, Household.unit,
            func.length(Household.room), Household.room, Resident.id,
        )
    )
    if building_id is not None:
        statement = statement.where(Building.id == building_id)
    if not include_carded:
        statement = statement.where(
            ~exists().where(Card.resident_id == Resident.id, Card.status == CardStatus.ACTIVE)
        )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def issue_and_print(
    session: Session,
    residents: Sequence[Resident],
    out: BinaryIO | Path,
    *,
    now: datetime,
    rng: random.Random | None = None,
    actor_label: str = "system",
    actor_id: int | None = None,
    progress: Progress | None = None,
    service_phone: str = "",
) -> int:
    """Issue a new card to each of ``residents`` and write their sheets to ``out``; return pages
    (the index page(s) included).

    Flushes, never commits: commit after this returns (the PDF is then complete), roll back if it
    raises. Raises ValueError when ``residents`` is empty and
    :class:`safezone.cards.service.CardError` for an anonymised or repeated resident.
    """
    if not residents:
        raise ValueError("no residents to print cards for")
    issued = issue_cards(
        session, residents, now=now, rng=rng, actor_label=actor_label, actor_id=actor_id
    )
    cards = [printable_card(item.card.resident, item.code, service_phone) for item in issued]
    return write_card_sheets(cards, out, progress=progress)
