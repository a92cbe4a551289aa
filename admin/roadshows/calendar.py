"""The month grid of the calendar view (weeks start on Monday, as calendars in China do)."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from safezone.models import RoadshowEvent
from safezone.services.localtime import LOCAL_TZ


@dataclass(frozen=True)
class Day:
    """One cell: its date, whether it is in the shown month, and the events starting that day."""

    day: date
    in_month: bool
    is_today: bool
    events: list[RoadshowEvent]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """Aware start (inclusive) and end (exclusive) of the grid shown for a month."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    last = date(year, month, _calendar.monthrange(year, month)[1])
    end = last + timedelta(days=7 - last.weekday())
    return (datetime.combine(start, time(0), tzinfo=LOCAL_TZ),
            datetime.combine(end, time(0), tzinfo=LOCAL_TZ))


def month_grid(year: int, month: int, events: list[RoadshowEvent], today: date) -> list[list[Day]]:
    """Weeks of days for ``year``/``month`` with the events placed on their local start day."""
    start, end = month_bounds(year, month)
    by_day: dict[date, list[RoadshowEvent]] = {}
    for event in events:
        by_day.setdefault(event.starts_at.astimezone(LOCAL_TZ).date(), []).append(event)
    weeks: list[list[Day]] = []
    current = start.date()
    while current < end.date():
        week = []
        for _ in range(7):
            week.append(Day(current, current.month == month, current == today, by_day.get(current, [])))
            current += timedelta(days=1)
        weeks.append(week)
    return weeks


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month ``delta`` months away."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
