"""Helpers shared by the admin tests (imported by name: tests/admin is on sys.path)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask

from admin import create_app
from safezone.config import Settings

#: Password of every account the fixtures create.
PASSWORD = "correct horse battery"


def make_app(settings: Settings, now: datetime, **config: object) -> Flask:
    """An app on the test database with a fixed clock, CSRF off unless asked for."""
    base = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "CLOCK": lambda: now,
    }
    base.update(config)
    return create_app(settings, test_config=base)


def csrf_token_of(html: str) -> str:
    """The CSRF token rendered into a page."""
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
