"""The audit log page: who did what, when, with filters."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from admin.db import db
from admin.params import whole_number
from admin.security import ADMINS, roles
from safezone.models import AuditEntry
from safezone.services.localtime import LOCAL_TZ

bp = Blueprint("audit_log", __name__, url_prefix="/audit")

PAGE_SIZE = 100


def _day(name: str) -> datetime | None:
    try:
        day = datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


@bp.route("/")
@roles(*ADMINS)
def index():
    """Entries newest first, filtered by action prefix, actor and local day range."""
    action = request.args.get("action", "").strip()[:64]
    actor = request.args.get("actor", "").strip()[:80]
    since, until = _day("since"), _day("until")
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action.like(f"{action.replace('%', '')}%"))
    if actor:
        query = query.where(AuditEntry.actor_label == actor)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until + timedelta(days=1))
    total = db().scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = whole_number(request.args.get("page", "1"), low=1, high=pages, default=1)
    entries = db().scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    actions = sorted({a.split(".")[0] for a in db().scalars(select(AuditEntry.action).distinct()).all()})
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}

    def page_args(n: int) -> str:
        return urlencode({**args, "page": n})

    return render_template("audit_log/index.html", entries=entries, total=total, page=page, pages=pages,
                           page_args=page_args, actions=actions, action=action, actor=actor,
                           since=request.args.get("since", ""), until=request.args.get("until", ""))
