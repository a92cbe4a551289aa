"""The kids' sticker book (issue 12): what a child has collected, derived from their plays.

No table of its own: a sticker is earned by the first right answer recorded against a kids' item
(a kids' question, or a crossing level crossed safely: the crossing game records each judged tap
against the level id). So the book is the catalogue of kids' items (from content) crossed with the
``answer`` rows — it stays right after a sync, a content update or a re-import, and nothing can
drift.

- A child **with a card**: every right answer recorded for that resident, on any kiosk, ever.
- A **guest** (no card): only the answers of the visit's own play sessions (``play_ids``), so
  nothing personal is kept and the book is gone when the visit ends.

``new`` marks the stickers earned in the current visit's sessions and not before — the "new
sticker!" moment on the results screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.content.bundle import ContentBundle
from safezone.content.kids import for_kids, kids_questions
from safezone.content.schema import TOPICS, Question, Text
from safezone.models import Answer

#: The sticker of a crossing level: the zebra of 小斑马过马路.
CROSSING_PICTURE = "images/emoji/1f993.png"


@dataclass(frozen=True)
class Sticker:
    """One sticker of the book: a kids' item, its topic, its picture and its caption."""

    id: str
    topic: str
    picture: str
    caption: Text


@dataclass(frozen=True)
class StickerBook:
    """Every sticker there is, and which of them this child has (and which are new this visit)."""

    stickers: tuple[Sticker, ...]
    collected: frozenset[str]
    new: frozenset[str]

    @property
    def count(self) -> int:
        """How many stickers the child has."""
        return len(self.collected)

    @property
    def total(self) -> int:
        """How many stickers there are to collect."""
        return len(self.stickers)

    def page(self, topic: str) -> list[tuple[Sticker, bool]]:
        """One topic's page: each sticker with whether it is collected, in catalogue order."""
        return [(s, s.id in self.collected) for s in self.stickers if s.topic == topic]


def _question_sticker(question: Question) -> Sticker | None:
    if question.type == "truefalse":
        picture, caption = question.image, question.prompt
    else:
        right = next(o for o in question.options if o.correct)
        picture, caption = right.image, right.text
    if picture is None:
        return None  # a kids' item without a picture is a content defect the bank test reports
    return Sticker(question.id, question.topic, str(picture), caption)


def sticker_catalogue(bundle: ContentBundle) -> tuple[Sticker, ...]:
    """Every sticker there is: one per kids' question and per crossing level, topic by topic."""
    stickers = [s for q in kids_questions(bundle) if (s := _question_sticker(q)) is not None]
    stickers += [
        Sticker(level.id, level.topic, CROSSING_PICTURE, level.title)
        for level in bundle.crossing_levels.values()
        if for_kids(level)
    ]
    order: dict[str, int] = {topic: n for n, topic in enumerate(TOPICS)}
    return tuple(sorted(stickers, key=lambda s: order.get(s.topic, len(order))))


def sticker_book(
    session: Session,
    bundle: ContentBundle,
    *,
    resident_id: int | None = None,
    play_ids: Collection[uuid.UUID] = (),
) -> StickerBook:
    """The book of a card holder (``resident_id``) or of a guest's visit (``play_ids`` only).

    ``play_ids`` are the current visit's play sessions: for a guest they are the whole book, for
    a card holder they say which stickers are new. Reads only; nothing is written.
    """
    stickers = sticker_catalogue(bundle)
    ids = {s.id for s in stickers}
    right = select(Answer.question_id, Answer.session_id).where(Answer.correct.is_(True))
    if resident_id is not None:
        rows = session.execute(right.where(Answer.resident_id == resident_id)).all()
    elif play_ids:
        rows = session.execute(right.where(Answer.session_id.in_(list(play_ids)))).all()
    else:
        rows = []
    visit = set(play_ids)
    collected = {q for q, _ in rows if q in ids}
    before = {q for q, s in rows if q in ids and s not in visit}
    now = {q for q, s in rows if q in ids and s in visit}
    return StickerBook(stickers, frozenset(collected), frozenset(now - before))
