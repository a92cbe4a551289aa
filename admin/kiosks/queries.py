"""Read-only queries of the kiosks page."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import Kiosk, PlaySession
from safezone.sync import tokens


class KioskState(str, enum.Enum):
    """Where a kiosk is in its life; the value is the message key suffix."""

    AWAITING = "awaiting"  # registered, has not enrolled with its code yet
    ACTIVE = "active"  # enrolled: its token is accepted
    REVOKED = "revoked"  # its token (and any pending code) is refused


def state_of(kiosk: Kiosk) -> KioskState:
    """The state shown for ``kiosk``."""
    if kiosk.revoked_at is not None:
        return KioskState.REVOKED
    if kiosk.token_hash is not None:
        return KioskState.ACTIVE
    return KioskState.AWAITING


@dataclass(frozen=True)
class KioskRow:
    """One line of the kiosks table."""

    kiosk: Kiosk
    state: KioskState
    #: When the pending enrolment code expires (None: no code pending).
    code_expires_at: datetime | None
    #: Whether that code still works now.
    code_usable: bool
    #: Play sessions this kiosk has sent to the server.
    sessions: int


def sessions_by_kiosk(session: Session, kiosk_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Play sessions recorded by each of ``kiosk_ids`` (one grouped query on the kiosk index)."""
    if not kiosk_ids:
        return {}
    rows = session.execute(
        select(PlaySession.kiosk_id, func.count())
        .where(PlaySession.kiosk_id.in_(kiosk_ids))
        .group_by(PlaySession.kiosk_id)
    ).all()
    return {kiosk_id: count for kiosk_id, count in rows}


def kiosk_rows(session: Session, *, now: datetime) -> list[KioskRow]:
    """Every kiosk, those in use first, then by name."""
    kiosks = session.scalars(
        select(Kiosk).order_by(Kiosk.revoked_at.is_not(None), Kiosk.name, Kiosk.created_at)
    ).all()
    counts = sessions_by_kiosk(session, [k.id for k in kiosks])
    return [
        KioskRow(kiosk=k, state=state_of(k), code_expires_at=tokens.code_expires_at(k),
                 code_usable=tokens.code_is_usable(k, now=now), sessions=counts.get(k.id, 0))
        for k in kiosks
    ]
