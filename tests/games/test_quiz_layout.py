"""Every question of the real bank (content/) lays out whole on the 1920×1080 quiz screen.

An answer cut with "…" is a question nobody can answer, so this lays out each question the
way the kiosk would show it — in every mode that can show it (kids' mode for kids' and "all"
questions, adult/guest mode for adults' and "all"), zh-CN and English, normal and large
text, every order the shuffled answers can take — with the real font, measuring only
(:mod:`games.quiz.layout` renders nothing), and checks that the layout reports everything
fits: the question, every answer, the right-answer line and the explanation. It also checks
the promises the layout makes: touch targets of at least 80 px inside the screen, text of at
least 36 px, and large text never smaller than normal text.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from games.quiz.layout import (
    BOTTOM,
    FeedbackLayout,
    QuestionLayout,
    layout_feedback,
    layout_question,
    question_spec,
)
from games.quiz.rules import QuizItem, QuizRules
from kiosk import i18n
from safezone.content.bundle import ContentBundle
from safezone.content.loader import DEFAULT_ASSETS_ROOT, DEFAULT_CONTENT_ROOT, load_content
from safezone.content.schema import Question
from safezone.fonts import font_path
from screen.sound import Sounds, prompt_path
from screen.text import TextRenderer
from screen.theme import DESIGN_SIZE, MIN_TARGET, MIN_TEXT
from screen.ui import Ui

SCREEN = pygame.Rect((0, 0), DESIGN_SIZE)


@pytest.fixture(scope="module")
def bank() -> ContentBundle:
    """The real question bank, as the kiosk loads it."""
    result = load_content(DEFAULT_CONTENT_ROOT)
    assert result.problems == []
    assert len(result.bundle.questions) >= 360
    return result.bundle


@pytest.fixture(scope="module")
def ui() -> Ui:
    """Drawing state with the bundled font (no window: the layout only measures)."""
    pygame.font.init()
    return Ui(text=TextRenderer(font_path(), font_path(bold=True)), sounds=Sounds(enabled=False),
              assets_dir=DEFAULT_ASSETS_ROOT, words=i18n)


def _kids_modes(question: Question) -> tuple[bool, ...]:
    return {"kids": (True,), "adult": (False,), "all": (False, True)}[question.audience]


def _orders(question: Question) -> list[QuizItem]:
    """The question in every order its answers can be shown in (true/false never moves)."""
    item = QuizRules([question], random.Random(0)).items[0]
    if question.type == "truefalse":
        return [item]
    return [replace(item, choices=order) for order in itertools.permutations(item.choices)]


def _problems(layout: QuestionLayout, question_id: str) -> list[str]:
    found = []
    if not layout.fits:
        found.append(f"{question_id}: the question or an answer does not fit")
    for rect in layout.options:
        if min(rect.size) < MIN_TARGET or not SCREEN.contains(rect) or rect.bottom > BOTTOM:
            found.append(f"{question_id}: answer button {rect} is not a whole touch target on screen")
    for a, b in itertools.combinations(layout.options, 2):
        if a.colliderect(b):
            found.append(f"{question_id}: answer buttons {a} and {b} overlap")
    if layout.options and layout.options[0].top < layout.prompt_box.bottom:
        found.append(f"{question_id}: the answers overlap the question")
    if min(layout.prompt_size, layout.option_size) < MIN_TEXT:
        found.append(f"{question_id}: text below {MIN_TEXT} px")
    return found


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_question_in_the_bank_shows_whole(bank: ContentBundle, ui: Ui, lang: str) -> None:
    problems: list[str] = []
    laid_out = 0
    for question in bank.questions.values():
        if lang == "en" and not question.prompt.en:
            continue  # shown in Chinese: the zh-CN run covers it
        for kids in _kids_modes(question):
            audio = kids and prompt_path(Path(DEFAULT_ASSETS_ROOT), question.id, question.audio, lang) is not None
            feedbacks: dict[tuple, FeedbackLayout] = {}
            for item in _orders(question):
                sizes = {}
                for large in (False, True):
                    ui.lang, ui.large = lang, large
                    spec = question_spec(ui, item, kids=kids, audio=audio)
                    layout = layout_question(ui, spec)
                    problems += _problems(layout, f"{question.id} {lang} {'large' if large else 'normal'}"
                                                  f"{' kids' if kids else ''}")
                    # The feedback depends on the order only through the right answer's letters.
                    key = (large, kids, spec.right_answer)
                    if key not in feedbacks:
                        feedbacks[key] = layout_feedback(ui, spec)
                        if not feedbacks[key].fits:
                            problems.append(f"{question.id} {lang} large={large}: the feedback does not fit")
                    feedback = feedbacks[key]
                    sizes[large] = (layout.prompt_size, layout.option_size, feedback.prompt_size,
                                    feedback.answer_size, feedback.explanation_size)
                    laid_out += 1
                smaller = [i for i, (n, g) in enumerate(zip(sizes[False], sizes[True], strict=True)) if g < n]
                if smaller:
                    problems.append(f"{question.id} {lang}: large text smaller than normal text ({smaller})")
    assert problems == []
    assert laid_out > 1000


def test_answers_too_long_for_any_layout_are_reported_not_hidden(ui: Ui) -> None:
    # Four answers of a paragraph each cannot fit a 1080-pixel screen at 36 px: the layout
    # says so (the test above would name the question), it does not quietly cut them.
    long = "把电动自行车的电池拆下来拎回家里，放在卧室门口充一整夜，" * 3
    question = Question(
        id="too-long", topic="fire", type="multiple", audience="adult", difficulty=1,
        prompt={"zh": "哪些做法是对的？"}, explanation={"zh": "说明。"}, source="测试",
        options=[{"text": {"zh": f"{long}{n}"}, "correct": n < 2} for n in range(4)],
    )
    ui.lang, ui.large = "zh-CN", False
    spec = question_spec(ui, _orders(question)[0], kids=False, audio=False)
    layout = layout_question(ui, spec)
    assert not layout.fits
    assert layout.option_size == MIN_TEXT and all(min(r.size) >= MIN_TARGET for r in layout.options)


def test_large_text_falls_back_to_the_normal_text_sizes_at_worst(ui: Ui, bank: ContentBundle) -> None:
    # The longest English multiple-choice question: large text never goes below normal text.
    question = max((q for q in bank.questions.values() if q.type == "multiple" and q.audience == "adult"),
                   key=lambda q: sum(len(o.text.en or "") for o in q.options))
    item = _orders(question)[0]
    ui.lang = "en"
    ui.large = False
    normal = layout_question(ui, question_spec(ui, item, kids=False, audio=False))
    ui.large = True
    large = layout_question(ui, question_spec(ui, item, kids=False, audio=False))
    assert normal.fits and large.fits
    assert large.option_size >= normal.option_size and large.prompt_size >= normal.prompt_size
