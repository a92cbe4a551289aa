"""Sounds: feedback sounds and spoken prompt files, all optional.

Feedback: ``assets/sounds/feedback/{right,wrong,badge,tap}.ogg`` when present, else a tone
made at start-up. Spoken prompts (kids' mode): the question's own ``audio`` file if the
content names one, else ``assets/sounds/prompts/<question id>.<zh|en>.ogg`` for the current
language if that file exists, else nothing.

The mixer is guarded: without an audio device, with a broken file, or when the mixer itself
fails, the kiosk stays silent and never crashes. Each request is still reported to
``on_play`` so robot logs and tests can see that feedback was given.
"""

from __future__ import annotations

import functools
import math
from array import array
from collections.abc import Callable
from pathlib import Path

import pygame

_RATE = 22050


def _tone(notes: list[tuple[float, float]], volume: float = 0.35) -> bytes:
    """16-bit mono samples for a sequence of (frequency Hz, seconds) with soft edges."""
    samples = array("h")
    for frequency, seconds in notes:
        count = int(_RATE * seconds)
        fade = max(1, int(_RATE * 0.01))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            value = math.sin(2 * math.pi * frequency * i / _RATE) * volume * envelope
            samples.append(int(value * 32767))
    return samples.tobytes()


#: The feedback sounds: a rising chime for right, a soft low pair for "not quite".
TONES: dict[str, list[tuple[float, float]]] = {
    "correct": [(660.0, 0.12), (880.0, 0.18)],
    "wrong": [(330.0, 0.16), (262.0, 0.22)],
    "tap": [(990.0, 0.03)],
    "scan": [(1320.0, 0.08)],
    "finish": [(523.0, 0.12), (659.0, 0.12), (784.0, 0.22)],
    "badge": [(784.0, 0.1), (988.0, 0.1), (1175.0, 0.25)],
}

#: Feedback names → files under ``assets/sounds/feedback/`` (recorded sounds win over tones).
FEEDBACK_FILES: dict[str, str] = {"correct": "right.ogg", "wrong": "wrong.ogg", "badge": "badge.ogg", "tap": "tap.ogg"}
#: The language suffix of prompt files (``fire-kids-01.zh.ogg``).
PROMPT_SUFFIX: dict[str, str] = {"zh-CN": "zh", "en": "en"}


@functools.lru_cache(maxsize=2048)
def prompt_path(assets_dir: Path, question_id: str, audio: str | None, lang: str) -> Path | None:
    """The spoken prompt for a question: its ``audio`` (kept even if missing, so a broken content
    reference shows up in the log), else the convention file for ``lang`` if it exists, else None.

    Cached: the quiz asks while drawing, and the files do not change while the kiosk runs.
    """
    if audio:
        return assets_dir / audio
    suffix = PROMPT_SUFFIX.get(lang, "zh")
    candidate = assets_dir / "sounds" / "prompts" / f"{question_id}.{suffix}.ogg"
    return candidate if candidate.is_file() else None


class Sounds:
    """Plays named tones and prompt files if an audio device exists; silent otherwise."""

    def __init__(self, enabled: bool = True, on_play: Callable[[str], None] | None = None,
                 assets_dir: Path | None = None) -> None:
        self.on_play = on_play
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._files: dict[str, pygame.mixer.Sound | None] = {}
        self.available = False
        if not enabled:
            return
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=_RATE, size=-16, channels=1)
            settings = pygame.mixer.get_init()
            if settings is None:
                raise pygame.error("mixer did not start")
            frequency, _, channels = settings
            for name, notes in TONES.items():
                self._sounds[name] = _make_sound(notes, frequency, channels)
            self.available = True
        except (pygame.error, TypeError, ValueError, MemoryError):
            self._sounds = {}
            return
        if assets_dir is not None:
            for name, filename in FEEDBACK_FILES.items():
                recorded = self._load(assets_dir / "sounds" / "feedback" / filename)
                if recorded is not None:
                    self._sounds[name] = recorded

    def play(self, name: str) -> None:
        """Play a feedback sound by name (``correct``, ``wrong``, ``tap``, ``badge``, ``scan``, ``finish``)."""
        if self.on_play is not None:
            self.on_play(name)
        sound = self._sounds.get(name)
        if sound is not None:
            try:
                sound.play()
            except pygame.error:
                pass  # a mixer that fails mid-visit means silence, never a crash

    def _load(self, path: Path) -> pygame.mixer.Sound | None:
        key = str(path)
        if key not in self._files:
            try:
                self._files[key] = pygame.mixer.Sound(key) if path.is_file() else None
            except (pygame.error, OSError, ValueError):
                self._files[key] = None
        return self._files[key]

    def play_file(self, path: Path) -> bool:
        """Play a prompt file; False when it cannot be played (missing, unreadable, no device)."""
        if self.on_play is not None:
            self.on_play(f"file:{path.name}")
        if not self.available:
            return False
        sound = self._load(path)
        if sound is None:
            return False
        try:
            pygame.mixer.stop()
            sound.play()
        except pygame.error:
            return False
        return True

    def stop(self) -> None:
        """Stop everything playing (leaving a scene must not leave a prompt talking)."""
        if self.available:
            try:
                pygame.mixer.stop()
            except pygame.error:
                pass


def _make_sound(notes: list[tuple[float, float]], frequency: int, channels: int) -> pygame.mixer.Sound:
    mono = array("h")
    mono.frombytes(_tone(notes))
    if frequency != _RATE:
        # Resample by nearest sample: good enough for short beeps.
        ratio = _RATE / frequency
        mono = array("h", (mono[min(len(mono) - 1, int(i * ratio))] for i in range(int(len(mono) / ratio))))
    if channels > 1:
        mono = array("h", (value for value in mono for _ in range(channels)))
    return pygame.mixer.Sound(buffer=mono.tobytes())
