"""The shipped curriculum (issue 5): counts per topic and audience, spread, no near-duplicates."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from safezone.config import REPO_ROOT
from safezone.content import load_content

TOPICS = ("fire", "home", "traffic", "cyber")
#: Two prompts sharing this much of their character bigrams are the same question rephrased.
NEAR_DUPLICATE = 0.75


@pytest.fixture(scope="module")
def bundle():
    result = load_content(REPO_ROOT / "content")
    assert result.problems == [], "\n".join(str(p) for p in result.problems)
    return result.bundle


def test_question_counts_per_topic_and_audience(bundle) -> None:
    counts = Counter((q.topic, q.audience) for q in bundle.questions.values())
    for topic in TOPICS:
        adults = counts[(topic, "adult")] + counts[(topic, "all")]
        assert adults >= 60, f"{topic}: {adults} adult questions"
        assert counts[(topic, "kids")] >= 20, f"{topic}: {counts[(topic, 'kids')]} kids questions"
    assert len(bundle.questions) >= 320


def test_every_topic_spreads_over_difficulties_and_types(bundle) -> None:
    for topic in TOPICS:
        mine = [q for q in bundle.questions.values() if q.topic == topic]
        assert {q.difficulty for q in mine} == {1, 2, 3}, topic
        assert {q.type for q in mine} == {"single", "multiple", "truefalse"}, topic


def test_every_question_teaches_and_cites(bundle) -> None:
    for question in bundle.questions.values():
        assert question.prompt.en, f"{question.id}: no English prompt"
        assert question.explanation.en, f"{question.id}: no English explanation"
        assert len(question.explanation.zh) >= 15, f"{question.id}: explanation too thin"
        assert question.source, f"{question.id}: no source"
        assert all(c.kind != "text" for c in question.source), f"{question.id}: plain-text source"


def test_kids_questions_have_pictures(bundle) -> None:
    for question in bundle.questions.values():
        if question.audience != "kids":
            continue
        if question.type == "truefalse":
            assert question.image, f"{question.id}: a kids' true/false needs a picture"
        else:
            assert all(option.image for option in question.options), question.id


def test_game_data_counts(bundle) -> None:
    scenes = Counter(scene.topic for scene in bundle.hazard_scenes.values())
    assert all(scenes[topic] >= 3 for topic in TOPICS), scenes
    assert len(bundle.sort_sets) >= 4
    assert len(bundle.sequences) >= 6
    assert len(bundle.crossing_levels) >= 4
    assert len(bundle.tips) >= 60


def _bigrams(text: str) -> set[str]:
    letters = [c for c in text if c.isalnum()]
    return {a + b for a, b in itertools.pairwise(letters)}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def test_no_near_duplicate_questions(bundle) -> None:
    prompts = {q.id: _bigrams(q.prompt.zh) for q in bundle.questions.values()}
    pairs = [
        (a, b, round(_similarity(prompts[a], prompts[b]), 2))
        for a, b in itertools.combinations(sorted(prompts), 2)
        if _similarity(prompts[a], prompts[b]) >= NEAR_DUPLICATE
    ]
    assert pairs == []


def test_similarity_measure_flags_a_rephrasing() -> None:
    original = _bigrams("电动自行车可以推进楼道里充电吗？")
    rephrased = _bigrams("电动自行车可以推到楼道里充电吗？")
    assert _similarity(original, rephrased) >= NEAR_DUPLICATE
