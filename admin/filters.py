"""Template filters: local wall-clock times and numbers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from safezone.services.localtime import LOCAL_TZ


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware UTC instant as Asia/Shanghai wall-clock text ('' for None)."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def percent(value: float | None, digits: int = 1) -> str:
    """A 0–1 share as ``12.3%`` ('—' when unknown)."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(localtime=localtime, percent=percent)
