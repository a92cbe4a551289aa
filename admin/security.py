"""Access control: deny by default.

Every view must say who may use it: :func:`public` (login, first-run set-up) or
:func:`roles` (one or more staff roles). A ``before_request`` guard refuses any endpoint that
says neither, so a new route cannot be reachable by accident. Static files are the only other
exception.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, abort, jsonify, redirect, request, url_for
from flask_login import current_user

from safezone.models import Role

F = TypeVar("F", bound=Callable[..., Any])

#: Shorthands used by the blueprints.
EVERYONE = (Role.ADMIN, Role.STAFF, Role.VOLUNTEER, Role.VIEWER)
READERS = (Role.ADMIN, Role.STAFF, Role.VIEWER)
EDITORS = (Role.ADMIN, Role.STAFF)
CHECKERS = (Role.ADMIN, Role.STAFF, Role.VOLUNTEER)
ADMINS = (Role.ADMIN,)


class Permission:
    """Named permissions beyond reading the admin (as pretix separates them): a viewer reads
    dashboards and lists but neither sees contact details nor takes personal data away."""

    #: See residents' phone numbers (and find residents by them).
    VIEW_PERSONAL_DATA = "personal_data.view"
    #: Download files with residents' full names, flats and phones (residents, attendance).
    EXPORT_PERSONAL_DATA = "personal_data.export"


#: Which roles hold each permission.
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    Permission.VIEW_PERSONAL_DATA: (Role.ADMIN, Role.STAFF),
    Permission.EXPORT_PERSONAL_DATA: (Role.ADMIN, Role.STAFF),
}


def granted(permission: str) -> tuple[Role, ...]:
    """The roles holding ``permission`` (for :func:`roles` on the views that need it)."""
    return PERMISSIONS[permission]


def has_permission(role: Role, permission: str) -> bool:
    """Whether ``role`` holds ``permission``; an unknown permission is a programming error."""
    return role in PERMISSIONS[permission]


#: Endpoints reachable while a password change is forced.
_PASSWORD_CHANGE_ALLOWED = {"auth.password", "auth.logout", "static"}


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    view._access = "public"  # type: ignore[attr-defined]
    return view


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def roles(
    *allowed: Role, write: tuple[Role, ...] | None = None, json: bool = False
) -> Callable[[F], F]:
    """Mark a view as reachable by staff with one of ``allowed`` roles.

    ``write`` narrows who may send state-changing methods (POST...) to a view that also shows a
    page on GET. ``json`` views answer 401/403 with a JSON body instead of redirecting.
    """
    writers = frozenset(write if write is not None else allowed)

    def mark(view: F) -> F:
        view._access = frozenset(allowed)  # type: ignore[attr-defined]
        view._write_access = writers  # type: ignore[attr-defined]
        view._json = json  # type: ignore[attr-defined]

        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            # Second line of defence: the guard already checked, but a view called another way
            # (tests, a future refactor) still refuses the wrong role.
            if not current_user.is_authenticated or current_user.role not in _allowed_now(view):
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return mark


def _allowed_now(view: Callable[..., Any]) -> frozenset:
    """Roles allowed for this request's method on ``view``."""
    if request.method in _READ_METHODS:
        return getattr(view, "_access", frozenset())
    return getattr(view, "_write_access", frozenset())


def _refuse(json: bool, status: int) -> Response:
    if json:
        response = jsonify(error="unauthenticated" if status == 401 else "forbidden")
        response.status_code = status
        return response
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(status)


def guard() -> Response | None:
    """``before_request``: let public and static endpoints through, check everything else."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: Flask answers 404/405 itself
    if endpoint == "static":
        return None
    from flask import current_app

    view = current_app.view_functions.get(endpoint)
    access = getattr(view, "_access", None)
    if access == "public":
        return None
    json = bool(getattr(view, "_json", False))
    if not current_user.is_authenticated:
        return _refuse(json, 401)
    if current_user.must_change_password and endpoint not in _PASSWORD_CHANGE_ALLOWED:
        if json:
            return _refuse(json, 403)
        return redirect(url_for("auth.password"))
    if not isinstance(access, frozenset) or current_user.role not in _allowed_now(view):
        return _refuse(json, 403)
    return None


#: Only our own files: no inline scripts or styles, no other origins, no framing.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(response: Response) -> Response:
    """``after_request``: CSP allowing only our own files, and the usual hardening headers."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    # The camera is needed by the check-in page on our own origin only.
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    if request.endpoint != "static":
        # Pages, JSON and downloads (XLSX, PDF, CSV of personal data) are never stored by the
        # browser or a proxy: "no-cache" would still keep a copy on disk.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:  # behind the TLS proxy: browsers must never fall back to plain HTTP
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def init_app(app: Flask) -> None:
    """Register the guard and the header hook."""
    app.before_request(guard)
    app.after_request(security_headers)
