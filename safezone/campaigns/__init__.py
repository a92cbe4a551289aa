"""The safety-day calendar (宣传日历): national days and months that pre-fill a roadshow and,
while they run, switch the kiosk's tips and featured topic; plus a suggested roadshow theme for
each topic and age group.

The calendar is data (``calendar.yml`` beside this file, validated here); a broken file is
reported as ``path: where: message`` and never half-loaded. The kiosk reaches it only through
:func:`attract_tips` and :func:`featured_first`; the admin through :func:`current_campaign`,
:func:`upcoming` and :func:`roadshow_template`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

#: The calendar shipped with the code.
CALENDAR_PATH = Path(__file__).with_name("calendar.yml")

Topic = Literal["fire", "home", "traffic", "cyber"]
AgeGroup = Literal["child", "adult", "elder"]


class CalendarError(Exception):
    """The calendar file is missing or invalid; the message names the file and the place."""


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    date(2024, month, day)  # a leap year, so 02-29 is a valid day
    return month, day


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MonthDay(_Strict):
    """A window of month-days, inclusive; may run over New Year."""

    from_: str = Field(alias="from", pattern=r"^\d\d-\d\d$")
    to: str = Field(pattern=r"^\d\d-\d\d$")

    @field_validator("from_", "to")
    @classmethod
    def _real_day(cls, value: str) -> str:
        try:
            _month_day(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a day of the year (MM-DD)") from None
        return value

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the window (any year)."""
        here = (day.month, day.day)
        start, end = _month_day(self.from_), _month_day(self.to)
        return start <= here <= end if start <= end else here >= start or here <= end

    def length(self) -> int:
        """Days in the window (to pick the most specific of overlapping campaigns)."""
        start = date(2023, *_month_day(self.from_))
        end = date(2023, *_month_day(self.to))
        return ((end - start).days % 365) + 1


class RoadshowTemplate(_Strict):
    """What a campaign pre-fills on a new roadshow."""

    title: str = Field(min_length=1, max_length=120)
    description: str = ""
    hours: float = Field(default=2, gt=0, le=12)


class Campaign(_Strict):
    """A national safety day or month."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    day: str = Field(pattern=r"^\d\d-\d\d$")
    window: MonthDay
    topics: list[Topic] = Field(min_length=1)
    featured_topic: Topic
    roadshow: RoadshowTemplate

    def next_day(self, today: date) -> date:
        """The campaign's day this year, or next year once it has passed."""
        month, day = _month_day(self.day)
        this_year = date(today.year, month, day)
        return this_year if this_year >= today else date(today.year + 1, month, day)

    def planned_day(self, today: date) -> date:
        """The day to hold its roadshow: the campaign's day, or — when the campaign is running
        and its day has passed — three days from now, kept inside the window."""
        if not self.window.contains(today) or self.next_day(today).year == today.year:
            return self.next_day(today)
        end = date(today.year, *_month_day(self.window.to))
        if end < today:
            end = date(today.year + 1, end.month, end.day)
        return min(today + timedelta(days=3), end)


class Theme(_Strict):
    """A suggested roadshow theme for one topic and age group."""

    title: str = Field(min_length=1, max_length=120)
    description: str = ""


class Calendar(_Strict):
    """The whole file."""

    campaigns: list[Campaign]
    themes: dict[Topic, dict[AgeGroup, Theme]]

    @field_validator("campaigns")
    @classmethod
    def _unique(cls, value: list[Campaign]) -> list[Campaign]:
        ids = [c.id for c in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"campaign ids used twice: {', '.join(twice)}")
        return value


def load_calendar(path: Path = CALENDAR_PATH) -> Calendar:
    """Read and validate a calendar file; :class:`CalendarError` names what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarError(f"{path}: {exc}") from exc
    try:
        return Calendar.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise CalendarError(f"{path}: {problems}") from None


@functools.cache
def default_calendar() -> Calendar:
    """The shipped calendar, read once per process."""
    return load_calendar()


def current_campaign(today: date, calendar: Calendar | None = None) -> Campaign | None:
    """The campaign running on local day ``today`` (the shortest window when several overlap:
    a week inside a month is the more specific), or None."""
    running = [c for c in (calendar or default_calendar()).campaigns if c.window.contains(today)]
    return min(running, key=lambda c: c.window.length()) if running else None


def upcoming(today: date, within_days: int = 60,
             calendar: Calendar | None = None) -> list[tuple[Campaign, date]]:
    """Campaigns running now or whose day falls in the next ``within_days`` days, with the day
    to hold a roadshow (:meth:`Campaign.planned_day`), soonest first."""
    out = []
    for campaign in (calendar or default_calendar()).campaigns:
        day = campaign.planned_day(today)
        if (day - today).days <= within_days or campaign.window.contains(today):
            out.append((campaign, day))
    return sorted(out, key=lambda pair: pair[1])


def find(campaign_id: str, calendar: Calendar | None = None) -> Campaign | None:
    """The campaign with this id, or None."""
    return next((c for c in (calendar or default_calendar()).campaigns if c.id == campaign_id),
                None)


def theme_for(topic: str, age_group: str | None, calendar: Calendar | None = None) -> Theme | None:
    """The suggested theme for a topic and age group (guests count as adults)."""
    by_age = (calendar or default_calendar()).themes.get(topic)  # type: ignore[call-overload]
    if not by_age:
        return None
    return by_age.get(age_group if age_group in ("child", "elder") else "adult")


def roadshow_template(campaign: Campaign, today: date, tz: Any) -> dict[str, Any]:
    """Form values for a new roadshow from ``campaign``: title, description, topics, and start
    and end on its :meth:`Campaign.planned_day` at 09:30 local time (``tz``)."""
    day = campaign.planned_day(today)
    starts = datetime.combine(day, time(9, 30), tzinfo=tz)
    ends = starts + timedelta(hours=campaign.roadshow.hours)
    return {"title": campaign.roadshow.title, "description": campaign.roadshow.description,
            "topics": list(campaign.topics), "starts_at": starts, "ends_at": ends,
            "campaign_id": campaign.id}


class _HasTopic(Protocol):
    topic: str


T = TypeVar("T", bound=_HasTopic)


def attract_tips(tips: Iterable[T], *, today: date, event_topics: Sequence[str] | None = None,
                 calendar: Calendar | None = None) -> list[T]:
    """The tips the kiosk's attract loop rotates: a running roadshow's topics first of all
    (event mode); otherwise, while a campaign runs, only its topics' tips; otherwise all.
    Never empty when ``tips`` is not: a filter that leaves nothing falls back to all tips."""
    tips = list(tips)
    topics: Sequence[str] | None = event_topics or None
    if topics is None:
        campaign = current_campaign(today, calendar)
        topics = campaign.topics if campaign else None
    if not topics:
        return tips
    return [t for t in tips if t.topic in topics] or tips


def featured_first(topics: Sequence[str], *, today: date,
                   calendar: Calendar | None = None) -> list[str]:
    """``topics`` with the running campaign's featured topic moved to the front (unchanged when
    no campaign runs or its topic is not offered)."""
    campaign = current_campaign(today, calendar)
    ordered = list(topics)
    if campaign and campaign.featured_topic in ordered:
        ordered.remove(campaign.featured_topic)
        ordered.insert(0, campaign.featured_topic)
    return ordered
