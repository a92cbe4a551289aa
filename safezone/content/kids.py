"""What kids' mode may show, and what a kids' question shows and says (issue 12, kids' track).

One owner for three rules the kiosk, the games and the build tools share:

- **Which items a child is given.** ``audience: kids`` items always; an ``audience: all`` item
  only when it was adapted for children, i.e. it carries a ``kids_why`` (the one-sentence spoken
  reason). ``audience: adult`` never. Everything else about an ``all`` item (wording, pictures,
  speech) is then held to the kids' standard by tests/content/test_kids_bank.py.
- **Which game kinds suit kids.** Data on the content models (``KIDS_READY`` in schema.py), not an
  if-chain in a front end: :func:`kind_suits_kids`, :func:`kids_kinds`.
- **What a kids' question shows and says.** A picture on every option (:func:`option_pictures`)
  and a spoken prompt, spoken options and a spoken why (:func:`kids_speech`), at fixed paths under
  ``assets/`` that tools/build_sounds.py writes.

Pure data: no pygame, no files are opened here (callers check that the paths exist).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from safezone.content.bundle import ContentBundle
from safezone.content.schema import LIST_KINDS, SINGLE_KINDS, Question, Text

#: Kiosk language -> the language suffix of spoken files (``fire-kids-01.zh.ogg``).
SPEECH_LANGS: dict[str, str] = {"zh-CN": "zh", "en": "en"}
#: The kiosk offers both languages in kids' mode, so every kids' item speaks both.
KIDS_SPEECH_LANGS: tuple[str, ...] = ("zh", "en")

#: A truefalse prompt is a statement; said aloud, a child also needs to hear it is a question.
TRUEFALSE_TAIL: dict[str, str] = {"zh": "对不对？", "en": " True or false?"}
#: The two answers of a truefalse question, as pictures and as spoken words (⭕ is how Chinese
#: schoolchildren mark "right", ❌ "wrong"). Order: true, false — the quiz's choice order.
TRUEFALSE_PICTURES: tuple[str, str] = ("images/emoji/2b55.png", "images/emoji/274c.png")
TRUEFALSE_WORDS: dict[str, tuple[str, str]] = {"zh": ("对", "错"), "en": ("True", "False")}
TRUEFALSE_KEYS: tuple[str, str] = ("true", "false")


def for_kids(item: object) -> bool:
    """Whether ``item`` (a question, scene, sort set, sequence or level) is made for children.

    ``audience: kids``, or ``audience: all`` with a ``kids_why`` (only questions can carry one).
    """
    audience = getattr(item, "audience", None)
    if audience == "kids":
        return True
    return audience == "all" and getattr(item, "kids_why", None) is not None


def suits_audience(item: object, audience: str) -> bool:
    """Whether ``item`` may be drawn for a round for ``audience`` (``adult``, ``kids`` or ``all``).

    Adults get ``adult`` and ``all`` items; kids only :func:`for_kids` items; ``all`` matches
    everything (admin views, statistics).
    """
    if audience == "kids":
        return for_kids(item)
    if audience == "adult":
        return getattr(item, "audience", None) in ("adult", "all")
    return True


def kind_suits_kids(kind: str) -> bool:
    """Whether a content kind (``questions``, ``hazard_scene``…) can be played by a non-reader.

    Declared as ``KIDS_READY`` on the kind's model; an unknown kind is not suitable.
    """
    model = LIST_KINDS[kind][2] if kind in LIST_KINDS else SINGLE_KINDS.get(kind)
    return bool(getattr(model, "KIDS_READY", False))


def _items_of_kind(bundle: ContentBundle, kind: str) -> Iterable[Any]:
    kinds: dict[str, Mapping[str, Any]] = {
        "questions": bundle.questions,
        "hazard_scene": bundle.hazard_scenes,
        "sort_set": bundle.sort_sets,
        "sequence": bundle.sequences,
        "crossing_level": bundle.crossing_levels,
    }
    return kinds.get(kind, {}).values()


def kids_kinds(bundle: ContentBundle, topic: str | None = None) -> list[str]:
    """Content kinds a kids' visit may be offered for ``topic`` (any topic when None).

    A kind is offered when it is :func:`kind_suits_kids` and the bundle holds at least one item
    of it :func:`for_kids` in the topic. The kiosk turns kinds into game types with
    ``games.registry.CONTENT_KINDS``.
    """
    kinds = []
    for kind in ("questions", *SINGLE_KINDS):
        if not kind_suits_kids(kind):
            continue
        if any(
            for_kids(item) and (topic is None or getattr(item, "topic", None) == topic)
            for item in _items_of_kind(bundle, kind)
        ):
            kinds.append(kind)
    return kinds


def kids_questions(bundle: ContentBundle) -> list[Question]:
    """Every question kids' rounds can draw, in bundle order."""
    return [q for q in bundle.questions.values() if for_kids(q)]


def option_pictures(question: Question) -> tuple[str | None, ...]:
    """The picture of each answer a child sees, in the quiz's choice order (None: no picture).

    Truefalse questions answer with ⭕ / ❌; choice questions with each option's ``image``.
    """
    if question.type == "truefalse":
        return TRUEFALSE_PICTURES
    return tuple(option.image for option in question.options)


@dataclass(frozen=True)
class SpokenLine:
    """One spoken file: where it lives under ``assets/`` and the exact words it says."""

    path: str
    text: str


@dataclass(frozen=True)
class KidsSpeech:
    """What a kids' question says aloud in one language: prompt, each answer, the why."""

    prompt: SpokenLine
    options: tuple[SpokenLine, ...]
    why: SpokenLine | None

    @property
    def lines(self) -> tuple[SpokenLine, ...]:
        """Every line, prompt first."""
        return (self.prompt, *self.options, *((self.why,) if self.why else ()))


def _in(text: Text | None, lang: str) -> str | None:
    if text is None:
        return None
    return text.zh if lang == "zh" else text.en


def kids_speech(question: Question, lang: str) -> KidsSpeech | None:
    """The spoken files of ``question`` in ``lang`` (``zh``/``en``), or None when the prompt has
    no text in that language (the kiosk then plays the Chinese files).

    Paths: ``sounds/prompts/<id>.<lang>.ogg``, ``sounds/options/<id>.<n>.<lang>.ogg`` (n from 1
    in file order; truefalse answers share ``sounds/options/true|false.<lang>.ogg``) and
    ``sounds/why/<id>.<lang>.ogg``. An option without text in ``lang`` is spoken in Chinese at
    the same path, so every answer always has a sound.
    """
    if lang not in KIDS_SPEECH_LANGS:
        raise ValueError(f"unknown speech language {lang!r}; expected one of {KIDS_SPEECH_LANGS}")
    prompt = _in(question.prompt, lang)
    if prompt is None:
        return None
    if question.type == "truefalse":
        prompt = prompt.rstrip() + TRUEFALSE_TAIL[lang]
        options = tuple(
            SpokenLine(f"sounds/options/{key}.{lang}.ogg", word)
            for key, word in zip(TRUEFALSE_KEYS, TRUEFALSE_WORDS[lang], strict=True)
        )
    else:
        options = tuple(
            SpokenLine(
                f"sounds/options/{question.id}.{n}.{lang}.ogg",
                _in(option.text, lang) or option.text.zh,
            )
            for n, option in enumerate(question.options, start=1)
        )
    why_text = _in(question.kids_why, lang)
    why = SpokenLine(f"sounds/why/{question.id}.{lang}.ogg", why_text) if why_text else None
    return KidsSpeech(SpokenLine(f"sounds/prompts/{question.id}.{lang}.ogg", prompt), options, why)


def speech_lang(kiosk_language: str) -> str:
    """The spoken-file suffix for a kiosk language (``zh-CN`` -> ``zh``); Chinese when unknown."""
    return SPEECH_LANGS.get(kiosk_language, "zh")
