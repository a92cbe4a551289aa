"""Step-order rules: pure, pygame-free, deterministic for a seeded ``rng``.

A sequence's steps are written in the right order; the round deals them shuffled and the
player drags cards (``move(from_index, to_index)``, list positions as shown) and submits.

Partial credit is the **longest increasing subsequence** (LIS) of the submitted order: the
largest set of cards already in the right order relative to each other. ``n - LIS`` is
exactly the fewest cards the player would still have to pick up and put elsewhere — the move
this game is played with — so the score says "you were k moves away". Kendall-tau distance
(pairs out of order = adjacent swaps) was the alternative; it punishes one card moved far as
heavily as a scrambled order: "call 119" put first in a 5-step procedure is one mistake but 4
of 10 pairs wrong, while LIS still gives it 3 of 4 points. Score:
``points_per_step * (LIS - 1)`` out of ``points_per_step * (n - 1)``, so the right order gets
everything, a reversed order nothing, one misplaced card ``(n - 2) / (n - 1)``.

The dealt order is never already right, and never "nearly right" either (its LIS is at most
``max(2, n // 2)``), so submitting without moving anything earns little.

Answer records: one per submit, ``item_id`` the sequence id, ``correct`` only for the exact
order, ``chosen`` the submitted order as the 1-based right positions of the cards shown
(``["2", "1", "3"]``: the first card shown is really step 2), ``response_ms`` since the round
began or the previous submit. Times ``t`` are seconds since the round started.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from games.base import GameRules, StepRecord
from safezone.content.schema import Sequence, Step

#: Reshuffles tried for a "not nearly right" deal before falling back to the reversed order.
_DEAL_TRIES = 100


class SequenceError(ValueError):
    """A move the current state does not allow, or a bad argument (the message says which)."""


@dataclass(frozen=True)
class SubmitResult:
    """The verdict on one submitted order, for the feedback and the record."""

    #: The submitted order, as right positions (0-based) of the cards shown.
    order: tuple[int, ...]
    #: Display positions of the cards outside the longest in-order run: "move these".
    misplaced: tuple[int, ...]
    lis: int
    correct: bool
    score: int
    finished: bool
    records: tuple[StepRecord, ...]


def longest_increasing_subsequence(values: list[int] | tuple[int, ...]) -> tuple[int, ...]:
    """Positions of one longest strictly increasing subsequence of ``values``.

    Among equally long ones it returns the one whose cards come first, so feedback is stable.
    O(n^2), fine for the at most 8 steps a sequence has.
    """
    n = len(values)
    if n == 0:
        return ()
    length = [1] * n
    previous = [-1] * n
    for i in range(n):
        for j in range(i):
            if values[j] < values[i] and length[j] + 1 > length[i]:
                length[i] = length[j] + 1
                previous[i] = j
    end = max(range(n), key=lambda i: (length[i], -i))
    chain = []
    while end != -1:
        chain.append(end)
        end = previous[end]
    return tuple(reversed(chain))


def _deal(n: int, rng: random.Random) -> list[int]:
    identity = list(range(n))
    limit = max(2, n // 2)
    order = identity[:]
    for _ in range(_DEAL_TRIES):
        rng.shuffle(order)
        if order != identity and len(longest_increasing_subsequence(order)) <= limit:
            return order
    return identity[::-1]  # LIS 1: always acceptable, and reached only with a rigged rng


class SequenceRules(GameRules):
    """One round of one sequence: the cards as shown, the submits, the score."""

    def __init__(
        self,
        sequence: Sequence,
        rng: random.Random,
        *,
        attempts: int = 1,
        points_per_step: int = 10,
    ) -> None:
        if len(sequence.steps) < 2:
            raise SequenceError(
                f"sequence '{sequence.id}' has {len(sequence.steps)} step(s): nothing to order"
            )
        for name, value in (("attempts", attempts), ("points_per_step", points_per_step)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SequenceError(f"{name} must be a whole number >= 1, got {value!r}")
        self.sequence = sequence
        self.attempts = attempts
        self.points_per_step = points_per_step
        #: Current display order: entry i is the right position of the card shown at i.
        self.order: list[int] = _deal(len(sequence.steps), rng)
        #: The order as first dealt (for replays and tests).
        self.dealt: tuple[int, ...] = tuple(self.order)
        self.submits: list[SubmitResult] = []
        self.records: list[StepRecord] = []
        self.moves = 0
        self._now = 0.0
        self._last_submit_at = 0.0

    # ------------------------------------------------------------------ GameRules

    @property
    def finished(self) -> bool:
        """The right order was submitted, or every attempt is used."""
        return bool(self.submits) and (
            self.submits[-1].correct or len(self.submits) >= self.attempts
        )

    @property
    def score(self) -> int:
        """The credit of the last submit (0 before any)."""
        return self.submits[-1].score if self.submits else 0

    @property
    def max_score(self) -> int:
        """The right order."""
        return self.points_per_step * (len(self.sequence.steps) - 1)

    @property
    def content_id(self) -> str:
        """The sequence id."""
        return self.sequence.id

    # ------------------------------------------------------------------ state for the view

    @property
    def cards(self) -> tuple[Step, ...]:
        """The steps in the order shown."""
        return tuple(self.sequence.steps[i] for i in self.order)

    # ------------------------------------------------------------------ moves

    def move(self, from_index: int, to_index: int | None) -> bool:
        """Take the card at ``from_index`` and put it at ``to_index`` (the others shift).

        ``to_index`` None (released outside the list) or equal to ``from_index`` leaves the
        order alone. Returns whether the order changed. Raises :class:`SequenceError` for a
        position that does not exist or once the round is over.
        """
        self._require_open()
        n = len(self.order)
        for name, value in (("from_index", from_index), ("to_index", to_index)):
            if value is None and name == "to_index":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
                raise SequenceError(f"{name} must be a card position 0..{n - 1}, got {value!r}")
        if to_index is None or to_index == from_index:
            return False
        self.order.insert(to_index, self.order.pop(from_index))
        self.moves += 1
        return True

    def submit(self, t: float) -> SubmitResult:
        """Judge the order shown at time ``t``.

        Raises :class:`SequenceError` once the round is over or for a time earlier than the
        previous submit.
        """
        self._require_open()
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
            raise SequenceError(f"time must be seconds >= 0 since the round began, got {t!r}")
        if t < self._now:
            raise SequenceError(f"time went backwards: {t:g} s after {self._now:g} s")
        self._now = float(t)
        order = tuple(self.order)
        keep = longest_increasing_subsequence(order)
        correct = len(keep) == len(order)
        record = StepRecord(
            self.sequence.id,
            self.sequence.topic,
            correct,
            [str(position + 1) for position in order],
            round((t - self._last_submit_at) * 1000),
        )
        self._last_submit_at = t
        self.records.append(record)
        result = SubmitResult(
            order=order,
            misplaced=tuple(i for i in range(len(order)) if i not in keep),
            lis=len(keep),
            correct=correct,
            score=self.points_per_step * (len(keep) - 1),
            finished=correct or len(self.submits) + 1 >= self.attempts,
            records=(record,),
        )
        self.submits.append(result)
        return result

    def _require_open(self) -> None:
        if self.finished:
            raise SequenceError("the round is over: the order was already judged")
