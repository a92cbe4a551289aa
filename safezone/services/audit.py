"""Write audit-log entries: every change, check-in, redemption, export and login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from safezone.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    actor_label: str,
    now: datetime,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: object | None = None,
    details: dict | None = None,
    ip: str | None = None,
    flush: bool = True,
) -> AuditEntry:
    """Append one audit entry (flushed, not committed). Never put card codes or passwords in
    ``details``.

    Batch callers pass ``flush=False`` and flush once after their last entry: one INSERT
    round per batch instead of one per entry. The entry is then pending until that flush (or
    the next autoflush or commit) and has no ``id`` yet.
    """
    entry = AuditEntry(
        at=now,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details=details,
        ip=ip,
    )
    session.add(entry)
    if flush:
        session.flush()
    return entry
