"""select_questions and summary over a small hand-made bundle."""

from __future__ import annotations

import random

import pytest

from safezone.content import ContentBundle, select_questions, summary
from safezone.content.schema import Question


def make_question(
    qid: str,
    topic: str = "fire",
    audience: str = "all",
    difficulty: int = 1,
    qtype: str = "truefalse",
    kids_why: str | None = None,
) -> Question:
    options = []
    if qtype != "truefalse":
        options = [{"text": "对", "correct": True}, {"text": "错", "correct": False}]
        if qtype == "multiple":
            options += [{"text": "也对", "correct": True}]
    return Question.model_validate(
        {
            "id": qid,
            "topic": topic,
            "type": qtype,
            "audience": audience,
            "difficulty": difficulty,
            "prompt": "题目",
            "options": options,
            "answer": True if qtype == "truefalse" else None,
            "explanation": "解释",
            "source": "来源",
            **({"kids_why": kids_why} if kids_why else {}),
        }
    )


@pytest.fixture
def bundle() -> ContentBundle:
    bundle = ContentBundle()
    for q in [
        # ``all`` questions adapted for children (a kids_why); all-plain is not.
        *(make_question(f"all-{i}", kids_why="因为") for i in range(4)),
        make_question("all-plain"),
        *(make_question(f"adult-{i}", audience="adult") for i in range(3)),
        *(make_question(f"kids-{i}", audience="kids") for i in range(3)),
        make_question("hard", audience="adult", difficulty=3),
        make_question("home-1", topic="home", kids_why="因为"),
    ]:
        bundle.add_question(q)
    return bundle


def ids(questions) -> list[str]:
    return [q.id for q in questions]


def test_deterministic_for_a_seed(bundle) -> None:
    first = ids(select_questions(bundle, "fire", "adult", 3, 5, random.Random(7)))
    again = ids(select_questions(bundle, "fire", "adult", 3, 5, random.Random(7)))
    assert first == again and len(first) == 5 and len(set(first)) == 5
    others = {
        tuple(ids(select_questions(bundle, "fire", "adult", 3, 5, random.Random(s))))
        for s in range(20)
    }
    assert len(others) > 1  # the seed does matter


def test_audience_all_matches_adults_and_kids(bundle) -> None:
    kids = set(ids(select_questions(bundle, "fire", "kids", 3, 20, random.Random(1))))
    # all-plain is for everyone but not adapted for children (no kids_why): never in kids' rounds.
    assert kids == {f"all-{i}" for i in range(4)} | {f"kids-{i}" for i in range(3)}
    adults = set(ids(select_questions(bundle, "fire", "adult", 3, 20, random.Random(1))))
    assert adults == {f"all-{i}" for i in range(4)} | {f"adult-{i}" for i in range(3)} | {
        "hard", "all-plain"}
    everyone = select_questions(bundle, "fire", "all", 3, 20, random.Random(1))
    assert len(everyone) == 12


def test_difficulty_and_topic_filter(bundle) -> None:
    easy = ids(select_questions(bundle, "fire", "adult", 2, 20, random.Random(1)))
    assert "hard" not in easy
    assert ids(select_questions(bundle, "home", "kids", 1, 5, random.Random(1))) == ["home-1"]
    assert select_questions(bundle, "cyber", "kids", 3, 5, random.Random(1)) == []


def test_unseen_questions_are_preferred(bundle) -> None:
    seen = {"all-0", "all-1", "all-2", "kids-0"}
    for seed in range(10):
        chosen = ids(select_questions(bundle, "fire", "kids", 3, 3, random.Random(seed), seen))
        assert set(chosen) == {"all-3", "kids-1", "kids-2"}


def test_seen_questions_fill_in_when_unseen_run_out(bundle) -> None:
    seen = {"all-0", "all-1", "all-2", "kids-0"}
    chosen = ids(select_questions(bundle, "fire", "kids", 3, 5, random.Random(3), seen))
    assert len(chosen) == 5
    assert {"all-3", "kids-1", "kids-2"} <= set(chosen)
    assert len(set(chosen) & seen) == 2


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("water", "kids", 3, 5), "unknown topic"),
        (("fire", "elders", 3, 5), "unknown audience"),
        (("fire", "kids", 3, 0), "count must be at least 1"),
    ],
)
def test_bad_arguments_are_programmer_errors(bundle, args, match) -> None:
    with pytest.raises(ValueError, match=match):
        select_questions(bundle, *args, rng=random.Random(1))


def test_summary_line(bundle) -> None:
    bundle.add_question(make_question("m-1", topic="cyber", qtype="multiple"))
    bundle.add_question(make_question("s-1", topic="traffic", qtype="single"))
    assert summary(bundle) == (
        "content ok: 15 questions (fire 12, home 1, traffic 1, cyber 1; "
        "single 1, multiple 1, truefalse 13), 0 hazard scenes, 0 sort sets, 0 sequences, "
        "0 crossing levels, 0 tips, 0 badges"
    )
