"""The safety-day calendar: windows, the running campaign, tips and featured topic, templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from safezone import campaigns


@dataclass
class Tip:
    id: str
    topic: str


TIPS = [Tip("a", "fire"), Tip("b", "cyber"), Tip("c", "home"), Tip("d", "traffic")]


def test_the_shipped_calendar_has_the_national_days() -> None:
    calendar = campaigns.load_calendar()
    days = {c.id: c.day for c in calendar.campaigns}
    assert days["fire-119"] == "11-09" and days["national-security-education-day"] == "04-15"
    assert days["disaster-prevention-day"] == "05-12"
    assert campaigns.find("safety-production-month").window.from_ == "06-01"
    assert campaigns.find("cybersecurity-week").topics == ["cyber"]
    assert {t for t in calendar.themes} == {"fire", "home", "traffic", "cyber"}


@pytest.mark.parametrize("day, expected", [
    (date(2026, 11, 9), "fire-119"), (date(2026, 11, 30), "fire-119"),
    (date(2026, 12, 3), "traffic-safety-day"), (date(2026, 4, 15), "national-security-education-day"),
    (date(2026, 6, 16), "safety-production-month"), (date(2026, 9, 16), "cybersecurity-week"),
    (date(2026, 5, 12), "disaster-prevention-day"), (date(2026, 3, 1), None), (date(2026, 8, 1), None),
])
def test_current_campaign(day: date, expected: str | None) -> None:
    running = campaigns.current_campaign(day)
    assert (running.id if running else None) == expected


def test_overlapping_windows_pick_the_shorter_and_windows_may_cross_new_year(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("""
campaigns:
  - {id: month, name: 月, day: "12-15", window: {from: "12-01", to: "12-31"}, topics: [fire],
     featured_topic: fire, roadshow: {title: 月}}
  - {id: week, name: 周, day: "12-30", window: {from: "12-28", to: "01-03"}, topics: [cyber],
     featured_topic: cyber, roadshow: {title: 周}}
themes: {}
""", encoding="utf-8")
    calendar = campaigns.load_calendar(path)
    assert campaigns.current_campaign(date(2026, 12, 10), calendar).id == "month"
    assert campaigns.current_campaign(date(2026, 12, 29), calendar).id == "week"
    assert campaigns.current_campaign(date(2027, 1, 2), calendar).id == "week"
    assert campaigns.current_campaign(date(2027, 1, 4), calendar) is None


@pytest.mark.parametrize("text, message", [
    ("campaigns: [{id: x}]\nthemes: {}", "campaigns.0.name"),
    (("campaigns:\n  - {id: x, name: n, day: '02-30', window: {from: '01-01', to: '01-02'}, "
      "topics: [fire], featured_topic: fire, roadshow: {title: t}}\nthemes: {}"), None),
    (("campaigns:\n  - {id: x, name: n, day: '01-01', window: {from: '13-01', to: '01-02'}, "
      "topics: [sport], featured_topic: fire, roadshow: {title: t}}\nthemes: {}"), "topics.0"),
    ("campaigns: [\n", "c.yml"),
])
def test_a_broken_calendar_names_the_file_and_the_place(tmp_path: Path, text: str, message) -> None:
    path = tmp_path / "c.yml"
    path.write_text(text, encoding="utf-8")
    if message is None:  # 02-30 in 'day' is caught when it is used, with a clear ValueError
        calendar = campaigns.load_calendar(path)
        with pytest.raises(ValueError):
            calendar.campaigns[0].next_day(date(2026, 1, 1))
        return
    with pytest.raises(campaigns.CalendarError, match=message) as info:
        campaigns.load_calendar(path)
    assert str(path) in str(info.value)


def test_tips_switch_to_the_campaign_and_an_event_wins() -> None:
    assert [t.id for t in campaigns.attract_tips(TIPS, today=date(2026, 11, 9))] == ["a"]
    assert [t.id for t in campaigns.attract_tips(TIPS, today=date(2026, 8, 1))] == ["a", "b", "c", "d"]
    during_event = campaigns.attract_tips(TIPS, today=date(2026, 11, 9), event_topics=["home"])
    assert [t.id for t in during_event] == ["c"]
    # A campaign whose topics have no tips falls back to all of them, never to nothing.
    assert len(campaigns.attract_tips(TIPS[:1], today=date(2026, 9, 16))) == 1


def test_featured_topic_moves_first() -> None:
    offered = ["fire", "home", "traffic", "cyber"]
    assert campaigns.featured_first(offered, today=date(2026, 9, 16))[0] == "cyber"
    assert campaigns.featured_first(offered, today=date(2026, 8, 1)) == offered
    assert campaigns.featured_first(["fire", "home"], today=date(2026, 9, 16)) == ["fire", "home"]


def test_roadshow_template_uses_the_next_campaign_day() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    fire = campaigns.find("fire-119")
    values = campaigns.roadshow_template(fire, date(2026, 11, 20), tz)
    assert values["starts_at"].date() == date(2026, 11, 23)  # running, its day passed: soon
    values = campaigns.roadshow_template(fire, date(2026, 11, 28), tz)
    assert values["starts_at"].date() == date(2026, 11, 30)  # kept inside the month
    assert campaigns.roadshow_template(fire, date(2026, 12, 10), tz)["starts_at"].date() == date(2027, 11, 9)
    assert values["starts_at"].hour == 9 and (values["ends_at"] - values["starts_at"]).seconds == 7200
    assert values["topics"] == ["fire"] and "119" in values["title"]
    assert campaigns.roadshow_template(fire, date(2026, 10, 1), tz)["starts_at"].date() == date(2026, 11, 9)
    assert [c.id for c, _d in campaigns.upcoming(date(2026, 11, 28), 10)] == ["fire-119", "traffic-safety-day"]
