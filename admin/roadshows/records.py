"""Roadshow documents for the 台账: the printable sign-in sheet (and the event record)."""

from __future__ import annotations

import io
import uuid

from flask import Blueprint, request, send_file
from flask_login import current_user

from admin.db import db
from admin.security import EDITORS, roles
from admin.roadshows.views import _event_or_404
from admin.state import now, state
from safezone import exports
from safezone.reports.signin_pdf import signin_sheet_pdf
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
    exports.audit_export(db(), kind="signin_sheet", rows=len(rows), now=now(),
                         actor_label=current_user.label, actor_id=current_user.id,
                         ip=request.remote_addr, details={"event_id": str(event.id)})
    stamp = event.starts_at.astimezone(LOCAL_TZ).strftime("%Y%m%d")
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"签到表-{stamp}.pdf")
