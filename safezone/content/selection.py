"""Choosing questions for a quiz round."""

from __future__ import annotations

import random
from collections.abc import Collection

from safezone.content.bundle import ContentBundle
from safezone.content.kids import suits_audience
from safezone.content.schema import AUDIENCES, Audience, Question
from safezone.topics import TOPICS, Topic


def select_questions(
    bundle: ContentBundle,
    topic: Topic,
    audience: Audience,
    difficulty_max: int,
    count: int,
    rng: random.Random,
    exclude_ids: Collection[str] = (),
    disabled_ids: Collection[str] = (),
) -> list[Question]:
    """Pick up to ``count`` questions of ``topic`` for ``audience``, in a random order.

    Adults get ``adult`` and ``all`` questions; kids get ``kids`` questions and the ``all`` ones
    adapted for children (with a ``kids_why``: safezone/content/kids.py); asking for ``all``
    matches every question. ``exclude_ids`` are questions the player has already seen: unseen ones are
    preferred, and seen ones fill the round only when there are not enough unseen. The result is
    shorter than ``count`` only when the bank itself is too small. Deterministic for a seeded
    ``rng``. ``disabled_ids`` (switched off by staff) are never asked.
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; expected one of {TOPICS}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {AUDIENCES}")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    excluded = set(exclude_ids)
    disabled = set(disabled_ids)
    # Sorting by id makes the draw independent of file order, so a seed always gives one round.
    eligible = sorted(
        (
            q
            for q in bundle.questions_by_topic.get(topic, [])
            if q.difficulty <= difficulty_max
            and q.id not in disabled
            and suits_audience(q, audience)
        ),
        key=lambda q: q.id,
    )
    unseen = [q for q in eligible if q.id not in excluded]
    seen = [q for q in eligible if q.id in excluded]
    chosen = rng.sample(unseen, min(count, len(unseen)))
    chosen += rng.sample(seen, min(count - len(chosen), len(seen)))
    rng.shuffle(chosen)
    return chosen
