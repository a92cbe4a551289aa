"""Dashboard page and its JSON endpoints (each a thin wrapper over safezone.services.dashboards)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import select

from admin.content_bank import question_text
from admin.db import db
from admin.i18n import current_lang
from admin.params import record_id, whole_number
from admin.roadshows import suggestions
from admin.security import CHECKERS, EVERYONE, READERS, roles
from admin.state import now
from safezone.models import RoadshowEvent, VisitOutcome
from safezone.services import dashboards, reach
from safezone.services.localtime import local_day

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")

#: Time windows offered by the page, in days (0 = since the beginning).
WINDOWS = (7, 30, 90, 365, 0)


def _since():
    days = whole_number(request.args.get("days", ""), low=0, high=36_600, default=0)
    return None if days <= 0 else local_day(now()) - timedelta(days=days - 1)


@bp.route("/")
@roles(*READERS)
def index():
    """The dashboard page (charts load from the JSON endpoints below)."""
    events = db().scalars(
        select(RoadshowEvent).where(RoadshowEvent.starts_at <= now())
        .order_by(RoadshowEvent.starts_at.desc()).limit(20)
    ).all()
    return render_template("dashboards/index.html", events=events, windows=WINDOWS,
                           ideas=suggestions.ideas())


def _kinds() -> tuple[str, ...]:
    return reach.parse_kinds(request.args.getlist("via"))


@bp.route("/api/reach")
@roles(*READERS, json=True)
def api_reach():
    """Reach overall, per plot and per building (``?via=kiosk&via=checkin&via=visit``)."""
    return jsonify(dashboards.reach(db(), _kinds()))


@bp.route("/reach")
@roles(*READERS)
def reach_page():
    """Reach per building through each touchpoint, filterable, with the definition stated."""
    kinds = _kinds()
    return render_template("dashboards/reach.html", data=dashboards.reach(db(), kinds),
                           kinds=kinds, all_kinds=reach.KINDS)


@bp.route("/api/plays")
@roles(*READERS, json=True)
def api_plays():
    """Sessions and accuracy per day (``?days=``, default 30, at most 366)."""
    days = min(whole_number(request.args.get("days", "30"), low=1, high=10**9, default=30), 366)
    return jsonify(days=dashboards.plays_over_time(db(), days, now()))


@bp.route("/api/topics")
@roles(*READERS, json=True)
def api_topics():
    """Sessions per topic and accuracy per topic."""
    since = _since()
    return jsonify(sessions=dashboards.topics(db(), since), accuracy=dashboards.accuracy_by_topic(db(), since))


@bp.route("/api/age-groups")
@roles(*READERS, json=True)
def api_age_groups():
    """Sessions and accuracy per age group."""
    return jsonify(age_groups=dashboards.age_groups(db(), _since()))


@bp.route("/api/buildings")
@roles(*READERS, json=True)
def api_buildings():
    """Accuracy per building and topic."""
    return jsonify(buildings=dashboards.accuracy_by_building(db(), _since()))


@bp.route("/api/weakest")
@roles(*READERS, json=True)
def api_weakest():
    """The 20 questions most often answered wrong, with their text."""
    lang = current_lang()
    rows = dashboards.weakest_questions(db(), limit=20, since=_since())
    return jsonify(questions=[{**row, "text": question_text(row["question_id"], lang)} for row in rows])


@bp.route("/api/roadshow-impact/<uuid:event_id>")
@roles(*READERS, json=True)
def api_impact(event_id: uuid.UUID):
    """Attendees' accuracy on the event's topics, 30 days before vs after."""
    event = db().get(RoadshowEvent, event_id)
    if event is None:
        abort(404)
    return jsonify(dashboards.roadshow_impact(db(), event, window_days=30, now=now()))


@bp.route("/api/unreached")
@roles(*READERS, json=True)
def api_unreached():
    """Households never reached (``?building=<id>``), for door-to-door follow-up."""
    return jsonify(households=dashboards.unreached_households(
        db(), building_id=record_id(request.args.get("building", "")), limit=2000))


@bp.route("/unreached")
@roles(*EVERYONE)
def unreached():
    """The door-knocking sheet: one building's flats no touchpoint reached, in natural room
    order, printable and usable on a phone (names and phones for roles that may see them)."""
    choices = reach.building_choices(db())
    raw = request.args.get("building", "")
    building_id = record_id(raw) if raw else next(
        (c["id"] for c in choices if c["unreached"]), choices[0]["id"] if choices else None)
    building = next((c for c in choices if c["id"] == building_id), None)
    if raw and building is None:
        abort(404)
    personal = current_user.may('personal_data.view')
    doors = reach.unreached_sheet(db(), building_id, personal=personal) if building else []
    return render_template("dashboards/unreached.html", doors=doors, building=building,
                           choices=choices, personal=personal, outcomes=list(VisitOutcome),
                           can_record=current_user.role in CHECKERS)
