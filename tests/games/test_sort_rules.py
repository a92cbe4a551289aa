"""Safe-or-not rules: seeded order, right and wrong bins, drags to nowhere, double drops."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from games.base import GameRules
from games.sort.rules import SortError, SortRules
from safezone.content.schema import SortSet

REPO_ROOT = Path(__file__).resolve().parents[2]


def _set(
    n_safe: int = 3, n_danger: int = 3, set_id: str = "sort-test", prefix: str = ""
) -> SortSet:
    items = [
        {"id": f"{prefix}{answer}-{i}", "text": {"zh": f"{answer}{i}"}, "answer": answer,
         "explanation": {"zh": f"因为{answer}"}}
        for answer, n in (("safe", n_safe), ("danger", n_danger)) for i in range(n)
    ]
    return SortSet.model_validate({
        "kind": "sort_set", "id": set_id, "topic": "cyber", "audience": "all",
        "title": {"zh": "测试"}, "bins": {"safe": {"zh": "安全"}, "danger": {"zh": "危险"}},
        "items": items, "source": "测试",
    })


def _order(seed: int) -> tuple[str, ...]:
    return tuple(item.id for item in SortRules(_set(), random.Random(seed)).order)


def test_rules_import_no_pygame() -> None:
    code = "import sys, games.sort.rules; assert 'pygame' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_order_is_seeded_and_shuffled() -> None:
    assert _order(7) == _order(7)
    assert _order(7) != _order(8)
    assert sorted(_order(7)) == sorted(item.id for item in _set().items)
    assert {_order(seed)[0] for seed in range(60)} == {item.id for item in _set().items}


def test_sample_set_plays_through() -> None:
    data = yaml.safe_load((REPO_ROOT / "content/sort/safe-or-danger-building.yml").read_text("utf-8"))
    sort_set = SortSet.model_validate(data)
    rules = SortRules(sort_set, random.Random(1))
    assert isinstance(rules, GameRules) and rules.content_id == "sort-building-habits"
    t = 0.0
    while (item := rules.current) is not None:
        t += 1.5
        assert rules.drop(item.id, item.answer, t).correct is True
    assert rules.finished and rules.score == rules.max_score == 10 * len(sort_set.items)


def test_right_bin_scores_with_feedback_and_a_record() -> None:
    rules = SortRules(_set(), random.Random(3))
    item = rules.current
    assert item is not None
    result = rules.drop(item.id, item.answer, 2.25)
    assert (result.kind, result.correct, result.score, result.bin) == ("sorted", True, 10, item.answer)
    assert result.explanation.zh == f"因为{item.answer}"
    (record,) = result.records
    assert (record.item_id, record.topic, record.correct, record.chosen, record.response_ms) == (
        f"sort-test/{item.id}", "cyber", True, [item.answer], 2250,
    )
    assert rules.current is not item and rules.current == rules.order[1]


def test_wrong_bin_scores_nothing_and_says_where_it_belongs() -> None:
    rules = SortRules(_set(), random.Random(3))
    item = rules.current
    assert item is not None
    wrong = "danger" if item.answer == "safe" else "safe"
    result = rules.drop(item.id, wrong, 1.0)
    assert (result.kind, result.correct, result.score) == ("sorted", False, 0)
    assert result.right_bin == item.answer
    assert result.records[0].chosen == [wrong] and result.records[0].correct is False
    assert item not in rules.remaining


def test_drag_to_nowhere_returns_the_card_without_penalty() -> None:
    rules = SortRules(_set(), random.Random(3))
    item = rules.current
    assert item is not None
    for t in (0.5, 0.6, 0.7):
        result = rules.drop(item.id, None, t)
        assert (result.kind, result.correct, result.bin, result.records) == ("returned", None, None, ())
    assert rules.current is item and rules.returns == 3 and rules.records == []
    assert rules.drop(item.id, item.answer, 1.0).records[0].response_ms == 1000


def test_double_drop_keeps_the_first_answer() -> None:
    rules = SortRules(_set(), random.Random(3))
    item = rules.current
    assert item is not None
    wrong = "danger" if item.answer == "safe" else "safe"
    rules.drop(item.id, wrong, 1.0)
    for bin_ in (item.answer, wrong, None):
        again = rules.drop(item.id, bin_, 1.0)  # the same instant: a bouncing finger
        assert (again.kind, again.correct, again.bin, again.records) == (
            "already_sorted", False, wrong, (),
        )
    assert rules.score == 0 and len(rules.records) == 1


def test_any_unsorted_card_may_be_dropped_and_times_count_from_the_previous_sort() -> None:
    rules = SortRules(_set(), random.Random(3))
    last = rules.order[-1]
    assert rules.drop(last.id, last.answer, 4.0).records[0].response_ms == 4000
    first = rules.order[0]
    assert rules.drop(first.id, first.answer, 4.0).records[0].response_ms == 0
    assert rules.current == rules.order[1]


def test_mixed_round_scores_only_the_right_cards() -> None:
    rules = SortRules(_set(2, 2), random.Random(5))
    for i, item in enumerate(rules.order):
        right = i % 2 == 0
        rules.drop(item.id, item.answer if right else ("safe" if item.answer == "danger" else "danger"), i)
    assert rules.finished and rules.current is None
    assert (rules.score, rules.max_score) == (20, 40)
    assert [r.correct for r in rules.records] == [True, False, True, False]


@pytest.mark.parametrize(
    ("item_id", "bin_", "t", "message"),
    [
        ("nope", "safe", 1.0, "no card 'nope'"),
        (None, "safe", 1.0, "no card"),
        ("safe-0", "maybe", 1.0, "bin must be one of safe, danger or None"),
        ("safe-0", "", 1.0, "bin must be"),
        ("safe-0", "safe", -1, "seconds >= 0"),
        ("safe-0", "safe", float("nan"), "seconds >= 0"),
    ],
)
def test_bad_drops_are_refused_and_change_nothing(item_id: Any, bin_: Any, t: Any, message: str) -> None:
    rules = SortRules(_set(), random.Random(1))
    with pytest.raises(SortError, match=message):
        rules.drop(item_id, bin_, t)
    assert rules.answers == {} and rules.records == [] and rules.returns == 0


def test_time_cannot_go_backwards() -> None:
    rules = SortRules(_set(), random.Random(1))
    rules.drop("safe-0", "safe", 3.0)
    with pytest.raises(SortError, match="backwards"):
        rules.drop("safe-1", "safe", 2.0)
    assert "safe-1" not in rules.answers


@pytest.mark.parametrize("points", [0, -1, 1.5, True])
def test_bad_points_per_item_is_refused(points: Any) -> None:
    with pytest.raises(SortError, match="points_per_item"):
        SortRules(_set(), random.Random(1), points_per_item=points)


def test_record_ids_too_long_for_an_answer_stop_the_round_up_front() -> None:
    # valid content (ids <= 64) whose "<set>/<item>" is 81 characters: 64 + 1 + 16
    with pytest.raises(SortError, match="'s{64}/abcdefghijsafe-0' is 81 characters, over the 80"):
        SortRules(_set(set_id="s" * 64, prefix="abcdefghij"), random.Random(1))
    # exactly 80 fits: 63 + 1 + len("abcdefghdanger-0")
    assert SortRules(_set(set_id="s" * 63, prefix="abcdefgh"), random.Random(1)).max_score == 60
