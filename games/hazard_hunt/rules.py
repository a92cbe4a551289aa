"""Hazard-hunt rules: pure, pygame-free, deterministic (no randomness at all).

The player taps a scene in the 1920x1080 design space; the view converts screen to design
coordinates. Times ``t`` are seconds since the round started on the kiosk's monotonic clock,
passed in by the view, never read here.

Scoring (all integers, so the results screen never shows fractions):

* a hazard found: ``points_per_find`` (10);
* a miss: ``miss_penalty`` (2) — but a miss within ``miss_debounce`` (0.3 s) of the previous
  miss is free, so a child drumming on the screen loses 2 points once, not 10 times;
* a hint: ``hint_cost`` (3);
* a tap on an already found hazard: nothing either way (a double tap is not a mistake);
* a tap outside the design space (the letterbox bars): nothing, it was not aimed at the scene.

Penalties never take the score below 0 and never create a debt: a penalty costs at most what
the player has, so early mistakes are forgiven rather than owed.

Answer records: one per hazard found, ``item_id`` ``"<scene id>/<hazard id>"`` (hazard ids are
only unique within their scene), ``chosen`` ``["found"]`` or ``["found_with_hint"]`` when the
last hint pointed at it. When the time runs out or the player gives up, every hazard still
hidden gets a record with ``correct=False`` and ``chosen=["not_found"]``, so the dashboards can
tell which hazards people fail to see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from games.base import GameRules, StepRecord
from safezone.content.schema import (
    DESIGN_HEIGHT,
    DESIGN_WIDTH,
    CircleArea,
    Hazard,
    HazardScene,
    RectArea,
    Text,
)

#: Width of ``Answer.question_id``: a record id longer than this cannot be stored.
ANSWER_ID_MAX = 80

TapKind = Literal["found", "already_found", "miss", "repeat_miss", "outside", "time_up"]
FinishReason = Literal["all_found", "time_up", "gave_up"]


class HazardHuntError(ValueError):
    """A move the current state does not allow, or a bad argument (the message says which)."""


@dataclass(frozen=True)
class HazardScoring:
    """The numbers of the game; the defaults are the kiosk's."""

    points_per_find: int = 10
    miss_penalty: int = 2
    hint_cost: int = 3
    #: Misses this close (seconds) to the previous miss count once.
    miss_debounce: float = 0.3
    #: Seconds without a find (or since the last hint) before a hint is offered.
    hint_after: float = 20.0

    def __post_init__(self) -> None:
        for name in ("points_per_find", "miss_penalty", "hint_cost"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise HazardHuntError(f"{name} must be a whole number >= 0, got {value!r}")
        if self.points_per_find == 0:
            raise HazardHuntError("points_per_find must be at least 1")
        for name in ("miss_debounce", "hint_after"):
            value = getattr(self, name)
            if not _is_number(value) or value < 0:
                raise HazardHuntError(f"{name} must be seconds >= 0, got {value!r}")


@dataclass(frozen=True)
class TapResult:
    """What one tap did: the view shows feedback from it and stores ``records``."""

    kind: TapKind
    #: The hazard found (or found again); None for misses and taps outside.
    hazard: Hazard | None
    #: Points taken by this tap (0 unless a counted miss with points to lose).
    penalty: int
    score: int
    records: tuple[StepRecord, ...]

    @property
    def name(self) -> Text | None:
        """Name of the hazard found, for the feedback card."""
        return self.hazard.name if self.hazard is not None else None

    @property
    def explanation(self) -> Text | None:
        """Why it is a hazard, for the feedback card."""
        return self.hazard.explanation if self.hazard is not None else None


@dataclass(frozen=True)
class Hint:
    """A hint: the area to highlight and the words to show or say."""

    hazard_id: str
    area: RectArea | CircleArea
    #: The hazard's own hint, else the scene's general hint, else None (highlight only).
    text: Text | None
    cost: int
    score: int


def _is_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
    )


def _centre(area: RectArea | CircleArea) -> tuple[float, float]:
    if isinstance(area, CircleArea):
        return float(area.x), float(area.y)
    return area.x + area.w / 2, area.y + area.h / 2


def _size(area: RectArea | CircleArea) -> float:
    return math.pi * area.r**2 if isinstance(area, CircleArea) else float(area.w * area.h)


def answer_id(scene_id: str, hazard_id: str) -> str:
    """The ``Answer.question_id`` of a hazard; raises :class:`HazardHuntError` if too long."""
    value = f"{scene_id}/{hazard_id}"
    if len(value) > ANSWER_ID_MAX:
        raise HazardHuntError(
            f"record id '{value}' is {len(value)} characters, over the {ANSWER_ID_MAX} an answer "
            "holds: shorten the scene or hazard id"
        )
    return value


class HazardHuntRules(GameRules):
    """One round on one scene: what is found, the score, the clock of hints and time-outs."""

    def __init__(
        self,
        scene: HazardScene,
        *,
        time_limit: float | None = None,
        scoring: HazardScoring | None = None,
    ) -> None:
        if not scene.hazards:
            raise HazardHuntError(f"scene '{scene.id}' has no hazards to find")
        if time_limit is not None and (not _is_number(time_limit) or time_limit <= 0):
            raise HazardHuntError(
                f"time limit must be positive seconds or None, got {time_limit!r}"
            )
        self.scene = scene
        self.time_limit = None if time_limit is None else float(time_limit)
        self.scoring = scoring or HazardScoring()
        # Computed up front so a too-long id stops the round before anything is played.
        self._ids = {h.id: answer_id(scene.id, h.id) for h in scene.hazards}
        self.found: dict[str, float] = {}  # hazard id -> time found, in finding order
        self.records: list[StepRecord] = []
        self.misses = 0  # counted misses (the ones that cost points)
        self.taps = 0
        self.hints_used = 0
        self.finish_reason: FinishReason | None = None
        self._score = 0
        self._now = 0.0
        self._last_find_at = 0.0
        self._last_hint_at: float | None = None
        self._last_miss_at: float | None = None
        self._last_tap: tuple[float, float] | None = None
        self._hinted_id: str | None = None

    # ------------------------------------------------------------------ GameRules

    @property
    def finished(self) -> bool:
        """All hazards found, the time ran out, or the player gave up."""
        return self.finish_reason is not None

    @property
    def score(self) -> int:
        """Points so far (never below 0)."""
        return self._score

    @property
    def max_score(self) -> int:
        """Every hazard found with no miss and no hint."""
        return self.scoring.points_per_find * len(self.scene.hazards)

    @property
    def content_id(self) -> str:
        """The scene id."""
        return self.scene.id

    # ------------------------------------------------------------------ state for the view

    @property
    def remaining(self) -> tuple[Hazard, ...]:
        """Hazards still hidden, in file order."""
        return tuple(h for h in self.scene.hazards if h.id not in self.found)

    def time_left(self, t: float) -> float | None:
        """Seconds left at time ``t`` (None without a time limit)."""
        if self.time_limit is None:
            return None
        return max(0.0, self.time_limit - t)

    def hint_available(self, t: float) -> bool:
        """Whether the hint button should be offered at time ``t``."""
        if self.finished or self._time_is_up(t):
            return False
        quiet_since = max(self._last_find_at, self._last_hint_at or 0.0)
        return t - quiet_since >= self.scoring.hint_after

    # ------------------------------------------------------------------ moves

    def tap(self, x: float, y: float, t: float) -> TapResult:
        """The player tapped design-space point (x, y) at time ``t``.

        A tap at or after the time limit does not count: it ends the round (kind
        ``time_up``, with the not-found records), as :meth:`tick` would have. Raises
        :class:`HazardHuntError` once the round is over, or for non-numeric coordinates or a
        time earlier than the previous move.
        """
        if not (_is_number(x) and _is_number(y)):
            raise HazardHuntError(f"tap coordinates must be finite numbers, got ({x!r}, {y!r})")
        self._advance_clock(t)
        self._require_open()
        if self._time_is_up(t):
            return TapResult("time_up", None, 0, self._score, self._finish("time_up"))
        self.taps += 1
        if not (0 <= x < DESIGN_WIDTH and 0 <= y < DESIGN_HEIGHT):
            return TapResult("outside", None, 0, self._score, ())
        self._last_tap = (float(x), float(y))
        hits = [h for h in self.scene.hazards if h.area.contains(x, y)]
        hidden = [h for h in hits if h.id not in self.found]
        if hidden:
            # Overlapping areas: the smallest is the most specific thing the finger was on.
            hazard = min(hidden, key=lambda h: _size(h.area))
            return self._find(hazard, t)
        if hits:
            return TapResult("already_found", hits[0], 0, self._score, ())
        return self._miss(t)

    def hint(self, t: float) -> Hint:
        """Spend a hint: the hidden hazard nearest the last tap (or the scene centre).

        Raises :class:`HazardHuntError` when no hint is offered yet (see
        :meth:`hint_available`), the time is up or the round is over.
        """
        self._advance_clock(t)
        self._require_open()
        if self._time_is_up(t):
            raise HazardHuntError("the time is up: no more hints")
        if not self.hint_available(t):
            raise HazardHuntError(
                f"no hint yet: one is offered {self.scoring.hint_after:g} s after the last find "
                "or hint"
            )
        px, py = self._last_tap or (DESIGN_WIDTH / 2, DESIGN_HEIGHT / 2)

        def distance(hazard: Hazard) -> float:
            cx, cy = _centre(hazard.area)
            return math.hypot(cx - px, cy - py)

        hazard = min(self.remaining, key=distance)  # min keeps file order on ties
        cost = min(self.scoring.hint_cost, self._score)
        self._score -= cost
        self.hints_used += 1
        self._last_hint_at = t
        self._hinted_id = hazard.id
        return Hint(hazard.id, hazard.area, hazard.hint or self.scene.hint, cost, self._score)

    def tick(self, t: float) -> tuple[StepRecord, ...]:
        """Let time pass to ``t``; ends the round when the time limit is reached.

        Returns the records written by this call (the hazards never found), usually none.
        """
        self._advance_clock(t)
        if not self.finished and self._time_is_up(t):
            return self._finish("time_up")
        return ()

    def give_up(self, t: float) -> tuple[StepRecord, ...]:
        """The player is done looking; the hidden hazards are recorded as not found."""
        self._advance_clock(t)
        self._require_open()
        return self._finish("time_up" if self._time_is_up(t) else "gave_up")

    # ------------------------------------------------------------------ internals

    def _find(self, hazard: Hazard, t: float) -> TapResult:
        response_ms = round((t - self._last_find_at) * 1000)
        self.found[hazard.id] = t
        self._last_find_at = t
        self._score += self.scoring.points_per_find
        chosen = "found_with_hint" if self._hinted_id == hazard.id else "found"
        record = StepRecord(self._ids[hazard.id], self.scene.topic, True, [chosen], response_ms)
        self.records.append(record)
        records: tuple[StepRecord, ...] = (record,)
        if not self.remaining:
            records += self._finish("all_found")
        return TapResult("found", hazard, 0, self._score, records)

    def _miss(self, t: float) -> TapResult:
        repeat = (
            self._last_miss_at is not None
            and t - self._last_miss_at < self.scoring.miss_debounce
        )
        self._last_miss_at = t
        if repeat:
            return TapResult("repeat_miss", None, 0, self._score, ())
        self.misses += 1
        penalty = min(self.scoring.miss_penalty, self._score)
        self._score -= penalty
        return TapResult("miss", None, penalty, self._score, ())

    def _finish(self, reason: FinishReason) -> tuple[StepRecord, ...]:
        self.finish_reason = reason
        missed = tuple(
            StepRecord(self._ids[h.id], self.scene.topic, False, ["not_found"], None)
            for h in self.remaining
        )
        self.records.extend(missed)
        return missed

    def _time_is_up(self, t: float) -> bool:
        return self.time_limit is not None and t >= self.time_limit

    def _advance_clock(self, t: float) -> None:
        if not _is_number(t) or t < 0:
            raise HazardHuntError(f"time must be seconds >= 0 since the round began, got {t!r}")
        if t < self._now:
            raise HazardHuntError(f"time went backwards: {t:g} s after {self._now:g} s")
        self._now = float(t)

    def _require_open(self) -> None:
        if self.finished:
            raise HazardHuntError(f"the round is over ({self.finish_reason})")
