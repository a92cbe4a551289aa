"""The landing page: a short overview for staff, the check-in list for volunteers."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from admin.db import db
from admin.security import EVERYONE, roles
from admin.state import now
from safezone.models import (
    Household,
    Resident,
    ResidentActivity,
    Role,
    Site,
)
from safezone.services import community, roadshows

bp = Blueprint("home", __name__)


@bp.route("/")
@roles(*EVERYONE)
def index():
    """Overview counts and the next roadshows."""
    if current_user.role == Role.VOLUNTEER:
        return redirect(url_for("roadshows.index"))
    session = db()
    if community.the_site(session) is None:
        # An empty database (``safezone init`` without the demo): set the community up first.
        if current_user.role == Role.ADMIN:
            return redirect(url_for("community.index"))
        return render_template("home.html", stats=None, upcoming=[], no_site=True)
    target = session.scalar(select(func.coalesce(func.sum(Site.household_target), 0))) or 0
    reached = session.scalar(select(func.count(func.distinct(ResidentActivity.household_id)))) or 0
    stats = {
        "residents": session.scalar(
            select(func.count()).select_from(Resident).where(Resident.anonymised_at.is_(None))
        ),
        "households": session.scalar(select(func.count()).select_from(Household)),
        "reached": reached,
        "target": target,
        "share": (100.0 * reached / target) if target else 0.0,
    }
    upcoming = roadshows.upcoming(session, now(), limit=5)
    return render_template("home.html", stats=stats, upcoming=upcoming)
