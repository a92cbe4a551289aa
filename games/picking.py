"""Choosing the content item a round plays (a scene, a sort set...) by topic and audience.

Pure: no pygame. Shared by the game types that play one item per round.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import TypeVar

from games.base import GameRules, RoundSetup
from safezone.content.kids import suits_audience

Item = TypeVar("Item")


def fits(item: object, setup: RoundSetup) -> bool:
    """Whether an item suits the round's player: its topic, its audience by the core's rule
    (safezone.content.kids.suits_audience: kids get only items made for children), and a
    difficulty capped by the setup (elders and kids get the easier items).
    """
    return (
        getattr(item, "topic", None) == setup.topic
        and suits_audience(item, setup.audience)
        and getattr(item, "difficulty", 99) <= setup.difficulty_max
    )


def pick_round(
    items: Iterable[Item],
    setup: RoundSetup,
    rng: random.Random,
    make: Callable[[Item], GameRules],
    errors: tuple[type[Exception], ...],
) -> GameRules | None:
    """Rules for one suitable item, unseen ones first; None when nothing suits.

    Items are tried in a shuffled order; an item whose rules cannot be built (``errors``, e.g. a
    record id that is too long) is skipped, so one bad file never stops the game.
    """
    candidates = [item for item in items if fits(item, setup)]
    rng.shuffle(candidates)
    seen = set(setup.exclude_ids)
    # Items whose records the player wrote recently go last ("<item id>" or "<item id>/...").
    candidates.sort(key=lambda item: any(s == item.id or s.startswith(f"{item.id}/") for s in seen))  # type: ignore[attr-defined]
    for item in candidates:
        try:
            return make(item)
        except errors:
            continue
    return None
