"""Spoken prompts and feedback sounds: content audio, else the convention file, else silence."""

from __future__ import annotations

import wave
from pathlib import Path

import pygame

from screen.sound import Sounds, prompt_path


def _write_wav(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(b"\0\0" * 2205)


def test_prompt_prefers_content_audio_then_language_file(tmp_path: Path) -> None:
    prompts = tmp_path / "sounds" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "q-kids-1.zh.ogg").write_bytes(b"x")
    assert prompt_path(tmp_path, "q-kids-1", "sounds/own.ogg", "zh-CN") == tmp_path / "sounds/own.ogg"
    assert prompt_path(tmp_path, "q-kids-1", None, "zh-CN") == prompts / "q-kids-1.zh.ogg"
    assert prompt_path(tmp_path, "q-kids-1", None, "en") is None
    assert prompt_path(tmp_path, "q-kids-2", None, "zh-CN") is None


def test_feedback_files_replace_tones_and_broken_files_stay_silent(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    _write_wav(tmp_path / "sounds" / "feedback" / "right.ogg")  # WAV data: the mixer reads by content
    (tmp_path / "sounds" / "feedback" / "wrong.ogg").write_bytes(b"not audio at all")
    heard: list[str] = []
    sounds = Sounds(on_play=heard.append, assets_dir=tmp_path)
    try:
        if sounds.available:
            assert sounds._sounds["correct"].get_length() > 0.05
        sounds.play("correct")
        sounds.play("wrong")  # broken file: the tone stays
        assert sounds.play_file(tmp_path / "missing.ogg") is False
        assert sounds.play_file(tmp_path / "sounds" / "feedback" / "wrong.ogg") is False
        assert heard == ["correct", "wrong", "file:missing.ogg", "file:wrong.ogg"]
    finally:
        pygame.mixer.quit()


def test_mixer_failure_means_silence(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise pygame.error("no audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", broken)
    sounds = Sounds()
    assert sounds.available is False
    sounds.play("correct")
    sounds.stop()
    assert sounds.play_file(Path("/nonexistent.ogg")) is False
