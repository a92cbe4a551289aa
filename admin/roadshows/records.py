"""Roadshow documents for the 台账: the printable sign-in sheet and the event record (summary,
photos, attendance) with its PDF. The rules live in safezone.services.roadshow_records."""

from __future__ import annotations

import io
import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from admin.db import db, discard_changes
from admin.i18n import current_lang, t
from admin.roadshows.views import _event_or_404
from admin.security import EDITORS, roles
from admin.state import now, state
from safezone import exports
from safezone.models import RoadshowEvent, RoadshowPhoto
from safezone.reports.record_pdf import record_pdf as render_record_pdf
from safezone.reports.signin_pdf import signin_sheet_pdf
from safezone.services import roadshow_records as records
from safezone.services import roadshows as service
from safezone.services.localtime import LOCAL_TZ

bp = Blueprint("roadshow_records", __name__, url_prefix="/roadshows")


@bp.route("/<uuid:event_id>/signin.pdf")
@roles(*EDITORS)
def signin_sheet(event_id: uuid.UUID):
    """The sign-in sheet with names, rooms and a 签名 column (personal data: staff and
    administrators; audited like an export)."""
    event = _event_or_404(event_id)
    rows = service.attendance(db(), event)
    data = signin_sheet_pdf(event, rows, site_name=state().settings.site_name, now=now())
    return _send_pdf(data, event, kind="signin_sheet", rows=len(rows), name="签到表")


def _send_pdf(data: bytes, event: RoadshowEvent, *, kind: str, rows: int, name: str):
    """Audit a document about ``event`` as ``export.<kind>`` and send it as a download."""
    exports.audit_export(db(), kind=kind, rows=rows, now=now(), actor_label=current_user.label,
                         actor_id=current_user.id, ip=request.remote_addr,
                         details={"event_id": str(event.id)})
    stamp = event.starts_at.astimezone(LOCAL_TZ).strftime("%Y%m%d")
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{name}-{stamp}.pdf")


def _photo_or_404(event: RoadshowEvent, photo_id: uuid.UUID) -> RoadshowPhoto:
    photo = db().get(RoadshowPhoto, photo_id)
    if photo is None or photo.event_id != event.id:
        abort(404)
    return photo


def _actor() -> dict[str, object]:
    return {"actor_label": current_user.label, "actor_id": current_user.id}


@bp.route("/<uuid:event_id>/record", methods=["GET", "POST"])
@roles(*EDITORS)
def record(event_id: uuid.UUID):
    """The event's record: summary form, photos with upload and delete, head counts."""
    event = _event_or_404(event_id)
    existing = records.record_of(db(), event)
    summary = existing.summary if existing else ""
    status = 200
    if request.method == "POST":
        summary = request.form.get("summary", "")
        try:
            records.save_summary(db(), event, summary, now=now(), **_actor())
        except records.RecordError as exc:
            discard_changes()
            flash(exc.message(current_lang()), "error")
            status = 422  # the page again, with what was typed
        else:
            flash(t("records.saved"), "success")
            return redirect(url_for("roadshow_records.record", event_id=event.id))
    return render_template("roadshows/record.html", event=event, summary=summary,
                           photos=records.photos_of(db(), event),
                           counts=service.counts(db(), event), limits=records), status


@bp.route("/<uuid:event_id>/record/photos", methods=["POST"])
@roles(*EDITORS)
def upload_photo(event_id: uuid.UUID):
    """Add one photo (resized, EXIF stripped by the core)."""
    event = _event_or_404(event_id)
    upload = request.files.get("photo")
    data = upload.read(records.PHOTO_MAX_BYTES + 1) if upload else b""
    try:
        records.add_photo(db(), event, data, caption=request.form.get("caption", ""), now=now(),
                          **_actor())
    except records.RecordError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("records.photo_added"), "success")
    return redirect(url_for("roadshow_records.record", event_id=event.id) + "#photos")


@bp.route("/<uuid:event_id>/record/photos/<uuid:photo_id>/delete", methods=["POST"])
@roles(*EDITORS)
def delete_photo(event_id: uuid.UUID, photo_id: uuid.UUID):
    """Remove a photo (audited)."""
    event = _event_or_404(event_id)
    records.delete_photo(db(), _photo_or_404(event, photo_id), now=now(), **_actor())
    flash(t("records.photo_deleted"), "success")
    return redirect(url_for("roadshow_records.record", event_id=event.id) + "#photos")


@bp.route("/<uuid:event_id>/record/photos/<uuid:photo_id>.jpg")
@roles(*EDITORS)
def photo(event_id: uuid.UUID, photo_id: uuid.UUID):
    """One stored photo (already a clean JPEG)."""
    picture = _photo_or_404(_event_or_404(event_id), photo_id)
    response = send_file(io.BytesIO(picture.jpeg), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/<uuid:event_id>/record.pdf")
@roles(*EDITORS)
def record_pdf(event_id: uuid.UUID):
    """The printable record (with the attendance list: personal data, audited)."""
    event = _event_or_404(event_id)
    rows = service.attendance(db(), event)
    data = render_record_pdf(event, records.record_of(db(), event), records.photos_of(db(), event),
                             rows, site_name=state().settings.site_name, now=now())
    return _send_pdf(data, event, kind="roadshow_record", rows=len(rows), name="活动记录")
