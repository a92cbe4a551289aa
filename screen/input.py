"""The input layer: SDL events (touch, mouse, keys, card scanner) become kiosk actions.

Scenes never read pygame events. They receive:

* :class:`Press` / :class:`Release` at a point in design coordinates (a finger or a mouse);
* :class:`Move` while the finger or the mouse button is down (drags);
* :class:`Command` for keyboard navigation (``activate``, ``back``, ``next``, ``prev``,
  ``choose_1``..``choose_6``, ``lang``, ``textsize``);
* :class:`Scan` with a card code read from the USB scanner (see :mod:`screen.scanner`) or, when
  enabled, the camera (:mod:`kiosk.camera_scan`, taken by the app each frame).

Touch screens also make SDL synthesise mouse events; those carry ``touch=True`` and are dropped
so one tap is one press. Only the first finger down is followed, so a palm does not click twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from screen.scanner import ScannerReader
from screen.theme import DESIGN_SIZE


@dataclass(frozen=True)
class Press:
    """A finger or the mouse went down at ``pos`` (design pixels)."""

    pos: tuple[float, float]


@dataclass(frozen=True)
class Release:
    """The finger or mouse button came up at ``pos`` (design pixels)."""

    pos: tuple[float, float]


@dataclass(frozen=True)
class Move:
    """The finger or the held mouse moved to ``pos`` (design pixels); only sent between a press
    and its release, so hovering never counts as someone being there."""

    pos: tuple[float, float]


@dataclass(frozen=True)
class Command:
    """A keyboard command."""

    name: str


@dataclass(frozen=True)
class Scan:
    """A card code typed by the scanner, or read by the camera (never shown on screen)."""

    code: str
    #: ``scanner`` (USB, keys) or ``camera`` (kiosk/camera_scan.py).
    source: str = "scanner"


Action = Press | Release | Move | Command | Scan

# Keys people (or a maintenance keyboard) use to drive the kiosk without touch.
_KEY_COMMANDS: dict[int, str] = {
    pygame.K_ESCAPE: "back",
    pygame.K_BACKSPACE: "back",
    pygame.K_SPACE: "activate",
    pygame.K_TAB: "next",
    pygame.K_RIGHT: "next",
    pygame.K_DOWN: "next",
    pygame.K_LEFT: "prev",
    pygame.K_UP: "prev",
    pygame.K_F2: "lang",
    pygame.K_F3: "textsize",
}
_ENTER_KEYS = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER})
_KEYPAD_DIGITS = {getattr(pygame, f"K_KP{d}"): str(d) for d in range(10)}


def key_command_for_char(char: str) -> Command | None:
    """What a printable key typed by a person means: digits 1-6 choose an answer."""
    if char in "123456" and len(char) == 1:
        return Command(f"choose_{char}")
    return None


class Viewport:
    """Maps between the window and the 1920×1080 design space (uniform scale, letterboxed)."""

    def __init__(self, window_size: tuple[int, int]) -> None:
        self.resize(window_size)

    def resize(self, window_size: tuple[int, int]) -> None:
        """Recompute the scale and the letterbox offset for a new window size."""
        width, height = window_size
        dw, dh = DESIGN_SIZE
        self.window_size = (width, height)
        self.scale = min(width / dw, height / dh)
        self.offset = ((width - dw * self.scale) / 2, (height - dh * self.scale) / 2)
        self.scaled_size = (round(dw * self.scale), round(dh * self.scale))

    @property
    def identity(self) -> bool:
        """True when the window is exactly the design size (no scaling needed)."""
        return self.window_size == DESIGN_SIZE

    def to_design(self, window_pos: tuple[float, float]) -> tuple[float, float] | None:
        """Design coordinates of a window point; None in the letterbox bars."""
        x = (window_pos[0] - self.offset[0]) / self.scale
        y = (window_pos[1] - self.offset[1]) / self.scale
        dw, dh = DESIGN_SIZE
        if 0 <= x < dw and 0 <= y < dh:
            return (x, y)
        return None

    def to_window(self, design_pos: tuple[float, float]) -> tuple[int, int]:
        """Window pixel of a design point (used by the robot to tap widgets)."""
        return (
            round(design_pos[0] * self.scale + self.offset[0]),
            round(design_pos[1] * self.scale + self.offset[1]),
        )


class InputMapper:
    """Turns pygame events into actions; owns the scanner reader and the active finger."""

    def __init__(self, viewport: Viewport, scanner: ScannerReader) -> None:
        self.viewport = viewport
        self.scanner = scanner
        self._finger: int | None = None
        self._mouse_down = False

    def translate(self, event: pygame.event.Event, now: float) -> list[Action]:
        """Actions for one event, read at monotonic time ``now``."""
        kind = event.type
        if kind == pygame.MOUSEBUTTONDOWN or kind == pygame.MOUSEBUTTONUP:
            if getattr(event, "touch", False) or getattr(event, "button", 1) != 1:
                return []
            pos = self.viewport.to_design(event.pos)
            if kind == pygame.MOUSEBUTTONUP:
                self._mouse_down = False
            if pos is None:
                # A drag released in the letterbox still ends (outside every target).
                return [Release((-1.0, -1.0))] if kind == pygame.MOUSEBUTTONUP else []
            if kind == pygame.MOUSEBUTTONDOWN:
                self._mouse_down = True
                return [Press(pos)]
            return [Release(pos)]
        if kind == pygame.MOUSEMOTION:
            if not self._mouse_down or getattr(event, "touch", False):
                return []
            pos = self.viewport.to_design(event.pos)
            return [Move(pos)] if pos is not None else []
        if kind == pygame.FINGERMOTION:
            if getattr(event, "finger_id", 0) != self._finger:
                return []
            width, height = self.viewport.window_size
            pos = self.viewport.to_design((event.x * width, event.y * height))
            return [Move(pos)] if pos is not None else []
        if kind == pygame.FINGERDOWN or kind == pygame.FINGERUP:
            return self._finger_action(event)
        if kind == pygame.KEYDOWN:
            return self._key_actions(event, now)
        return []

    def poll(self, now: float) -> list[Action]:
        """Actions that become due with time alone (keys a person typed, once clearly not a scan)."""
        return self._human_keys(self.scanner.expire(now))

    def _finger_action(self, event: pygame.event.Event) -> list[Action]:
        finger = getattr(event, "finger_id", 0)
        width, height = self.viewport.window_size
        pos = self.viewport.to_design((event.x * width, event.y * height))
        if event.type == pygame.FINGERDOWN:
            if self._finger is not None or pos is None:
                return []
            self._finger = finger
            return [Press(pos)]
        if finger != self._finger:
            return []
        self._finger = None
        # A finger lifted in the letterbox still ends the press (outside every widget).
        return [Release(pos if pos is not None else (-1.0, -1.0))]

    def _key_actions(self, event: pygame.event.Event, now: float) -> list[Action]:
        key = event.key
        if key in _ENTER_KEYS:
            result = self.scanner.enter(now)
            actions = self._human_keys(result.human_chars)
            if result.code is not None:
                actions.append(Scan(result.code))
            else:
                actions.append(Command("activate"))
            return actions
        char = _printable_char(event)
        if char is not None:
            return self._human_keys(self.scanner.feed(char, now))
        # A non-printable key ends any burst: it cannot be part of a card code.
        actions = self._human_keys(self.scanner.flush())
        command = _KEY_COMMANDS.get(key)
        if command is not None:
            actions.append(Command(command))
        return actions

    @staticmethod
    def _human_keys(chars: list[str]) -> list[Action]:
        actions: list[Action] = []
        for char in chars:
            command = key_command_for_char(char)
            if command is not None:
                actions.append(command)
        return actions


def _printable_char(event: pygame.event.Event) -> str | None:
    """The ASCII character a key typed, read from the key code so no IME is involved.

    With SDL text input stopped, ``event.unicode`` may be empty; letters, digits and the
    separators a code can contain are recovered from the key code instead.
    """
    key = event.key
    if key in _KEYPAD_DIGITS:
        return _KEYPAD_DIGITS[key]
    if pygame.K_a <= key <= pygame.K_z or pygame.K_0 <= key <= pygame.K_9:
        return chr(key)
    if key == pygame.K_MINUS:
        return "-"
    text = getattr(event, "unicode", "")
    if len(text) == 1 and text.isascii() and text.isprintable() and text != " ":
        return text
    return None
