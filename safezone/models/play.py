"""Play sessions and answers, created on a kiosk with client-generated UUID v7 keys."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow


class PlayMode(str, enum.Enum):
    """How a session was played: by a card holder, a guest, or in kids' mode."""

    RESIDENT = "resident"
    GUEST = "guest"
    KIDS = "kids"


def _enum(cls: type[enum.Enum], length: int) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class PlaySession(Base):
    """One game played at a kiosk, from topic choice to results."""

    __tablename__ = "play_session"
    __table_args__ = (Index("ix_play_session_resident_started", "resident_id", "started_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: Kiosk that recorded the session (None for sessions recorded by the admin itself).
    kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("kiosk.id"), index=True)
    #: Card holder who played; None for guests (nothing personal is stored for them).
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    #: Resident, guest or kids' mode.
    mode: Mapped[PlayMode] = mapped_column(_enum(PlayMode, 8))
    #: Game type name from the games registry (``quiz``, ``hazard_hunt``...).
    game_type: Mapped[str] = mapped_column(String(32))
    #: Topic: fire, home, traffic or cyber.
    topic: Mapped[str] = mapped_column(String(16))
    #: Content item played (question set, scene id...), when the game uses one.
    content_id: Mapped[str | None] = mapped_column(String(80))
    #: Roadshow the play was tagged with in themed event mode.
    roadshow_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("roadshow_event.id"), index=True
    )
    #: Interface language of the session.
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    #: When the game started (kiosk clock).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When the results were shown; None for abandoned sessions.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Score reached and the maximum possible.
    score: Mapped[int] = mapped_column(Integer, default=0)
    max_score: Mapped[int] = mapped_column(Integer, default=0)
    #: Points the session earned (the ledger is the truth; this is for display).
    points_awarded: Mapped[int] = mapped_column(Integer, default=0)

    answers: Mapped[list[Answer]] = relationship(back_populates="session", order_by="Answer.answered_at")


class Answer(Base):
    """One answered question or game step, written when it is shown as done."""

    __tablename__ = "answer"
    __table_args__ = (
        Index("ix_answer_question_answered", "question_id", "answered_at"),
        # For dashboards.roadshow_impact: one event's attendees' answers on its topics in a time
        # window, read from the index alone (created by migration 0002).
        Index(
            "ix_answer_resident_topic_answered", "resident_id", "topic", "answered_at", "correct"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: Session the answer belongs to.
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("play_session.id", ondelete="CASCADE"), index=True
    )
    #: Resident (copied from the session so per-person queries need no join).
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    #: Content id of the question or game item.
    question_id: Mapped[str] = mapped_column(String(80))
    #: Topic of the question.
    topic: Mapped[str] = mapped_column(String(16))
    #: Whether the answer was right.
    correct: Mapped[bool] = mapped_column()
    #: What was chosen (option ids, order, tapped hazards), for "what do people get wrong".
    chosen: Mapped[list | dict | None] = mapped_column(JSON)
    #: Time to answer in milliseconds.
    response_ms: Mapped[int | None] = mapped_column(Integer)
    #: When it was answered (kiosk clock).
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[PlaySession] = relationship(back_populates="answers")
