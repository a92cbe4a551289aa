"""Kiosks page (administrators only): register a kiosk and show its one-time enrolment code,
give a kiosk a new code (replaced hardware), revoke a kiosk.

The code is rendered once, in the answer to the POST that made it: it never goes into a URL,
the session cookie or a flash message, and the database keeps only its hash.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admin.db import db
from admin.i18n import bilingual, t
from admin.kiosks import queries
from admin.kiosks.forms import KioskForm, RevokeKioskForm
from admin.security import ADMINS, roles
from admin.state import now
from safezone.models import Kiosk
from safezone.sync import tokens

bp = Blueprint("kiosks", __name__, url_prefix="/kiosks")

#: How long a code lives, in hours, as the pages say it.
CODE_LIFETIME_HOURS = int(tokens.ENROLMENT_CODE_LIFETIME.total_seconds() // 3600)


def _actor() -> dict[str, object]:
    return {"actor_label": current_user.label, "actor_id": current_user.id}


def _kiosk_or_404(kiosk_id: uuid.UUID) -> Kiosk:
    kiosk = db().get(Kiosk, kiosk_id)
    if kiosk is None:
        abort(404)
    return kiosk


def _list_page(form: KioskForm):
    return render_template("kiosks/index.html", form=form,
                           rows=queries.kiosk_rows(db(), now=now()), hours=CODE_LIFETIME_HOURS)


def _code_page(ticket: tokens.EnrolmentTicket, *, new_kiosk: bool):
    # The server as this browser reached it, always over https: the enrolment code must never
    # travel in clear (behind nginx, waitress' trusted X-Forwarded-Proto already says https).
    server = "https://" + request.host
    return render_template(
        "kiosks/code.html", kiosk=ticket.kiosk, groups=ticket.grouped_code.split("-"),
        # Options with their values, so a narrow screen wraps between arguments only.
        command=["safezone sync", f"--server {server}", f"--enrol-code {ticket.grouped_code}"],
        expires_at=ticket.expires_at, hours=CODE_LIFETIME_HOURS, new_kiosk=new_kiosk,
    )


@bp.route("/", methods=["GET", "POST"])
@roles(*ADMINS)
def index():
    """The kiosks with their state and last contact; registering a kiosk shows its code once."""
    form = KioskForm()
    if form.validate_on_submit():
        try:
            ticket = tokens.create_kiosk(db(), form.name.data, now=now(), **_actor())
        except tokens.KioskError as exc:  # refused before anything was written
            form.name.errors.append(bilingual(str(exc)))
        else:
            return _code_page(ticket, new_kiosk=True)
    return _list_page(form)


@bp.route("/<uuid:kiosk_id>/code", methods=["POST"])
@roles(*ADMINS)
def new_code(kiosk_id: uuid.UUID):
    """A new enrolment code for a kiosk (replaced hardware, lost token); the old code dies."""
    kiosk = _kiosk_or_404(kiosk_id)
    ticket = tokens.new_enrolment_code(db(), kiosk, now=now(), **_actor())
    return _code_page(ticket, new_kiosk=False)


@bp.route("/<uuid:kiosk_id>/revoke", methods=["GET", "POST"])
@roles(*ADMINS)
def revoke(kiosk_id: uuid.UUID):
    """Confirm with a ticked box, then revoke: the sync API refuses the kiosk's token."""
    kiosk = _kiosk_or_404(kiosk_id)
    if kiosk.revoked_at is not None:
        flash(t("kiosks.already_revoked"), "info")
        return redirect(url_for("kiosks.index"))
    form = RevokeKioskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(t("kiosks.revoke_tick_required"), "error")
            return render_template("kiosks/revoke.html", kiosk=kiosk, form=form)
        tokens.revoke_kiosk(db(), kiosk.id, now=now(), **_actor())
        flash(t("kiosks.revoked_done", name=kiosk.name), "success")
        return redirect(url_for("kiosks.index"))
    return render_template("kiosks/revoke.html", kiosk=kiosk, form=form)
