"""Log in, log out, change password, first-run administrator set-up, staff accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from admin import sessions
from admin.audit import audit
from admin.auth.forms import LoginForm, PasswordForm, SetupForm, StaffForm
from admin.auth.users import CurrentStaff
from admin.db import db
from admin.i18n import bilingual, t
from admin.security import ADMINS, EVERYONE, public, roles
from admin.state import now
from safezone.models import Role, StaffUser
from safezone.services import staff as staff_service

bp = Blueprint("auth", __name__)


def _no_staff_yet() -> bool:
    return db().scalar(select(func.count()).select_from(StaffUser)) == 0


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL in ?next= would make the login page an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with username and password; failures are audited and rate-limited."""
    if _no_staff_yet():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = staff_service.normalise_username(form.username.data)
        user = staff_service.authenticate(db(), username, form.password.data, now=now())
        if user is None:
            audit("auth.login_failed", actor_label=username[:80], details={"username": username})
            error = t("auth.bad_login")
        else:
            sessions.rotate()  # new session and CSRF tokens: nothing planted before login counts
            login_user(CurrentStaff.of(user))
            audit("auth.login", target_type="staff", target_id=user.id)
            if user.must_change_password:
                return redirect(url_for("auth.password"))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@roles(*EVERYONE)
def logout():
    """Log out (POST only, so a link on another site cannot log people out)."""
    audit("auth.logout", target_type="staff", target_id=current_user.id)
    logout_user()
    sessions.rotate(keep=False)  # the stored session is deleted: a saved cookie is worthless
    flash(t("auth.logged_out"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    """First run: create the first administrator. Gone as soon as any account exists."""
    if not _no_staff_yet():
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = staff_service.create_staff_user(
                db(),
                username=form.username.data,
                display_name=form.display_name.data,
                role=Role.ADMIN,
                password=form.password.data,
                now=now(),
                actor_label="setup",
            )
        except staff_service.PasswordRefused as exc:
            form.password.errors.append(bilingual(str(exc)))
        except staff_service.StaffError as exc:
            form.username.errors.append(bilingual(str(exc)))
        else:
            sessions.rotate()
            login_user(CurrentStaff.of(user))
            flash(t("auth.setup_done"), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@roles(*EVERYONE)
def password():
    """Change one's own password (forced after a one-time password)."""
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        user = db().get(StaffUser, current_user.id)
        if not staff_service.verify_password(user.password_hash, form.current.data):
            error = t("auth.bad_current_password")
        else:
            try:
                staff_service.set_password(db(), user, form.new.data, now=now(),
                                           actor_label=current_user.label, actor_id=current_user.id)
            except staff_service.PasswordRefused as exc:
                form.new.errors.append(bilingual(str(exc)))
                return render_template("auth/password.html", form=form, error=None)
            # The password fingerprint changed: log in again with the new snapshot.
            sessions.rotate()
            login_user(CurrentStaff.of(user))
            flash(t("auth.password_changed"), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form, error=error)


def _staff_page(form: StaffForm, one_time: tuple[str, str] | None = None,
                one_time_key: str = "staff.one_time"):
    users = db().scalars(select(StaffUser).order_by(StaffUser.username)).all()
    return render_template("auth/staff.html", form=form, users=users, one_time=one_time,
                           one_time_key=one_time_key,
                           # Least privilege first and preselected: a new account reads only
                           # until an administrator deliberately gives it more.
                           roles=[Role.VIEWER.value, Role.VOLUNTEER.value, Role.STAFF.value,
                                  Role.ADMIN.value])


@bp.route("/staff", methods=["GET", "POST"])
@roles(*ADMINS)
def staff():
    """List staff accounts and create one with a one-time password shown once."""
    form = StaffForm()
    one_time = None
    if form.validate_on_submit():
        password = staff_service.generate_one_time_password()
        try:
            user = staff_service.create_staff_user(
                db(),
                username=form.username.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                password=password,
                now=now(),
                must_change_password=True,
                actor_label=current_user.label,
                actor_id=current_user.id,
            )
        except staff_service.StaffError as exc:
            form.username.errors.append(bilingual(str(exc)))
        else:
            one_time = (user.username, password)
    return _staff_page(form, one_time)


@bp.route("/staff/<int:user_id>/reset-password", methods=["POST"])
@roles(*ADMINS)
def reset_password(user_id: int):
    """Give another account a new one-time password, shown once (never one's own account)."""
    user = db().get(StaffUser, user_id)
    if user is None:
        return render_template("errors/404.html"), 404
    try:
        password = staff_service.reset_password(db(), user, now=now(), actor_label=current_user.label,
                                                actor_id=current_user.id)
    except staff_service.StaffError as exc:  # refused before anything was written
        flash(bilingual(str(exc)), "error")
        return redirect(url_for("auth.staff"))
    # Rendered straight into this answer: never into a URL, a flash or the session cookie.
    return _staff_page(StaffForm(formdata=None), (user.username, password), "staff.reset_done")


@bp.route("/staff/<int:user_id>/toggle", methods=["POST"])
@roles(*ADMINS)
def toggle_staff(user_id: int):
    """Disable or re-enable an account (never one's own)."""
    user = db().get(StaffUser, user_id)
    if user is None:
        return render_template("errors/404.html"), 404
    if user.id == current_user.id:
        flash(t("staff.cannot_disable_self"), "error")
        return redirect(url_for("auth.staff"))
    user.active = not user.active
    audit("staff.enable" if user.active else "staff.disable", target_type="staff", target_id=user.id)
    flash(t("saved"), "success")
    return redirect(url_for("auth.staff"))
