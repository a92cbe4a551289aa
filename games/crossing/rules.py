"""Kids' crossing rules: a small traffic simulation, pure, pygame-free, deterministic.

The view calls :meth:`CrossingRules.update` every frame with the frame's ``dt``; the
simulation advances in fixed ticks of 1/60 s (leftover time is carried to the next call, as
pyspacewar does), so the same seed and the same ``dt`` sequence always give the same game,
and a slow frame never makes cars jump through the crossing.

The road: ``lanes`` lanes, even lanes driving left to right, odd lanes right to left. Along
its lane a car's front is at ``s`` metres from where it appears; the zebra crossing spans
``crossing_start .. crossing_start + crossing_width`` and cars stop at ``stop_line``. Cars
appear per lane as a Poisson stream with the level's ``cars_per_lane_per_minute`` (seeded
``rng``), keep a gap to the car ahead, and stop for the pedestrians' green — except a car
already too close to brake when the light changed, which drives on through. That car is the
lesson: green alone is not enough, look both ways.

The pedestrian light cycles red -> green -> flashing -> red with the level's timings. Each
round starts on red (at a seeded point in its first half), the child waits and taps "walk":

* red light, flashing light, or a car coming (on the crossing, or not going to stop and
  due within ``car_window`` seconds): unsafe, with that reason; the spoken feedback plays
  for ``feedback_seconds``, during which further taps are ignored (a child drumming on the
  button makes one mistake, not ten); then the child tries again, same round;
* otherwise: safe. The child walks across for ``walk_seconds`` and the next round begins.

Score: ``points_per_round`` (10) for a round crossed safely at the first try, half of it after
any unsafe try. Answer records: one per judged tap, ``item_id`` the level id, ``chosen``
``["safe"]`` or ``[reason]``, ``response_ms`` since the child could last tap.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Literal

from games.base import GameRules, StepRecord
from safezone.content.schema import CrossingLevel, SpokenPrompt

Light = Literal["red", "green", "flashing"]
UnsafeReason = Literal["red_light", "flashing", "car_coming"]
WalkKind = Literal["safe", "unsafe", "ignored"]
State = Literal["waiting", "feedback", "walking", "finished"]
EventKind = Literal["light", "ready", "crossed", "round", "finished"]

#: The simulation's fixed step, seconds.
TICK = 1 / 60


class CrossingError(ValueError):
    """A bad argument or a move after the round is over (the message says which)."""


@dataclass(frozen=True)
class RoadLayout:
    """Distances in metres along a lane, speeds in m/s, times in seconds."""

    road_length: float = 80.0
    stop_line: float = 35.0
    crossing_start: float = 38.0
    crossing_width: float = 4.0
    car_length: float = 4.0
    car_gap: float = 2.0
    #: About 29 km/h, a residential street.
    car_speed: float = 8.0
    #: A car closer than this to the stop line when its light turns red cannot stop.
    braking_distance: float = 8.0
    #: A car that will not stop and reaches the crossing within this many seconds is "coming".
    car_window: float = 3.0
    #: Traffic simulated before the first round so the road is not empty.
    warmup_seconds: float = 20.0

    @property
    def crossing_end(self) -> float:
        """Far edge of the crossing."""
        return self.crossing_start + self.crossing_width


@dataclass(frozen=True)
class CrossingTiming:
    """How long the game's own pauses last, and what a round is worth."""

    rounds: int = 3
    walk_seconds: float = 4.0
    feedback_seconds: float = 2.0
    points_per_round: int = 10


@dataclass
class Car:
    """One car: its lane, the position of its front along the lane, whether it is moving."""

    lane: int
    s: float
    moving: bool = True
    #: Too close to stop when the light turned red: drives through.
    committed: bool = False

    @property
    def direction(self) -> int:
        """+1 left to right (even lanes), -1 right to left (odd lanes)."""
        return 1 if self.lane % 2 == 0 else -1


@dataclass(frozen=True)
class CrossingEvent:
    """Something the view reacts to (a prompt to say, a sound, a new round)."""

    kind: EventKind
    light: Light | None = None
    round: int | None = None


@dataclass(frozen=True)
class WalkResult:
    """The verdict on one tap of the walk button."""

    kind: WalkKind
    reason: UnsafeReason | None
    #: What to say now (``success`` or ``unsafe``); None when the tap was ignored.
    prompt: SpokenPrompt | None
    score: int
    records: tuple[StepRecord, ...]


@dataclass
class _Lane:
    cars: list[Car] = field(default_factory=list)  # front-most first
    next_spawn: float = 0.0


def _check_number(value: object, what: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CrossingError(f"{what} must be a finite number of seconds, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise CrossingError(f"{what} must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


class CrossingRules(GameRules):
    """One play of a crossing level: the light, the cars, the rounds and the score."""

    def __init__(
        self,
        level: CrossingLevel,
        rng: random.Random,
        *,
        timing: CrossingTiming | None = None,
        layout: RoadLayout | None = None,
    ) -> None:
        self.level = level
        self.timing = timing or CrossingTiming()
        self.layout = layout or RoadLayout()
        if isinstance(self.timing.rounds, bool) or not isinstance(self.timing.rounds, int) or (
            self.timing.rounds < 1
        ):
            raise CrossingError(f"rounds must be a whole number >= 1, got {self.timing.rounds!r}")
        points = self.timing.points_per_round
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise CrossingError(f"points_per_round must be a whole number >= 1, got {points!r}")
        _check_number(self.timing.walk_seconds, "walk_seconds", positive=True)
        _check_number(self.timing.feedback_seconds, "feedback_seconds")
        self._rng = rng
        self._rate = level.cars_per_lane_per_minute / 60.0  # cars per second per lane
        self._lanes = [_Lane() for _ in range(level.lanes)]
        phases: list[tuple[Light, float]] = [
            ("red", level.lights.red),
            ("green", level.lights.green),
            ("flashing", level.lights.flashing),
        ]
        self._cycle = [(light, float(seconds)) for light, seconds in phases if seconds > 0]
        self.time = 0.0
        self._accumulator = 0.0
        self.round = 1
        self.state: State = "waiting"
        self.records: list[StepRecord] = []
        self.round_scores: list[int] = []
        self.mistakes_this_round = 0
        self._state_until = 0.0
        self._waiting_since = 0.0
        for lane in self._lanes:
            lane.next_spawn = self._rng.expovariate(self._rate)
        # Cars drive on their green through the warm-up, so the first red shows real traffic.
        self._phase_index = 0
        self._phase_left = 0.0
        warmup_ticks = round(self.layout.warmup_seconds / TICK)
        for _ in range(warmup_ticks):
            self.time += TICK
            self._step_traffic(cars_have_green=True)
        for lane in self._lanes:  # keep the spawn clock relative to the round clock
            lane.next_spawn -= self.time
        self.time = 0.0
        self._start_round_light()

    # ------------------------------------------------------------------ GameRules

    @property
    def finished(self) -> bool:
        """Every round crossed."""
        return self.state == "finished"

    @property
    def score(self) -> int:
        """Points of the rounds crossed so far."""
        return sum(self.round_scores)

    @property
    def max_score(self) -> int:
        """Every round crossed at the first try."""
        return self.timing.rounds * self.timing.points_per_round

    @property
    def content_id(self) -> str:
        """The level id."""
        return self.level.id

    # ------------------------------------------------------------------ state for the view

    @property
    def light(self) -> Light:
        """The pedestrian light now."""
        return self._cycle[self._phase_index][0]

    @property
    def light_left(self) -> float:
        """Seconds until the light changes."""
        return self._phase_left

    @property
    def cars(self) -> tuple[Car, ...]:
        """Every car on the road (the view draws them; do not change them)."""
        return tuple(car for lane in self._lanes for car in lane.cars)

    @property
    def danger(self) -> UnsafeReason | None:
        """What a tap on "walk" would be told now (None: it would be safe)."""
        if self.light == "red":
            return "red_light"
        if self.light == "flashing":
            return "flashing"
        if any(self._threatens(car) for car in self.cars):
            return "car_coming"
        return None

    # ------------------------------------------------------------------ moves

    def update(self, dt: float) -> list[CrossingEvent]:
        """Advance the game by ``dt`` seconds; returns what happened, in order."""
        dt = _check_number(dt, "dt")
        if self.finished:
            return []
        self._accumulator += dt
        events: list[CrossingEvent] = []
        # The small epsilon stops float drift (60 x 1/60 < 1.0) from losing a tick a second.
        while self._accumulator >= TICK - 1e-9 and not self.finished:
            self._accumulator -= TICK
            self.time += TICK
            self._tick(events)
        return events

    def tap_walk(self) -> WalkResult:
        """The child tapped "walk" now (at :attr:`time`).

        Taps while feedback plays or while walking are ignored. Raises :class:`CrossingError`
        once every round is played.
        """
        if self.finished:
            raise CrossingError("the game is over: every round is played")
        if self.state != "waiting":
            return WalkResult("ignored", None, None, self.score, ())
        reason = self.danger
        record = StepRecord(
            self.level.id,
            self.level.topic,
            reason is None,
            [reason or "safe"],
            round((self.time - self._waiting_since) * 1000),
        )
        self.records.append(record)
        if reason is not None:
            self.mistakes_this_round += 1
            self._enter("feedback", self.timing.feedback_seconds)
            return WalkResult("unsafe", reason, self.level.prompts.unsafe, self.score, (record,))
        points = self.timing.points_per_round
        self.round_scores.append(points if self.mistakes_this_round == 0 else points // 2)
        self._enter("walking", self.timing.walk_seconds)
        return WalkResult("safe", None, self.level.prompts.success, self.score, (record,))

    # ------------------------------------------------------------------ internals

    def _enter(self, state: State, seconds: float) -> None:
        self.state = state
        self._state_until = self.time + seconds

    def _start_round_light(self) -> None:
        # Start on red, somewhere in its first half, so the child always waits a while but
        # cannot learn the exact moment it turns green.
        self._phase_index = 0
        red = self._cycle[0][1]
        self._phase_left = red - self._rng.uniform(0, red / 2)

    def _tick(self, events: list[CrossingEvent]) -> None:
        self._phase_left -= TICK
        if self._phase_left <= 1e-9:
            self._phase_index = (self._phase_index + 1) % len(self._cycle)
            self._phase_left += self._cycle[self._phase_index][1]
            events.append(CrossingEvent("light", light=self.light))
            if self.light == "green":
                self._commit_cars()
        self._step_traffic(cars_have_green=self.light == "red")
        if self.state in ("feedback", "walking") and self.time >= self._state_until - 1e-9:
            if self.state == "feedback":
                self.state = "waiting"
                self._waiting_since = self.time
                events.append(CrossingEvent("ready"))
            else:
                events.append(CrossingEvent("crossed", round=self.round))
                if self.round >= self.timing.rounds:
                    self.state = "finished"
                    events.append(CrossingEvent("finished"))
                    return
                self.round += 1
                self.mistakes_this_round = 0
                self.state = "waiting"
                self._waiting_since = self.time
                self._start_round_light()
                events.append(CrossingEvent("round", round=self.round))
                events.append(CrossingEvent("light", light=self.light))

    def _commit_cars(self) -> None:
        layout = self.layout
        for car in self.cars:
            car.committed = car.s > layout.stop_line - layout.braking_distance

    def _step_traffic(self, *, cars_have_green: bool) -> None:
        layout = self.layout
        step = layout.car_speed * TICK
        spacing = layout.car_length + layout.car_gap
        for index, lane in enumerate(self._lanes):
            ahead: Car | None = None
            for car in lane.cars:
                target = car.s + step
                if not cars_have_green and not car.committed and car.s <= layout.stop_line:
                    target = min(target, layout.stop_line)
                if ahead is not None:
                    target = min(target, ahead.s - spacing)
                car.moving = target > car.s + 1e-9
                car.s = max(car.s, target)
                ahead = car
            lane.cars = [c for c in lane.cars if c.s - layout.car_length <= layout.road_length]
            if self.time >= lane.next_spawn:
                last = lane.cars[-1] if lane.cars else None
                # A car appears only when there is room; otherwise it waits off-screen.
                if last is None or last.s - spacing >= 0:
                    lane.cars.append(Car(lane=index, s=0.0))
                    lane.next_spawn = self.time + self._rng.expovariate(self._rate)

    def _threatens(self, car: Car) -> bool:
        layout = self.layout
        rear = car.s - layout.car_length
        if car.s > layout.crossing_start and rear < layout.crossing_end:
            return True  # on the crossing
        if car.s > layout.crossing_start:
            return False  # already gone past
        will_stop = self.light != "red" and not car.committed and car.s <= layout.stop_line
        if will_stop:
            return False
        return (layout.crossing_start - car.s) / layout.car_speed <= layout.car_window
