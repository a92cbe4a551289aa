"""The sync API for kiosks (``/api/v1/``): token-authenticated JSON, CSRF-exempt.

Register it with :func:`register` (after ``CSRFProtect(app)``): it adds the blueprint and
exempts it from CSRF (kiosks authenticate with a bearer token, not a cookie).
"""

from __future__ import annotations

from flask import Flask

from admin.api.views import bp

__all__ = ["bp", "register"]


def register(app: Flask) -> None:
    """Register :data:`bp` on ``app`` and exempt it from CSRF protection."""
    app.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
