"""A monkey: thousands of random taps, keys, scans and pauses against the real app, in simulated time.

Used by the monkey test and the benchmark. Half the taps hit real widgets (so the monkey gets
deep into quizzes and results), the rest land anywhere. Any exception inside the app counts as
a failure; at the end the kiosk must be back on the attract screen after idling.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from kiosk.app import KioskApp
from kiosk.clock import SimClock
from kiosk.robot import _char_key

_RETREAT = frozenset({"quit", "back", "done", "lang", "textsize"})
_KEYS = ("return", "escape", "tab", "left", "right", "1", "2", "3", "4", "space", "f2", "f3", "a", "backspace")
_GARBAGE = ("", "123", "HELLO", "SZ" + "9" * 14, "sz-7k3q-xpm9", "http://example.com/x", "中文")


@dataclass
class MonkeyResult:
    """What the monkey did and what broke."""

    events: int = 0
    errors: list[str] = field(default_factory=list)
    scenes: set[str] = field(default_factory=set)
    frame_times: list[float] = field(default_factory=list)
    final_scene: str = ""


def run_monkey(app: KioskApp, clock: SimClock, rng: random.Random, events: int, codes: Sequence[str] = (),
               draw_every: int = 8) -> MonkeyResult:
    """Send ``events`` random inputs, then idle long enough to return to attract."""
    result = MonkeyResult()
    frames = 0

    def frame(dt: float) -> None:
        nonlocal frames
        frames += 1
        clock.advance(dt)
        started = time.perf_counter()
        try:
            app.frame(dt, draw=frames % draw_every == 0)
        except Exception as exc:  # noqa: BLE001 - the point is to count them
            result.errors.append(f"{exc.__class__.__name__}: {exc}")
            app.recover(exc)
        result.frame_times.append(time.perf_counter() - started)
        result.scenes.add(app.top.name)

    def post(event_type: int, **fields) -> None:
        pygame.event.post(pygame.event.Event(event_type, **fields))

    for _ in range(events):
        result.events += 1
        roll = rng.random()
        if roll < 0.45:
            widgets = [w for w in app.top.widgets if w.visible]
            if widgets:
                # Lean forward: exits and toggles are tapped less, so rounds get finished too.
                weights = [0.15 if w.id in _RETREAT else 1.0 for w in widgets]
                pos = app.viewport.to_window(rng.choices(widgets, weights)[0].rect.center)
                post(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False)
                frame(1 / 60)
                post(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False)
        elif roll < 0.65:
            pos = (rng.randrange(app.viewport.window_size[0]), rng.randrange(app.viewport.window_size[1]))
            if rng.random() < 0.5:
                post(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False)
                frame(1 / 60)
                post(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False)
            else:
                width, height = app.viewport.window_size
                fields = {"touch_id": 1, "finger_id": rng.randrange(3), "x": pos[0] / width, "y": pos[1] / height,
                          "dx": 0.0, "dy": 0.0, "pressure": 1.0}
                post(pygame.FINGERDOWN, **fields)
                frame(1 / 60)
                post(pygame.FINGERUP, **fields)
        elif roll < 0.73:
            name = rng.choice(_KEYS)
            post(pygame.KEYDOWN, key=pygame.key.key_code(name), unicode=name if len(name) == 1 else "", mod=0, scancode=0)
        elif roll < 0.87:
            code = rng.choice(list(codes) + list(_GARBAGE)) if codes else rng.choice(_GARBAGE)
            for char in code + "\r":
                post(pygame.KEYDOWN, key=pygame.K_RETURN if char == "\r" else _char_key(char), unicode=char, mod=0, scancode=0)
                frame(0.01)
        elif roll < 0.97:
            for _ in range(rng.randrange(1, 30)):
                frame(0.1)
        else:
            # Walk away long enough for the idle warning (and sometimes the timeout).
            for _ in range(rng.randrange(122, 172)):
                frame(0.5)
        frame(1 / 60)
    for _ in range(200):  # 100 s: idle warning, countdown, attract
        frame(0.5)
    result.final_scene = app.top.name
    return result
