"""The application factory."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from admin import db as request_db
from admin import filters, i18n, nav, security, sessions
from admin.auth.users import make_login_manager
from admin.params import BoundedIntConverter, CleanRequest, refuse_odd_json
from admin.state import AdminState
from safezone.app_context import open_database
from safezone.config import Settings, load_settings
from safezone.db.base import utcnow

#: Failed or not, a client may try to log in this often.
LOGIN_LIMIT = "10 per minute"
#: A kiosk (or anyone) may try an enrolment code this often: codes are long and expire, and
#: this keeps guessing from being even a question.
ENROL_LIMIT = "10 per minute"


def _secret_key(settings: Settings) -> str:
    """The configured secret, else one generated once into the data folder (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "admin_secret_key"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key, encoding="ascii")
    return key


def create_app(
    settings: Settings | None = None, test_config: Mapping[str, Any] | None = None
) -> Flask:
    """Build the admin app for ``settings`` (default: :func:`load_settings`).

    ``test_config`` overrides Flask config keys; the extra key ``CLOCK`` (a callable returning an
    aware UTC datetime) replaces the wall clock.
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.request_class = CleanRequest  # strips NUL and invisible characters from every input
    # <int:...> in a URL stops at the largest database id: /residents/99999999999 is a 404, not
    # an integer overflow on PostgreSQL.
    app.url_map.converters["int"] = BoundedIntConverter
    config = dict(test_config or {})
    clock = config.pop("CLOCK", utcnow)
    app.config.update(
        SECRET_KEY=_secret_key(settings) if "SECRET_KEY" not in config else config["SECRET_KEY"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="safezone_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.config.update(config)

    database = open_database(settings)
    app.extensions["safezone"] = AdminState(settings=settings, database=database, clock=clock)

    # Sessions on the server, shared by every admin process: revocable at logout.
    sessions.init_app(app, database, settings.session_redis_url, clock)
    # Order matters: language first (so the login page honours ?lang), then the guard.
    i18n.init_app(app)
    nav.init_app(app)
    filters.init_app(app)
    make_login_manager().init_app(app)
    security.init_app(app)
    request_db.init_app(app)
    CSRFProtect(app)
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"])

    from admin import blueprints

    blueprints.register_all(app)
    app.view_functions["auth.login"] = limiter.limit(LOGIN_LIMIT, methods=["POST"])(
        app.view_functions["auth.login"]
    )
    app.view_functions["api.enrol"] = limiter.limit(ENROL_LIMIT)(app.view_functions["api.enrol"])
    app.before_request(refuse_odd_json)
    _register_error_pages(app)
    app.jinja_env.globals.update(site_name=settings.site_name)
    return app


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return render_template("errors/error.html", code=400, message_key="err.csrf"), 400

    for code, key in ((400, "err.bad_request"), (403, "err.forbidden"), (404, "err.not_found"),
                      (413, "err.too_large"),
                      (429, "err.too_many")):

        def handler(_error, code: int = code, key: str = key):
            if request.path.startswith("/api/"):  # kiosks get the API's JSON refusal, not a page
                from admin.api.views import api_error

                return api_error(code)
            return render_template("errors/error.html", code=code, message_key=key), code

        app.register_error_handler(code, handler)
