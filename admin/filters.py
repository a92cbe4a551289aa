"""Template filters: local wall-clock times, how long ago, and numbers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from admin.i18n import t
from admin.state import now
from safezone.services.localtime import LOCAL_TZ


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware UTC instant as Asia/Shanghai wall-clock text ('' for None)."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def ago(value: datetime | None) -> str:
    """How long before the app's clock ``value`` was: ``3 分钟前`` / ``3 min ago`` ('' for None)."""
    if value is None:
        return ""
    minutes = int((now() - value).total_seconds() // 60)
    if minutes < 1:
        return t("time.just_now")
    if minutes < 60:
        return t("time.minutes_ago", n=minutes)
    hours = minutes // 60
    if hours < 48:
        return t("time.hours_ago", n=hours)
    return t("time.days_ago", n=hours // 24)


def percent(value: float | None, digits: int = 1) -> str:
    """A 0–1 share as ``12.3%`` ('—' when unknown)."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(localtime=localtime, ago=ago, percent=percent)
