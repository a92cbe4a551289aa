"""Audit-log entries for web actions: the core's ``record`` with the actor, time and address."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from admin.db import db
from admin.state import now
from safezone.models import AuditEntry
from safezone.services.audit import record


def audit(
    action: str,
    *,
    target_type: str | None = None,
    target_id: object | None = None,
    details: dict | None = None,
    actor_label: str | None = None,
    actor_id: int | None = None,
) -> AuditEntry:
    """Record ``action`` by the logged-in member (or the given actor) in this request's unit."""
    if current_user and current_user.is_authenticated:
        actor_id = actor_id if actor_id is not None else current_user.id
        actor_label = actor_label or current_user.label
    return record(
        db(),
        action=action,
        actor_label=actor_label or "anonymous",
        actor_id=actor_id,
        now=now(),
        target_type=target_type,
        target_id=target_id,
        details=details,
        ip=request.remote_addr,
    )
