"""What the app factory opened, kept on ``app.extensions`` (no module-level globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from safezone.app_context import Database
from safezone.config import Settings


@dataclass
class AdminState:
    """Settings, database and clock of one app instance."""

    settings: Settings
    database: Database
    #: Returns the current aware UTC time; tests pass a fixed clock.
    clock: Callable[[], datetime]


def state(app: Flask | None = None) -> AdminState:
    """The state of ``app`` (default: the current app)."""
    return (app or current_app).extensions["safezone"]


def now() -> datetime:
    """The current time from the app's clock."""
    return state().clock()
