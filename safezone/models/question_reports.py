"""Reports that a question is wrong: the question is withdrawn until an admin has reviewed it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime


class QuestionReport(Base):
    """One staff report "报告题目有误" about one question; open until an admin resolves it."""

    __tablename__ = "question_report"
    __table_args__ = (Index("ix_question_report_open", "question_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Content id of the question (content lives in YAML, so no foreign key).
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    #: What the reporter says is wrong (required).
    reason: Mapped[str] = mapped_column(Text)
    #: Staff account that reported it, and when.
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when an admin reviewed the question and put it back (or kept it off): then it is
    #: no longer withdrawn by this report.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: What the review found and did.
    resolution: Mapped[str | None] = mapped_column(Text)
