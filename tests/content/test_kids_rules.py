"""Kids' mode draws only items made for children, and the core says which game kinds suit kids."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from games.base import RoundSetup
from games.registry import CONTENT_KINDS, playable_games
from safezone.content import load_content, select_questions
from safezone.content.kids import (
    for_kids,
    kids_kinds,
    kids_questions,
    kids_speech,
    kind_suits_kids,
    option_pictures,
    suits_audience,
)
from safezone.content.schema import Question

REPO_ROOT = Path(__file__).resolve().parents[2]


def _question(audience: str, **extra: object) -> Question:
    return Question.model_validate(
        {"id": "q", "topic": "fire", "type": "truefalse", "audience": audience, "difficulty": 1,
         "prompt": {"zh": "火很好玩。", "en": "Fire is fun."}, "answer": False,
         "explanation": "不对。", "source": "来源", **extra})


def test_only_kids_items_and_adapted_all_items_are_for_kids() -> None:
    assert for_kids(_question("kids"))
    assert not for_kids(_question("all"))
    assert for_kids(_question("all", kids_why="火会伤人。"))
    assert not for_kids(_question("adult"))
    assert suits_audience(_question("all"), "adult") and not suits_audience(_question("all"), "kids")
    assert suits_audience(_question("adult"), "all")


def test_kids_why_on_an_adult_question_is_an_error() -> None:
    with pytest.raises(ValueError, match="'kids_why' is for questions children are asked"):
        _question("adult", kids_why="因为")


def test_which_kinds_suit_kids_is_data_on_the_content_models() -> None:
    assert {kind for kind in CONTENT_KINDS if kind_suits_kids(kind)} == {"questions", "crossing_level"}
    assert not kind_suits_kids("no-such-kind")


@pytest.fixture(scope="module")
def bundle():
    result = load_content(REPO_ROOT / "content", REPO_ROOT / "assets")
    return result.bundle


def test_real_bank_kids_rounds_never_draw_adult_or_plain_all_questions(bundle) -> None:
    plain_all = [q for q in bundle.questions.values() if q.audience == "all" and q.kids_why is None]
    assert plain_all, "the bank has questions for everyone that are not adapted for children"
    for topic in ("fire", "home", "traffic", "cyber"):
        for seed in range(5):
            drawn = select_questions(bundle, topic, "kids", 2, 50, random.Random(seed))
            assert drawn and all(for_kids(q) for q in drawn)
    # The traffic question a child once got first (parking on a fire lane) is never drawn.
    assert all(q.audience != "adult" for q in kids_questions(bundle))


def test_kids_are_offered_only_kid_ready_games(bundle) -> None:
    for topic in ("fire", "home", "traffic", "cyber"):
        setup = RoundSetup(topic=topic, audience="kids", difficulty_max=2, count=3)
        offered = playable_games(bundle, setup)
        assert "sequence" not in offered and "hazard_hunt" not in offered and "sort" not in offered
        assert "quiz" in offered
        kinds = kids_kinds(bundle, topic)
        assert {CONTENT_KINDS[k] for k in kinds} == set(offered)
    assert "crossing_level" in kids_kinds(bundle, "traffic")
    adult = playable_games(bundle, RoundSetup(topic="fire", audience="adult", difficulty_max=3, count=5))
    assert "sequence" in adult  # adults still get every game


def test_speech_and_pictures_of_a_truefalse_question() -> None:
    question = _question("kids", kids_why={"zh": "火会伤人。", "en": "Fire hurts."})
    speech = kids_speech(question, "zh")
    assert speech is not None
    assert speech.prompt.text == "火很好玩。对不对？"
    assert [line.text for line in speech.options] == ["对", "错"]
    assert speech.why is not None and speech.why.path == "sounds/why/q.zh.ogg"
    assert kids_speech(question, "en").options[0].path == "sounds/options/true.en.ogg"
    assert option_pictures(question) == ("images/emoji/2b55.png", "images/emoji/274c.png")
    with pytest.raises(ValueError, match="unknown speech language"):
        kids_speech(question, "fr")
