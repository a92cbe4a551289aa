"""Recording a door-to-door visit: a short phone-friendly form opened from the door-knocking sheet.

Volunteers may record visits (as they check people in); the form never shows names or phones to
them. Views parse input and call :mod:`safezone.services.reach`; one commit per request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admin.db import db, discard_changes
from admin.i18n import current_lang, t
from admin.security import CHECKERS, roles
from admin.state import now
from safezone.models import Household, VisitOutcome
from safezone.services import reach
from safezone.services.localtime import LOCAL_TZ

bp = Blueprint("visits", __name__, url_prefix="/visits")


def _local_input(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM`` in local time, what ``<input type=datetime-local>`` shows."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


@bp.route("/new", methods=["GET", "POST"])
@roles(*CHECKERS)
def new():
    """Record a visit to ``?household=ID``; back to that building's sheet afterwards."""
    raw = request.args.get("household", "")
    household = db().get(Household, int(raw)) if raw.isdigit() else None
    if household is None:
        abort(404)
    form = {"visitor": current_user.display_name, "visited_at": _local_input(now()), "topic": "",
            "outcome": VisitOutcome.TALKED.value, "note": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form.update({k: request.form.get(k, "").strip() for k in form})
        try:
            outcome = VisitOutcome(form["outcome"])
        except ValueError:
            errors["outcome"] = t("visits.outcome_required")
        try:
            visited_at = datetime.strptime(form["visited_at"], "%Y-%m-%dT%H:%M").replace(tzinfo=LOCAL_TZ)
        except ValueError:
            errors["visited_at"] = t("visits.when_invalid")
        if not errors:
            try:
                reach.record_visit(
                    db(), household, visitor=form["visitor"], visited_at=visited_at,
                    outcome=outcome, topic=form["topic"] or None, note=form["note"], now=now(),
                    actor_label=current_user.label, operator_id=current_user.id)
            except reach.VisitInvalid as exc:
                discard_changes()
                errors[exc.field] = exc.message(current_lang())
            else:
                flash(t("visits.saved", door=household.label), "success")
                return redirect(url_for("dashboards.unreached", building=household.building_id)
                                + f"#door-{household.id}")
    return render_template(
        "visits/new.html", household=household, form=form, errors=errors,
        outcomes=list(VisitOutcome), topics=reach.VISIT_TOPICS,
        earliest=_local_input(now() - reach.VISIT_MAX_AGE + timedelta(minutes=1)),
        history=reach.visits_of(db(), household.id, limit=5),
    ), (422 if errors else 200)
