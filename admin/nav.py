"""The navigation menu: one entry per feature, shown only to roles that may open it."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

#: (endpoint, message key, icon name). Visibility follows the endpoint's own role marking.
MENU = [
    ("home.index", "nav.home", "home"),
    ("residents.index", "nav.residents", "people"),
    ("roadshows.index", "nav.roadshows", "calendar"),
    ("dashboards.index", "nav.dashboards", "chart"),
    ("store.index", "nav.store", "gift"),
    ("content.index", "nav.content", "book"),
    ("exports.index", "nav.exports", "download"),
    ("kiosks.index", "nav.kiosks", "monitor"),
    ("audit_log.index", "nav.audit", "shield"),
    ("community.index", "nav.community", "home"),
    ("auth.staff", "nav.staff", "key"),
]


def menu() -> list[dict[str, object]]:
    """Menu entries the logged-in member may open, with the active one marked."""
    if not current_user.is_authenticated:
        return []
    entries = []
    current_bp = (request.endpoint or "").split(".")[0]
    for endpoint, key, icon in MENU:
        view = current_app.view_functions.get(endpoint)
        access = getattr(view, "_access", None)
        if not isinstance(access, frozenset) or current_user.role not in access:
            continue
        entries.append(
            {
                "endpoint": endpoint,
                "key": key,
                "icon": icon,
                "active": endpoint.split(".")[0] == current_bp
                and (endpoint != "auth.staff" or request.endpoint == "auth.staff"),
            }
        )
    return entries


def init_app(app: Flask) -> None:
    """Make ``menu()`` available in templates."""
    app.jinja_env.globals.update(menu=menu)
