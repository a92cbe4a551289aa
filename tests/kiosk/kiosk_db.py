"""Card holders in a real (migrated) database for kiosk tests (imported by name)."""

from __future__ import annotations

import random
from datetime import datetime

from safezone.app_context import Database
from safezone.cards.service import issue_card
from safezone.models import AgeGroup, Household, Resident
from safezone.services.community import ensure_buildings, ensure_site


def make_card_holder(
    database: Database, *, nickname: str, now: datetime, age_group: AgeGroup = AgeGroup.ADULT,
    plot: int = 1, building: int = 5, room: str = "1203", seed: int = 11, reissue: bool = False,
) -> tuple[int, str, str | None]:
    """Add a resident with a card; returns (resident id, active code, revoked code or None)."""
    with database.sessions() as session:
        site = ensure_site(session, "锦秀城三期", 1462)
        buildings = ensure_buildings(session, site, {plot: [building]})
        household = Household(building=buildings[0], unit=1, room=room, created_at=now)
        resident = Resident(household=household, full_name="测试居民", nickname=nickname, age_group=age_group,
                            consent=True, consent_at=now, created_at=now)
        session.add_all([household, resident])
        session.flush()
        rng = random.Random(seed)
        first = issue_card(session, resident, now=now, rng=rng)
        revoked = None
        code = first.code
        if reissue:
            revoked = first.code
            code = issue_card(session, resident, now=now, rng=rng).code
        session.commit()
        return resident.id, code, revoked
