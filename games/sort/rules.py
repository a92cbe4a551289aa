"""Safe-or-not sorting rules: pure, pygame-free, deterministic for a seeded ``rng``.

The cards of a sort set come in a shuffled order (drawn once, from the ``rng``). The view
lets the player drag a card and reports where it was released: ``"safe"``, ``"danger"``, or
``None`` for anywhere else, which sends the card back with no penalty (a drag to nowhere is
not an answer). Any card not yet sorted may be dropped, so the view is free to show one card
at a time (:attr:`SortRules.current`) or several drifting in.

Scoring: ``points_per_item`` (10) per card in the right bin, nothing for a wrong bin; a card is
answered once, right or wrong, and then leaves the game with its explanation shown. A second
drop of a card already sorted (a double event from a fast finger) changes nothing.

Times ``t`` are seconds since the round started (the view's monotonic clock). Answer records:
one per card, ``item_id`` ``"<set id>/<item id>"`` (item ids are only unique within their set),
``chosen`` the bin it was dropped in, ``response_ms`` the time since the previous card was
sorted (or the round began).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal, get_args

from games.base import GameRules, StepRecord
from safezone.content.schema import SortAnswer, SortItem, SortSet, Text

#: Width of ``Answer.question_id``: a record id longer than this cannot be stored.
ANSWER_ID_MAX = 80
BINS: tuple[str, ...] = get_args(SortAnswer)

DropKind = Literal["sorted", "returned", "already_sorted"]


class SortError(ValueError):
    """A move the current state does not allow, or a bad argument (the message says which)."""


@dataclass(frozen=True)
class DropResult:
    """What one drop did; the view gives feedback from it and stores ``records``."""

    kind: DropKind
    item: SortItem
    #: The bin the card went into (None when it was returned).
    bin: SortAnswer | None
    #: Right or wrong, for ``sorted``; None when nothing was answered.
    correct: bool | None
    score: int
    records: tuple[StepRecord, ...]

    @property
    def explanation(self) -> Text:
        """Why the card is safe or dangerous."""
        return self.item.explanation

    @property
    def right_bin(self) -> SortAnswer:
        """Where the card belongs (the feedback shows it when the player was wrong)."""
        return self.item.answer


def answer_id(set_id: str, item_id: str) -> str:
    """The ``Answer.question_id`` of a card; raises :class:`SortError` if too long."""
    value = f"{set_id}/{item_id}"
    if len(value) > ANSWER_ID_MAX:
        raise SortError(
            f"record id '{value}' is {len(value)} characters, over the {ANSWER_ID_MAX} an answer "
            "holds: shorten the set or item id"
        )
    return value


class SortRules(GameRules):
    """One round of one sort set: the card order, the answers, the score."""

    def __init__(
        self, sort_set: SortSet, rng: random.Random, *, points_per_item: int = 10
    ) -> None:
        if not sort_set.items:
            raise SortError(f"sort set '{sort_set.id}' has no cards")
        if isinstance(points_per_item, bool) or not isinstance(points_per_item, int) or (
            points_per_item < 1
        ):
            raise SortError(f"points_per_item must be a whole number >= 1, got {points_per_item!r}")
        self.sort_set = sort_set
        self.points_per_item = points_per_item
        # Checked before play so a too-long id stops the round before anything is recorded.
        self._ids = {item.id: answer_id(sort_set.id, item.id) for item in sort_set.items}
        order = list(sort_set.items)
        rng.shuffle(order)
        #: Cards in the order they come in.
        self.order: tuple[SortItem, ...] = tuple(order)
        self._by_id = {item.id: item for item in order}
        #: item id -> (bin chosen, correct), in sorting order.
        self.answers: dict[str, tuple[SortAnswer, bool]] = {}
        self.records: list[StepRecord] = []
        self.returns = 0  # drags released outside both bins
        self._now = 0.0
        self._last_sorted_at = 0.0

    # ------------------------------------------------------------------ GameRules

    @property
    def finished(self) -> bool:
        """Every card sorted."""
        return len(self.answers) == len(self.order)

    @property
    def score(self) -> int:
        """Points for the cards sorted right so far."""
        return self.points_per_item * sum(correct for _, correct in self.answers.values())

    @property
    def max_score(self) -> int:
        """Every card right."""
        return self.points_per_item * len(self.order)

    @property
    def content_id(self) -> str:
        """The sort set id."""
        return self.sort_set.id

    # ------------------------------------------------------------------ state for the view

    @property
    def remaining(self) -> tuple[SortItem, ...]:
        """Cards not yet sorted, in the order they come in."""
        return tuple(item for item in self.order if item.id not in self.answers)

    @property
    def current(self) -> SortItem | None:
        """The next card to show (None once every card is sorted)."""
        remaining = self.remaining
        return remaining[0] if remaining else None

    # ------------------------------------------------------------------ moves

    def drop(self, item_id: str, bin: SortAnswer | None, t: float) -> DropResult:
        """The player released card ``item_id`` over ``bin`` (None: outside both bins).

        A card already sorted keeps its first answer (kind ``already_sorted``). Raises
        :class:`SortError` for an unknown card or bin, or a time earlier than the previous move.
        """
        item = self._by_id.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            raise SortError(f"no card '{item_id}' in sort set '{self.sort_set.id}'")
        if bin is not None and bin not in BINS:
            raise SortError(f"bin must be one of {', '.join(BINS)} or None, got {bin!r}")
        self._advance_clock(t)
        if item.id in self.answers:
            chosen, correct = self.answers[item.id]
            return DropResult("already_sorted", item, chosen, correct, self.score, ())
        if bin is None:
            self.returns += 1
            return DropResult("returned", item, None, None, self.score, ())
        correct = bin == item.answer
        self.answers[item.id] = (bin, correct)
        record = StepRecord(
            self._ids[item.id],
            self.sort_set.topic,
            correct,
            [bin],
            round((t - self._last_sorted_at) * 1000),
        )
        self._last_sorted_at = t
        self.records.append(record)
        return DropResult("sorted", item, bin, correct, self.score, (record,))

    def _advance_clock(self, t: float) -> None:
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
            raise SortError(f"time must be seconds >= 0 since the round began, got {t!r}")
        if t < self._now:
            raise SortError(f"time went backwards: {t:g} s after {self._now:g} s")
        self._now = float(t)
