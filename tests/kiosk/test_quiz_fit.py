"""The quiz screen as drawn agrees with its layout: the tightest real questions are drawn
whole (the renderer never cuts a word), in every language and text size, and a still screen
is still not redrawn (redraw on change)."""

from __future__ import annotations

import random

import pytest

from games.quiz.layout import layout_question, question_spec
from games.quiz.rules import QuizRules
from games.quiz.view import QuizScene
from safezone.content.bundle import ContentBundle
from safezone.content.loader import DEFAULT_CONTENT_ROOT, load_content


@pytest.fixture(scope="module")
def bank() -> ContentBundle:
    """The real question bank."""
    result = load_content(DEFAULT_CONTENT_ROOT)
    assert result.problems == []
    return result.bundle


def _tightest(app, bank: ContentBundle, kids: bool, count: int = 3) -> list:
    """The questions whose answers need the smallest text (the hardest to fit) right now."""
    audiences = ("kids", "all") if kids else ("adult", "all")
    scored = []
    for question in bank.questions.values():
        if question.audience not in audiences or question.type == "truefalse":
            continue
        item = QuizRules([question], random.Random(1)).items[0]
        layout = layout_question(app.ui, question_spec(app.ui, item, kids=kids, audio=False))
        scored.append((layout.option_size, layout.prompt_size, question.id))
    return [bank.questions[qid] for *_, qid in sorted(scored)[:count]]


def _show(kiosk, question, seed: int = 1) -> QuizScene:
    app = kiosk.app
    rules = QuizRules([question], random.Random(seed))
    play = app.backend.start_play(mode="guest", game_type="quiz", topic=question.topic, now=kiosk.clock.now(),
                                  resident_id=None, language=app.ui.lang, content_id=None)
    scene = QuizScene(app, rules=rules, play=play)
    app.replace(scene)
    kiosk.run("wait: 0.5")
    return scene


@pytest.mark.parametrize(("lang", "large"), [("zh-CN", False), ("zh-CN", True), ("en", False), ("en", True)])
@pytest.mark.parametrize("visitor", ["guest", "kids"])
def test_the_tightest_questions_are_drawn_whole(make_kiosk, bank, lang: str, large: bool, visitor: str) -> None:
    kiosk = make_kiosk(bundle=bank)
    app = kiosk.app
    kiosk.run(f"tap: {visitor}")
    if app.ui.lang != lang:
        kiosk.run("tap: lang")
    if app.ui.large != large:
        kiosk.run("tap: textsize")
    for question in _tightest(app, bank, kids=visitor == "kids"):
        scene = _show(kiosk, question)
        item = scene.rules.current
        if item.multiple:
            kiosk.run("tap: option_1")  # selected: the ✓ mark must not cover the words
            kiosk.run("tap: confirm")
        else:
            kiosk.run("tap: option_1")
        assert scene.rules.answered
        app.draw(force=True)
        assert app.ui.text.truncated == 0, question.id
    assert app.log.of("error") == []


def test_a_still_quiz_screen_is_not_redrawn_and_a_tap_redraws_it(make_kiosk, bank) -> None:
    kiosk = make_kiosk(bundle=bank)
    app = kiosk.app
    kiosk.run("tap: guest\ntap: lang\ntap: textsize")
    question = next(q for q in bank.questions.values() if q.type == "multiple" and q.audience == "adult")
    _show(kiosk, question)
    app.frame(1 / 30)
    renders = app.ui.text.renders
    app.frame(1 / 30)
    app.frame(1 / 30)
    assert app._drawn_now is False and app.ui.text.renders == renders
    kiosk.run("tap: option_2")
    assert app._drawn_now is True and app.top.selected == {1}
    assert app.ui.text.truncated == 0
