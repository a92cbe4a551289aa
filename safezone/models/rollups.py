"""Daily rollups read by dashboards (DESIGN.md decision 8); rebuildable from raw records.

``building_id`` is 0 for guests and kids without a card, so the unique keys never hold NULLs
(NULLs would defeat the upsert on both SQLite and PostgreSQL).
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
