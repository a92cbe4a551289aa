"""Roadshow pages and the check-in endpoint. The rules live in safezone.services.roadshows."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from admin.db import commit_now, db, discard_changes, late_write_lock, write_lock
from admin.i18n import current_lang, t
from admin.params import record_id, whole_number
from admin.residents import queries as resident_queries
from admin.roadshows import calendar, suggestions
from admin.roadshows.forms import TOPICS, form_defaults, parse_event_form
from admin.security import CHECKERS, EDITORS, READERS, Permission, granted, roles
from admin.state import now, state
from safezone import exports
from safezone.cards import service as cards
from safezone.models import (
    CheckIn,
    CheckInMethod,
    Registration,
    RegistrationStatus,
    Resident,
    RoadshowEvent,
    Role,
    StaffUser,
)
from safezone.services import roadshows as service
from safezone.services.localtime import LOCAL_TZ

bp = Blueprint("roadshows", __name__, url_prefix="/roadshows")


def _event_or_404(event_id: uuid.UUID) -> RoadshowEvent:
    event = db().get(RoadshowEvent, event_id)
    if event is None:
        abort(404)
    return event


def _actor() -> dict[str, object]:
    return {"actor_label": current_user.label, "actor_id": current_user.id}


def _staff_choices() -> list[StaffUser]:
    return list(db().scalars(
        select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.display_name)
    ).all())


@bp.route("/")
@roles(*CHECKERS, *READERS)
def index():
    """Upcoming and past roadshows as a list, or one month as a calendar (``?view=calendar``)."""
    session = db()
    today = now().astimezone(LOCAL_TZ).date()
    if request.args.get("view") == "calendar":
        year_text, _, month_text = request.args.get("month", "").partition("-")
        year = whole_number(year_text, low=2000, high=2100)
        month = whole_number(month_text, low=1, high=12)
        if year is None or month is None:  # the calendar shows 2000-2100 (no 9999-12)
            year, month = today.year, today.month
        start, end = calendar.month_bounds(year, month)
        events = service.events_between(session, start, end)
        prev_y, prev_m = calendar.shift_month(year, month, -1)
        next_y, next_m = calendar.shift_month(year, month, 1)
        return render_template(
            "roadshows/calendar.html", weeks=calendar.month_grid(year, month, events, today),
            year=year, month=month, prev=f"{prev_y}-{prev_m:02d}", next=f"{next_y}-{next_m:02d}",
        )
    current = now()
    events = list(session.scalars(select(RoadshowEvent).order_by(RoadshowEvent.starts_at.desc())).all())
    upcoming = sorted((e for e in events if e.ends_at > current), key=lambda e: e.starts_at)
    past = [e for e in events if e.ends_at <= current][:30]
    counts = {e.id: service.counts(session, e) for e in upcoming + past}
    return render_template("roadshows/index.html", upcoming=upcoming, past=past, counts=counts)


def _render_form(event: RoadshowEvent | None, raw: dict, errors: dict[str, str], status: int = 200):
    return render_template(
        "roadshows/form.html", event=event, raw=raw, errors=errors, topics=TOPICS,
        staff=_staff_choices(), ideas=None if event else suggestions.ideas(),
    ), status


def _save(event: RoadshowEvent | None):
    parsed = parse_event_form(request.form)
    if parsed.errors:
        return _render_form(event, parsed.raw, parsed.errors)
    try:
        if event is None:
            event = service.create_event(db(), now=now(), **parsed.values, **_actor())
        else:
            service.update_event(db(), event, now=now(), **parsed.values, **_actor())
    except service.EventInvalid as exc:
        discard_changes()
        return _render_form(event, parsed.raw, {exc.field: exc.message(current_lang())})
    except service.RoadshowError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
        return _render_form(event, parsed.raw, {})
    flash(t("saved"), "success")
    return redirect(url_for("roadshows.detail", event_id=event.id))


@bp.route("/new", methods=["GET", "POST"])
@roles(*EDITORS)
def create():
    """Schedule a roadshow."""
    if request.method == "POST":
        return _save(None)
    return _render_form(None, suggestions.prefill(request.args, form_defaults(None)), {})


@bp.route("/<uuid:event_id>/edit", methods=["GET", "POST"])
@roles(*EDITORS)
def edit(event_id: uuid.UUID):
    """Change a roadshow (a larger capacity promotes people from the waiting list)."""
    event = _event_or_404(event_id)
    if request.method == "POST":
        return _save(event)
    return _render_form(event, form_defaults(event), {})


@bp.route("/<uuid:event_id>")
@roles(*READERS)
def detail(event_id: uuid.UUID):
    """A roadshow: details, head counts, registrations, waiting list, resident search."""
    event = _event_or_404(event_id)
    session = db()
    regs = session.execute(
        select(Registration, Resident).join(Resident, Resident.id == Registration.resident_id)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.created_at, Registration.id)
    ).all()
    checked = set(session.scalars(select(CheckIn.resident_id).where(CheckIn.event_id == event.id)).all())
    find = request.args.get("find", "").strip()[:64]
    found = []
    if find:
        found, _, _ = resident_queries.search(session, resident_queries.ResidentFilter(q=find), 1)
        found = found[:10]
    staff = session.get(StaffUser, event.staff_id) if event.staff_id else None
    assigned = service.volunteers(session, event)
    taken = {v.id for v in assigned}
    assignable = [u for u in _staff_choices() if u.role == Role.VOLUNTEER and u.id not in taken]
    return render_template(
        "roadshows/detail.html", event=event, counts=service.counts(session, event),
        volunteers=assigned, assignable=assignable,
        registered=[(r, p) for r, p in regs if r.status == RegistrationStatus.REGISTERED],
        waiting=[(r, p) for r, p in regs if r.status == RegistrationStatus.WAITLISTED],
        checked=checked, find=find, found=found, staff=staff, is_over=event.ends_at <= now(),
    )


def _resident_from_form() -> Resident | None:
    """The resident named by ``resident_id`` or by a scanned ``code`` (flashes why not)."""
    resident_id = record_id(request.form.get("resident_id", ""))
    if resident_id is not None:
        resident = db().get(Resident, resident_id)
        if resident is not None and resident.anonymised_at is None:
            return resident
    code = request.form.get("code", "").strip()
    if code:
        check = cards.identify(db(), code)
        if check.ok:
            return check.resident
        flash(check.message(current_lang()), "error")
        return None
    flash(t("roadshows.pick_resident"), "error")
    return None


@bp.route("/<uuid:event_id>/register", methods=["POST"])
@roles(*EDITORS)
def register(event_id: uuid.UUID):
    """Register a resident; when the event is full they join the waiting list."""
    event = _event_or_404(event_id)
    resident = _resident_from_form()
    if resident is not None:
        try:
            reg = service.register(db(), event, resident, now=now(), **_actor())
        except service.RoadshowError as exc:
            discard_changes()
            flash(exc.message(current_lang()), "error")
        else:
            key = "roadshows.registered" if reg.status == RegistrationStatus.REGISTERED else "roadshows.waitlisted"
            flash(t(key, name=resident.nickname), "success")
    return redirect(url_for("roadshows.detail", event_id=event.id))


@bp.route("/<uuid:event_id>/unregister/<int:resident_id>", methods=["POST"])
@roles(*EDITORS)
def unregister(event_id: uuid.UUID, resident_id: int):
    """Cancel a registration; the first on the waiting list takes the place."""
    event = _event_or_404(event_id)
    resident = db().get(Resident, resident_id)
    if resident is None:
        abort(404)
    try:
        promoted = service.cancel_registration(db(), event, resident, now=now(), **_actor())
    except service.RoadshowError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("roadshows.unregistered"), "success")
        if promoted is not None:
            flash(t("roadshows.promoted", name=db().get(Resident, promoted.resident_id).nickname), "info")
    return redirect(url_for("roadshows.detail", event_id=event.id))


@bp.route("/<uuid:event_id>/cancel", methods=["POST"])
@roles(*EDITORS)
def cancel(event_id: uuid.UUID):
    """Cancel the event (it stays listed, struck out)."""
    event = _event_or_404(event_id)
    try:
        service.cancel_event(db(), event, now=now(), reason=request.form.get("reason", "")[:200], **_actor())
    except service.RoadshowError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("roadshows.cancelled"), "success")
    return redirect(url_for("roadshows.detail", event_id=event.id))


@bp.route("/<uuid:event_id>/volunteers", methods=["POST"])
@roles(*EDITORS)
def assign_volunteer(event_id: uuid.UUID):
    """Let a volunteer check people in at this roadshow."""
    event = _event_or_404(event_id)
    volunteer = db().get(StaffUser, record_id(request.form.get("staff_id", "")) or 0)
    if volunteer is None:
        flash(t("err.choice"), "error")
        return redirect(url_for("roadshows.detail", event_id=event.id))
    try:
        service.assign_volunteer(db(), event, volunteer, now=now(), **_actor())
    except service.RoadshowError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("saved"), "success")
    return redirect(url_for("roadshows.detail", event_id=event.id))


@bp.route("/<uuid:event_id>/volunteers/<int:staff_id>/remove", methods=["POST"])
@roles(*EDITORS)
def unassign_volunteer(event_id: uuid.UUID, staff_id: int):
    """Take a volunteer off this roadshow."""
    event = _event_or_404(event_id)
    service.unassign_volunteer(db(), event, staff_id, now=now(), **_actor())
    flash(t("saved"), "success")
    return redirect(url_for("roadshows.detail", event_id=event.id))


def _may_check_in(event: RoadshowEvent) -> bool:
    return service.may_check_in(db(), event, current_user.id, current_user.role)


@bp.route("/<uuid:event_id>/checkin")
@roles(*CHECKERS)
def checkin(event_id: uuid.UUID):
    """The check-in screen: scanner input, camera scanning, the last result, large."""
    event = _event_or_404(event_id)
    if not _may_check_in(event):  # a volunteer not assigned to this roadshow
        abort(403)
    find = request.args.get("find", "").strip()[:32]
    return render_template("roadshows/checkin.html", event=event, counts=service.counts(db(), event),
                           find=find, found=resident_queries.lookup(db(), find) if find else [])


_METHODS = {"scanner": CheckInMethod.SCANNER, "camera": CheckInMethod.CAMERA, "manual": CheckInMethod.MANUAL}


def _checkin_result(event: RoadshowEvent) -> tuple[dict, int]:
    data = request.get_json(silent=True) if request.is_json else request.form
    if not hasattr(data, "get"):  # a JSON list, number or string: no code in it
        data = {}
    raw = str(data.get("code", ""))[:200]
    method = _METHODS.get(str(data.get("method", "scanner")), CheckInMethod.SCANNER)
    lang = current_lang()
    raw_id = str(data.get("resident_id", ""))
    if raw_id.isdigit():  # no card: found by name or phone and confirmed by the household
        resident = db().get(Resident, int(raw_id))
        if resident is None or resident.anonymised_at is not None:
            return {"ok": False, "reason": "unknown", "message": t("checkin.staff.unknown")}, 422
        method = CheckInMethod.MANUAL
    else:
        check = cards.identify(db(), raw)
        if not check.ok:
            # Staff-facing wording: the kiosk's text speaks to residents ("choose play as guest").
            return {"ok": False, "reason": check.reason, "code": raw,
                    "message": t(f"checkin.staff.{check.reason}")}, 422
        resident = check.resident
    # Everything shown comes from the identify query; read it before taking the lock.
    nickname, building = resident.nickname, resident.household.building.label
    write_lock()  # identified without the lock: hold it only for the writes and the commit
    try:
        service.check_in(db(), event, resident, method=method, now=now(),
                         operator_id=current_user.id, actor_label=current_user.label,
                         opens_before=timedelta(minutes=state().settings.checkin_opens_minutes))
    except service.AlreadyCheckedIn as exc:
        discard_changes()
        return {"ok": False, "reason": "already", "message": exc.message(lang),
                "nickname": nickname, "building": building}, 409
    except service.RoadshowError as exc:
        discard_changes()
        return {"ok": False, "reason": "event", "message": exc.message(lang)}, 409
    commit_now()  # the rest only reads: let the next scan write
    checked_in = db().scalar(select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event.id))
    return {
        "ok": True, "reason": "ok", "nickname": nickname,
        "building": building, "points": event.checkin_points,
        "message": t("checkin.welcome", name=nickname, points=event.checkin_points),
        "checked_in": checked_in,
    }, 200


@bp.route("/<uuid:event_id>/checkin", methods=["POST"])
@roles(*CHECKERS, json=True)
@late_write_lock
def checkin_scan(event_id: uuid.UUID):
    """Check in one scanned card: JSON for the page's script, a page when scripts are off."""
    event = db().get(RoadshowEvent, event_id)
    if event is None:
        return jsonify(ok=False, reason="no_event", message=t("err.not_found")), 404
    if not _may_check_in(event):
        return jsonify(ok=False, reason="not_assigned", message=t("roadshows.not_assigned")), 403
    result, status = _checkin_result(event)
    if request.is_json:
        return jsonify(result), status
    # Without JavaScript the form posts here; show the same screen with the result.
    return render_template("roadshows/checkin.html", event=event, counts=service.counts(db(), event),
                           result=result, find="", found=[]), 200 if status == 200 else status


@bp.route("/<uuid:event_id>/attendance.xlsx")
@roles(*granted(Permission.EXPORT_PERSONAL_DATA))
def attendance_export(event_id: uuid.UUID):
    """Attendance list as XLSX (audited): full names and flats, so exporting personal data is
    its own permission, which viewers do not hold."""
    event = _event_or_404(event_id)
    export = exports.attendance_xlsx(db(), event)
    exports.audit_export(db(), kind="attendance", rows=export.rows, now=now(),
                         actor_label=current_user.label, actor_id=current_user.id,
                         ip=request.remote_addr, details={"event_id": str(event.id)})
    stamp = event.starts_at.astimezone(LOCAL_TZ).strftime("%Y%m%d")
    return send_file(io.BytesIO(export.data), as_attachment=True,
                     download_name=f"attendance-{stamp}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
