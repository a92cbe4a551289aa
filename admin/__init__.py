"""The admin web app (Flask): staff accounts, residents and cards, roadshows and check-in,
dashboards, points store, content, exports and the audit log. Build it with :func:`create_app`."""

from admin.app import create_app

__all__ = ["create_app"]
