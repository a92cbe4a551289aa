"""What the kiosk greets a card holder with: nickname, building, points and badges."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from safezone.models import AgeGroup
from safezone.services import points
from safezone.services.badges import awarded_ids
from safezone.services.points import UnknownResident


@dataclass(frozen=True)
class Profile:
    """A resident as the kiosk may show them: never the full name."""

    resident_id: int
    nickname: str
    #: e.g. ``1号地块5栋``.
    building_label: str
    age_group: AgeGroup
    balance: int
    #: Badge ids held, in the order they were earned.
    badges: list[str]


def resident_profile(session: Session, resident_id: int) -> Profile:
    """The greeting profile of a resident; raises :class:`UnknownResident` for an unknown or
    anonymised resident (an anonymised person has nobody to greet)."""
    resident = points.require_resident(session, resident_id)
    if resident.anonymised_at is not None:
        raise UnknownResident(resident_id)
    return Profile(
        resident_id=resident.id,
        nickname=resident.nickname,
        building_label=resident.household.building.label,
        age_group=resident.age_group,
        balance=points.balance(session, resident.id),
        badges=awarded_ids(session, resident.id),
    )
