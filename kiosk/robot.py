"""Robot mode: drive the real kiosk from a script, in simulated time, on any SDL driver.

A script is a text file with one step per line (``#`` after a space starts a comment)::

    expect: attract
    tap: guest                 # a widget id, or its visible label (in the current language)
    tap: 消防安全
    tap_at: 960,540            # design coordinates (1920×1080)
    touch_at: 960,540          # the same, as a finger (FINGERDOWN/FINGERUP)
    drag: card -> bin_safe     # press on A, move in small steps, release on B (ids, labels or x,y)
    touch_drag: 300,500 -> 960,540   # the same with a finger
    scan: SZ7K3QXPM9RT2HCV     # a card scanner burst: fast keys, then Enter
    type: 12                   # a person typing (slow keys, no Enter)
    key: escape                # one key by its pygame name: return, escape, tab, 1, f2...
    wait: 65                   # seconds of simulated time
    screenshot: attract-zh     # saves <screenshots>/attract-zh.png
    expect: greeting           # the scene on top must be this one

Events go through pygame's real event queue and the real input layer. The run stops at the
first step that fails (unknown widget, wrong scene) and reports it; the kiosk itself recovering
from an exception also counts as a failure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pygame

from kiosk.app import KioskApp
from kiosk.clock import SimClock

VERBS = ("scan", "tap", "tap_at", "touch_at", "drag", "touch_drag", "type", "key", "wait", "screenshot", "expect")
#: Simulated time between scanner keys (a real scanner types a code in about 100 ms).
SCAN_KEY_GAP = 0.01
#: Simulated time between a person's keys.
HUMAN_KEY_GAP = 0.25
#: Frame length while waiting (updates still run at the fixed 60 Hz step inside).
WAIT_FRAME = 0.1
#: Frame length for settling after an input.
INPUT_FRAME = 1 / 60
MAX_WAIT = 24 * 3600.0
#: Pointer moves a robot drag makes between press and release (one frame each).
DRAG_STEPS = 12


class ScriptError(ValueError):
    """A script line that cannot be understood; the message names the line."""


@dataclass(frozen=True)
class Step:
    """One script line."""

    line: int
    verb: str
    arg: str

    def __str__(self) -> str:
        return f"{self.verb}: {self.arg}"


@dataclass
class RobotResult:
    """How a run went: steps done, the failure (if any) and real frame times in seconds."""

    steps_done: int = 0
    failure: str | None = None
    frame_times: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No step failed."""
        return self.failure is None


def parse_script(text: str) -> list[Step]:
    """Parse a robot script; raises :class:`ScriptError` naming the first bad line."""
    steps: list[Step] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        # A trailing comment needs a space before '#', so labels such as "No.#1" survive.
        line = line.split(" #", 1)[0].strip()
        if not line:
            continue
        verb, sep, arg = line.partition(":")
        verb, arg = verb.strip().lower(), arg.strip()
        if not sep:
            raise ScriptError(f"line {number}: expected 'step: argument', got {raw.strip()!r}")
        if verb not in VERBS:
            raise ScriptError(f"line {number}: unknown step {verb!r} (known: {', '.join(VERBS)})")
        if not arg:
            raise ScriptError(f"line {number}: step {verb!r} needs an argument")
        if verb in ("tap_at", "touch_at"):
            _parse_point(arg, number)
        if verb in ("drag", "touch_drag"):
            _parse_drag(arg, number)
        if verb == "wait":
            try:
                seconds = float(arg)
            except ValueError:
                raise ScriptError(f"line {number}: wait needs seconds, got {arg!r}") from None
            if not 0 <= seconds <= MAX_WAIT:
                raise ScriptError(f"line {number}: wait must be 0..{MAX_WAIT:.0f} seconds, got {arg}")
        if verb == "key" and _key_code(arg) is None:
            raise ScriptError(f"line {number}: unknown key name {arg!r} (pygame names: return, escape, tab, 1, f2...)")
        if verb == "screenshot" and ("/" in arg or "\\" in arg or arg.startswith(".")):
            raise ScriptError(f"line {number}: screenshot name must be a plain file name, got {arg!r}")
        steps.append(Step(number, verb, arg))
    return steps


def _parse_point(arg: str, number: int) -> tuple[float, float]:
    try:
        x_text, y_text = arg.split(",")
        return float(x_text), float(y_text)
    except ValueError:
        raise ScriptError(f"line {number}: expected 'x,y' in design pixels, got {arg!r}") from None


def _parse_drag(arg: str, number: int) -> tuple[str, str]:
    start, sep, end = arg.partition("->")
    if not sep or not start.strip() or not end.strip():
        raise ScriptError(f"line {number}: expected 'A -> B' (widget ids, labels or x,y), got {arg!r}")
    return start.strip(), end.strip()


def _maybe_point(ref: str) -> tuple[float, float] | None:
    parts = ref.split(",")
    if len(parts) != 2:
        return None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None


def _key_code(name: str) -> int | None:
    try:
        return pygame.key.key_code(name)
    except ValueError:
        return None


class Robot:
    """Executes steps against a started :class:`KioskApp` whose clock is a :class:`SimClock`."""

    def __init__(
        self, app: KioskApp, clock: SimClock, screenshots: Path | None = None, draw_waits: bool = False
    ) -> None:
        self.app = app
        #: Paint every frame of a wait (benchmarks) instead of only its last frame (fast tests).
        self.draw_waits = draw_waits
        self.clock = clock
        self.screenshots = screenshots
        self.result = RobotResult()

    # -- time --------------------------------------------------------------------------------
    def frame(self, dt: float, draw: bool = True) -> None:
        """Advance simulated time by ``dt`` and run one real frame (timed)."""
        self.clock.advance(dt)
        started = time.perf_counter()
        try:
            self.app.frame(dt, draw=draw)
        except Exception as exc:  # noqa: BLE001 - recorded as a failure, kiosk recovers
            self.app.recover(exc)
            if self.result.failure is None:
                self.result.failure = f"kiosk error: {exc.__class__.__name__}: {exc}"
        self.result.frame_times.append(time.perf_counter() - started)

    def wait(self, seconds: float, frame: float = WAIT_FRAME) -> None:
        """Let ``seconds`` of simulated time pass."""
        remaining = seconds
        while remaining > 1e-9:
            dt = min(frame, remaining)
            remaining -= dt
            self.frame(dt, draw=self.draw_waits or remaining <= 1e-9)

    # -- input -------------------------------------------------------------------------------
    def post_key(self, key: int, char: str = "") -> None:
        """Put one key press into pygame's event queue."""
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char, mod=0, scancode=0))

    def scan(self, code: str) -> None:
        """A scanner burst: every character ``SCAN_KEY_GAP`` apart, then Enter."""
        for char in code:
            self.post_key(_char_key(char), char)
            self.frame(SCAN_KEY_GAP)
        self.post_key(pygame.K_RETURN, "\r")
        self.frame(SCAN_KEY_GAP)
        self.wait(0.2, INPUT_FRAME)

    def type_text(self, text: str) -> None:
        """A person typing, one key every ``HUMAN_KEY_GAP`` seconds."""
        for char in text:
            self.post_key(_char_key(char), char)
            self.wait(HUMAN_KEY_GAP, INPUT_FRAME)

    def key(self, name: str) -> None:
        """Press one named key."""
        code = _key_code(name)
        if code is None:
            raise ScriptError(f"unknown key name {name!r}")
        char = name if len(name) == 1 else ""
        self.post_key(code, char)
        self.wait(0.2, INPUT_FRAME)

    def tap_at(self, x: float, y: float) -> None:
        """A mouse click at design point (x, y)."""
        pos = self.app.viewport.to_window((x, y))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
        self.frame(INPUT_FRAME)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
        self.wait(0.1, INPUT_FRAME)

    def touch_at(self, x: float, y: float) -> None:
        """A finger tap at design point (x, y)."""
        wx, wy = self.app.viewport.to_window((x, y))
        width, height = self.app.viewport.window_size
        fields = {"touch_id": 1, "finger_id": 1, "x": wx / width, "y": wy / height, "dx": 0.0, "dy": 0.0, "pressure": 1.0}
        pygame.event.post(pygame.event.Event(pygame.FINGERDOWN, **fields))
        self.frame(INPUT_FRAME)
        pygame.event.post(pygame.event.Event(pygame.FINGERUP, **fields))
        self.wait(0.1, INPUT_FRAME)

    def _finger_event(self, kind: int, x: float, y: float) -> pygame.event.Event:
        wx, wy = self.app.viewport.to_window((x, y))
        width, height = self.app.viewport.window_size
        return pygame.event.Event(kind, touch_id=1, finger_id=1, x=wx / width, y=wy / height, dx=0.0, dy=0.0,
                                  pressure=1.0)

    def point_of(self, ref: str) -> tuple[float, float]:
        """Design point of ``x,y`` or of the centre of the widget with this id or label."""
        point = _maybe_point(ref)
        if point is not None:
            return point
        widget = self.app.top.find_widget(ref)
        if widget is None:
            raise StepFailed(f"no widget {ref!r} on scene {self.app.top.name!r}")
        return float(widget.rect.centerx), float(widget.rect.centery)

    def drag(self, start: tuple[float, float], end: tuple[float, float], *, touch: bool = False,
             steps: int = DRAG_STEPS, frame: float = INPUT_FRAME) -> None:
        """Press at ``start``, move to ``end`` in ``steps`` frames, release there (design points).

        ``frame`` 0 posts the whole drag before a single frame runs (very fast input).
        """
        (x0, y0), (x1, y1) = start, end
        if touch:
            pygame.event.post(self._finger_event(pygame.FINGERDOWN, x0, y0))
        else:
            pos = self.app.viewport.to_window((x0, y0))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
        if frame:
            self.frame(frame)
        for index in range(1, steps + 1):
            x = x0 + (x1 - x0) * index / steps
            y = y0 + (y1 - y0) * index / steps
            if touch:
                pygame.event.post(self._finger_event(pygame.FINGERMOTION, x, y))
            else:
                pos = self.app.viewport.to_window((x, y))
                pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0),
                                                     touch=False))
            if frame:
                self.frame(frame)
        if touch:
            pygame.event.post(self._finger_event(pygame.FINGERUP, x1, y1))
        else:
            pos = self.app.viewport.to_window((x1, y1))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
        self.wait(0.3, INPUT_FRAME)

    def tap(self, ref: str) -> None:
        """Tap the widget with this id or visible label on the top scene."""
        widget = self.app.top.find_widget(ref)
        if widget is None:
            raise StepFailed(f"no widget {ref!r} on scene {self.app.top.name!r}")
        self.tap_at(*widget.rect.center)

    # -- running -----------------------------------------------------------------------------
    def run(self, steps: list[Step]) -> RobotResult:
        """Run the steps in order, stopping at the first failure."""
        log = self.app.log
        for step in steps:
            if self.result.failure is not None:
                break
            log.emit("step", line=step.line, step=step.verb, arg=_loggable(step))
            try:
                self.execute(step)
            except StepFailed as exc:
                self.result.failure = f"line {step.line} ({step.verb}): {exc}"
            if self.result.failure is None:
                self.result.steps_done += 1
        if self.result.failure is not None:
            log.emit("robot_failed", message=self.result.failure)
        else:
            log.emit("robot_done", steps=self.result.steps_done)
        return self.result

    def execute(self, step: Step) -> None:
        """One step."""
        verb, arg = step.verb, step.arg
        if verb == "scan":
            self.scan(arg)
        elif verb == "tap":
            self.tap(arg)
        elif verb == "tap_at":
            self.tap_at(*_parse_point(arg, step.line))
        elif verb == "touch_at":
            self.touch_at(*_parse_point(arg, step.line))
        elif verb in ("drag", "touch_drag"):
            start, end = _parse_drag(arg, step.line)
            self.drag(self.point_of(start), self.point_of(end), touch=verb == "touch_drag")
        elif verb == "type":
            self.type_text(arg)
        elif verb == "key":
            self.key(arg)
        elif verb == "wait":
            self.wait(float(arg))
        elif verb == "screenshot":
            if self.screenshots is None:
                raise StepFailed("no screenshot folder given (--screenshots DIR)")
            self.app.screenshot(self.screenshots / f"{arg}.png")
        elif verb == "expect" and self.app.top.name != arg:
            raise StepFailed(f"expected scene {arg!r}, but {self.app.top.name!r} is showing")


class StepFailed(Exception):
    """A step could not be done (its message says why)."""


def _char_key(char: str) -> int:
    lower = char.lower()
    if "a" <= lower <= "z" or "0" <= lower <= "9":
        return ord(lower)
    if char == "-":
        return pygame.K_MINUS
    if char == " ":
        return pygame.K_SPACE
    return 0


def _loggable(step: Step) -> str:
    # Card codes are secrets: the log keeps only their length.
    return f"<{len(step.arg)} characters>" if step.verb == "scan" else step.arg
