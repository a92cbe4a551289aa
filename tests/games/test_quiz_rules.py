"""Quiz rules: deterministic with a seed, scoring, shuffling, refusals. No pygame involved."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from games.base import RoundSetup
from games.quiz.game import QuizGame
from games.quiz.rules import QuizError, QuizRules
from games.registry import GAME_TYPES, UnknownGameType, game_type
from safezone.content.schema import Question


def _single(qid: str, n_options: int = 4) -> Question:
    return Question.model_validate({
        "id": qid, "topic": "fire", "type": "single", "audience": "adult", "difficulty": 1,
        "prompt": {"zh": f"题目{qid}"}, "explanation": {"zh": "解释"}, "source": "测试",
        "options": [{"id": f"o{i}", "text": {"zh": f"选项{i}"}, "correct": i == 0} for i in range(n_options)],
    })


def _multiple(qid: str) -> Question:
    return Question.model_validate({
        "id": qid, "topic": "home", "type": "multiple", "audience": "adult", "difficulty": 2,
        "prompt": {"zh": "多选"}, "explanation": {"zh": "解释"}, "source": "测试",
        "options": [{"text": {"zh": t}, "correct": c} for t, c in (("甲", True), ("乙", True), ("丙", False))],
    })


def _truefalse(qid: str, answer: bool) -> Question:
    return Question.model_validate({
        "id": qid, "topic": "cyber", "type": "truefalse", "audience": "all", "difficulty": 1,
        "prompt": {"zh": "判断"}, "answer": answer, "explanation": {"zh": "解释"}, "source": "测试",
    })


def _orders(seed: int) -> list[tuple[str, ...]]:
    rules = QuizRules([_single(f"q{i}", 6) for i in range(5)], random.Random(seed))
    return [tuple(c.key for c in item.choices) for item in rules.items]


def test_rules_import_no_pygame() -> None:
    code = "import sys, games.quiz.rules, games.registry; assert 'pygame' not in sys.modules, 'pygame imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_same_seed_same_round_different_seed_different_order() -> None:
    assert _orders(1) == _orders(1)
    assert _orders(1) != _orders(2)


def test_options_are_shuffled_but_keep_their_identity() -> None:
    seen_first = {_orders(seed)[0][0] for seed in range(40)}
    assert len(seen_first) == 6  # every option gets to be first
    rules = QuizRules([_single("q")], random.Random(3))
    item = rules.current
    assert sorted(c.key for c in item.choices) == [f"o{i}" for i in range(4)]
    assert [item.choices[i].key for i in item.correct_indexes] == ["o0"]


def test_scoring_single_multiple_truefalse() -> None:
    rules = QuizRules([_single("a"), _multiple("b"), _truefalse("c", False)], random.Random(9))
    right = rules.answer(rules.current.correct_indexes, response_ms=1200)
    assert right.correct and right.record.chosen == ["o0"] and right.record.response_ms == 1200
    assert rules.advance()
    multi = rules.current
    one_of_two = rules.answer([multi.correct_indexes[0]])
    assert not one_of_two.correct  # half right is not right
    assert rules.advance()
    tf = rules.current
    assert [c.key for c in tf.choices] == ["true", "false"]  # never shuffled
    assert rules.answer([1]).correct
    assert not rules.advance()
    assert rules.finished and rules.score == 2 and rules.max_score == 3


def test_time_up_counts_as_wrong_with_nothing_chosen() -> None:
    rules = QuizRules([_single("a")], random.Random(1), timer_seconds=20)
    result = rules.time_up(response_ms=20000)
    assert result.timed_out and not result.correct and result.record.chosen == []
    assert rules.score == 0


@pytest.mark.parametrize(
    ("indexes", "message"),
    [([], "at least one"), ([7], "no such choice"), ([0, 1], "exactly one")],
)
def test_bad_answers_are_refused_and_change_nothing(indexes, message) -> None:
    rules = QuizRules([_single("a")], random.Random(1))
    with pytest.raises(QuizError, match=message):
        rules.answer(indexes)
    assert rules.results == [] and not rules.answered


def test_order_of_moves_is_enforced() -> None:
    rules = QuizRules([_single("a")], random.Random(1))
    with pytest.raises(QuizError, match="before moving on"):
        rules.advance()
    rules.answer([0])
    with pytest.raises(QuizError, match="already answered"):
        rules.answer([0])
    rules.advance()
    with pytest.raises(QuizError, match="over"):
        rules.answer([0])
    with pytest.raises(QuizError, match="over"):
        rules.advance()


def test_bad_construction_is_refused() -> None:
    with pytest.raises(QuizError, match="at least one question"):
        QuizRules([], random.Random(1))
    with pytest.raises(QuizError, match="timer"):
        QuizRules([_single("a")], random.Random(1), timer_seconds=0)
    rules = QuizRules([_single("a")], random.Random(1))
    with pytest.raises(QuizError, match="milliseconds"):
        rules.answer([0], response_ms=-5)


def test_registry_is_an_explicit_dict() -> None:
    assert list(GAME_TYPES) == ["quiz", "hazard_hunt", "sort", "sequence", "crossing"]
    assert GAME_TYPES["quiz"] is QuizGame
    assert game_type("quiz") is QuizGame
    with pytest.raises(UnknownGameType, match="registered: crossing, hazard_hunt, quiz, sequence, sort"):
        game_type("tetris")


def test_quiz_game_draws_rounds_from_content(tmp_path) -> None:
    from safezone.content.bundle import ContentBundle

    bundle = ContentBundle()
    for i in range(8):
        bundle.add_question(_single(f"fire-{i}").model_copy(update={"id": f"fire-{i}"}))
    setup = RoundSetup(topic="fire", audience="adult", difficulty_max=3, count=5, exclude_ids={"fire-0", "fire-1", "fire-2"})
    rules = QuizGame.new_round(bundle, setup, random.Random(4))
    assert rules is not None and rules.max_score == 5
    assert {item.question.id for item in rules.items} == {f"fire-{i}" for i in range(3, 8)}
    assert QuizGame.new_round(bundle, RoundSetup("cyber", "adult", 3, 5), random.Random(4)) is None
    again = QuizGame.new_round(bundle, setup, random.Random(4))
    assert [i.question.id for i in again.items] == [i.question.id for i in rules.items]
