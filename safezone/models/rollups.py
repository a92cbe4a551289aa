"""Rollups read by dashboards (DESIGN.md decision 8); rebuildable from raw records.

Two grains of the same counts:

- **daily** (``rollup_daily_*``): one row per local day and key; exact for any day range and the
  only source for per-day charts. At district scale ``rollup_daily_question`` (day x question x
  building) holds ~600,000 rows a year, too many to sum on a page view.
- **monthly** (``rollup_monthly_*``): the same counts per local calendar month, without the
  dimensions no dashboard groups by (questions lose the building). A year is ~3,000 question rows
  and ~4,000 topic rows, whatever the number of answers.
- **daily per question** (``rollup_daily_question_total``): day x question over all buildings,
  for the partial month below (at most 30 x the number of questions rows, ~7,000, where the
  per-building daily table holds ~50,000 for the same days).
- **daily total** (``rollup_daily_total``): one row per local day over everything, for the
  per-day chart: a year is 365 rows, where ``rollup_daily_topic`` holds ~67,000 for it at
  district scale (summing those cost more than the 100 ms a dashboard call may take).

Why months and not an all-time table plus the daily ones: a dashboard asks for "since D". With
months, D splits into whole months (monthly table) and at most one partial month (the daily table,
at most 30 days), so the cost is bounded for *every* D. An all-time table only answers "since
the beginning"; "since 90 days ago" would still sum 90 days of daily rows (or subtract most of a
year of them). Months are also what a community report is written per.

``building_id`` is 0 for guests and kids without a card, so the unique keys never hold NULLs
(NULLs would defeat the upsert on both SQLite and PostgreSQL). ``month`` is the first day of the
local (Asia/Shanghai) calendar month, so it compares directly with ``day`` values.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime

GUEST_BUILDING = 0


class DailyTopicRollup(Base):
    """Plays and answers per day, building, topic and age group."""

    __tablename__ = "rollup_daily_topic"
    __table_args__ = (UniqueConstraint("day", "building_id", "topic", "age_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Local calendar day.
    day: Mapped[date] = mapped_column(Date, index=True)
    #: Building id, or 0 for guests.
    building_id: Mapped[int] = mapped_column(Integer)
    #: Topic.
    topic: Mapped[str] = mapped_column(String(16))
    #: Age group (child/adult/elder) or ``guest``.
    age_group: Mapped[str] = mapped_column(String(8))
    #: Finished sessions, answers and correct answers.
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class DailyQuestionRollup(Base):
    """Answers and correct answers per day, question and building."""

    __tablename__ = "rollup_daily_question"
    __table_args__ = (UniqueConstraint("day", "question_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Local calendar day.
    day: Mapped[date] = mapped_column(Date, index=True)
    #: Question (content) id.
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    #: Topic of the question.
    topic: Mapped[str] = mapped_column(String(16))
    #: Building id, or 0 for guests.
    building_id: Mapped[int] = mapped_column(Integer)
    #: Answers and correct answers.
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class DailyQuestionTotal(Base):
    """:class:`DailyQuestionRollup` summed over buildings: answers per day and question."""

    __tablename__ = "rollup_daily_question_total"
    __table_args__ = (UniqueConstraint("day", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Local calendar day.
    day: Mapped[date] = mapped_column(Date)
    #: Question (content) id.
    question_id: Mapped[str] = mapped_column(String(80))
    #: Topic of the question (the smallest, should an id ever have been used for two topics).
    topic: Mapped[str] = mapped_column(String(16))
    #: Answers and correct answers.
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class DailyTotal(Base):
    """:class:`DailyTopicRollup` summed over buildings, topics and age groups: one row a day."""

    __tablename__ = "rollup_daily_total"

    #: Local calendar day (only days with at least one finished session have a row).
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: Finished sessions, answers and correct answers.
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class MonthlyTopicRollup(Base):
    """:class:`DailyTopicRollup` summed per local calendar month."""

    __tablename__ = "rollup_monthly_topic"
    __table_args__ = (UniqueConstraint("month", "building_id", "topic", "age_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: First day of the local calendar month.
    month: Mapped[date] = mapped_column(Date)
    #: Building id, or 0 for guests.
    building_id: Mapped[int] = mapped_column(Integer)
    #: Topic.
    topic: Mapped[str] = mapped_column(String(16))
    #: Age group (child/adult/elder) or ``guest``.
    age_group: Mapped[str] = mapped_column(String(8))
    #: Finished sessions, answers and correct answers.
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class MonthlyQuestionRollup(Base):
    """:class:`DailyQuestionRollup` summed per local calendar month over all buildings."""

    __tablename__ = "rollup_monthly_question"
    __table_args__ = (UniqueConstraint("month", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: First day of the local calendar month.
    month: Mapped[date] = mapped_column(Date)
    #: Question (content) id.
    question_id: Mapped[str] = mapped_column(String(80))
    #: Topic of the question (the smallest, should an id ever have been used for two topics).
    topic: Mapped[str] = mapped_column(String(16))
    #: Answers and correct answers.
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class ResidentActivity(Base):
    """Per-resident reach: first and last play, totals. A row means "reached at least once"."""

    __tablename__ = "rollup_resident_activity"

    #: The resident.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), primary_key=True)
    #: Their household and building (copied for fast reach queries).
    household_id: Mapped[int] = mapped_column(Integer, index=True)
    building_id: Mapped[int] = mapped_column(Integer, index=True)
    #: First and last finished session.
    first_played_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_played_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Totals.
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class HouseholdTouch(Base):
    """Per household and touchpoint: first/last time and how often.

    ``kind`` is ``kiosk`` (finished plays of any member), ``checkin`` (roadshow check-ins of any
    member) or ``visit`` (door-to-door visits that spoke to someone): what reach counts
    (DESIGN.md decision 12), one small table. Kept current on write, rebuildable.
    """

    __tablename__ = "rollup_household_touch"

    #: The household and the touchpoint.
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: Its building (copied for fast reach queries).
    building_id: Mapped[int] = mapped_column(Integer, index=True)
    #: First and last time, and how many plays / check-ins / reaching visits.
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
