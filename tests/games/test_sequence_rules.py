"""Step-order rules: the deal, card moves, partial credit by longest in-order run, attempts."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from games.base import GameRules
from games.sequence.rules import SequenceError, SequenceRules, longest_increasing_subsequence
from safezone.content.schema import Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]


def _sequence(n: int = 4) -> Sequence:
    return Sequence.model_validate({
        "kind": "sequence", "id": "seq-test", "topic": "fire", "audience": "adult",
        "title": {"zh": "测试"}, "steps": [f"第{i + 1}步" for i in range(n)],
        "explanation": {"zh": "解释"}, "source": "测试",
    })


def _arrange(rules: SequenceRules, target: list[int]) -> None:
    """Drag cards until the shown order is ``target`` (right positions), like a player would."""
    for slot, wanted in enumerate(target):
        rules.move(rules.order.index(wanted), slot)
    assert rules.order == target


class _NoShuffle(random.Random):
    """An rng whose shuffle leaves the list alone: the deal must still not be in order."""

    def shuffle(self, x: Any) -> None:  # type: ignore[override]
        return None


def test_rules_import_no_pygame() -> None:
    code = "import sys, games.sequence.rules; assert 'pygame' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], ()),
        ([0], (0,)),
        ([0, 1, 2, 3], (0, 1, 2, 3)),
        ([3, 2, 1, 0], (0,)),
        ([1, 0, 2, 3], (0, 2, 3)),
        ([4, 0, 1, 2, 3], (1, 2, 3, 4)),
        ([2, 0, 3, 1], (0, 2)),
    ],
)
def test_longest_increasing_subsequence(values: list[int], expected: tuple[int, ...]) -> None:
    assert longest_increasing_subsequence(values) == expected


@pytest.mark.parametrize("n", [3, 4, 5, 8])
def test_deal_is_seeded_never_in_order_and_never_nearly_right(n: int) -> None:
    deals = set()
    for seed in range(150):
        rules = SequenceRules(_sequence(n), random.Random(seed))
        assert rules.order != list(range(n))
        assert len(longest_increasing_subsequence(rules.order)) <= max(2, n // 2)
        assert SequenceRules(_sequence(n), random.Random(seed)).dealt == rules.dealt
        deals.add(rules.dealt)
    assert len(deals) > 3  # really shuffled, not one fixed scramble


def test_a_useless_shuffle_still_deals_a_scrambled_order() -> None:
    assert SequenceRules(_sequence(5), _NoShuffle(1)).order == [4, 3, 2, 1, 0]


def test_sample_sequence_loads_and_the_right_order_gets_full_marks() -> None:
    data = yaml.safe_load((REPO_ROOT / "content/sequences/gas-leak.yml").read_text("utf-8"))
    rules = SequenceRules(Sequence.model_validate(data), random.Random(2))
    assert isinstance(rules, GameRules) and rules.content_id == "seq-gas-leak"
    _arrange(rules, [0, 1, 2, 3])
    assert rules.cards[0].text.zh == "关闭燃气阀门"
    result = rules.submit(12.0)
    assert result.correct and result.finished and result.misplaced == ()
    assert rules.score == rules.max_score == 30
    (record,) = result.records
    assert (record.item_id, record.topic, record.correct, record.chosen, record.response_ms) == (
        "seq-gas-leak", "home", True, ["1", "2", "3", "4"], 12000,
    )


@pytest.mark.parametrize(
    ("n", "order", "score", "misplaced"),
    [
        (4, [1, 0, 2, 3], 20, (1,)),  # one adjacent swap: 2 of 3
        (4, [3, 2, 1, 0], 0, (1, 2, 3)),  # reversed: nothing
        (5, [4, 0, 1, 2, 3], 30, (0,)),  # "call 119" put first: one card to move, 3 of 4
        (4, [2, 0, 3, 1], 10, (1, 3)),
    ],
)
def test_partial_credit_counts_cards_still_in_order(
    n: int, order: list[int], score: int, misplaced: tuple[int, ...]
) -> None:
    rules = SequenceRules(_sequence(n), random.Random(0))
    _arrange(rules, order)
    result = rules.submit(1.0)
    assert (result.score, result.misplaced, result.correct) == (score, misplaced, False)
    assert rules.score == score and rules.max_score == 10 * (n - 1)
    assert result.records[0].chosen == [str(i + 1) for i in order]


def test_move_takes_a_card_out_and_puts_it_elsewhere() -> None:
    rules = SequenceRules(_sequence(4), random.Random(0))
    rules.order[:] = [0, 1, 2, 3]  # a known start for the moves below
    assert rules.move(0, 3) and rules.order == [1, 2, 3, 0]
    assert rules.move(3, 1) and rules.order == [1, 0, 2, 3]
    assert rules.moves == 2


def test_drags_to_nowhere_and_onto_themselves_change_nothing() -> None:
    rules = SequenceRules(_sequence(4), random.Random(0))
    before = list(rules.order)
    assert rules.move(2, None) is False
    assert rules.move(1, 1) is False
    assert rules.order == before and rules.moves == 0


@pytest.mark.parametrize(
    ("from_index", "to_index"),
    [(-1, 0), (4, 0), (0, 4), (0, -1), ("0", 1), (0, 1.0), (True, 0), (None, 1)],
)
def test_moves_to_positions_that_do_not_exist_are_refused(from_index: Any, to_index: Any) -> None:
    rules = SequenceRules(_sequence(4), random.Random(0))
    before = list(rules.order)
    with pytest.raises(SequenceError, match="card position 0..3"):
        rules.move(from_index, to_index)
    assert rules.order == before


def test_many_fast_moves_keep_every_card_exactly_once() -> None:
    rules = SequenceRules(_sequence(8), random.Random(4))
    rng = random.Random(99)
    for _ in range(500):
        rules.move(rng.randrange(8), rng.randrange(8))
    assert sorted(rules.order) == list(range(8))


def test_one_attempt_finishes_the_round_and_refuses_more() -> None:
    rules = SequenceRules(_sequence(4), random.Random(0))
    result = rules.submit(5.0)  # submitted as dealt
    assert result.finished and rules.finished and not result.correct
    assert result.score <= 10  # the deal is never nearly right
    with pytest.raises(SequenceError, match="round is over"):
        rules.move(0, 1)
    with pytest.raises(SequenceError, match="round is over"):
        rules.submit(6.0)
    assert len(rules.records) == 1


def test_with_two_attempts_the_last_submit_counts() -> None:
    rules = SequenceRules(_sequence(4), random.Random(0), attempts=2)
    _arrange(rules, [1, 0, 2, 3])
    first = rules.submit(4.0)
    assert not first.finished and not rules.finished and rules.score == 20
    _arrange(rules, [0, 1, 2, 3])
    second = rules.submit(6.5)
    assert second.finished and second.correct and rules.score == 30
    assert [r.response_ms for r in rules.records] == [4000, 2500]
    assert [r.correct for r in rules.records] == [False, True]


def test_a_right_first_submit_ends_even_with_attempts_left() -> None:
    rules = SequenceRules(_sequence(3), random.Random(0), attempts=3)
    _arrange(rules, [0, 1, 2])
    assert rules.submit(1.0).finished and rules.finished


@pytest.mark.parametrize("t", [-1, float("nan"), float("inf"), "1", None])
def test_bad_submit_times_are_refused_and_record_nothing(t: Any) -> None:
    rules = SequenceRules(_sequence(3), random.Random(0))
    with pytest.raises(SequenceError, match="seconds >= 0"):
        rules.submit(t)
    assert rules.records == [] and rules.submits == []


def test_submit_time_cannot_go_backwards() -> None:
    rules = SequenceRules(_sequence(3), random.Random(0), attempts=2)
    rules.submit(5.0)
    with pytest.raises(SequenceError, match="backwards"):
        rules.submit(4.0)
    assert len(rules.records) == 1


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"attempts": 0}, "attempts"), ({"attempts": 1.5}, "attempts"),
    ({"points_per_step": 0}, "points_per_step"), ({"points_per_step": True}, "points_per_step"),
])
def test_bad_settings_are_refused(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(SequenceError, match=f"{name} must be a whole number >= 1"):
        SequenceRules(_sequence(3), random.Random(0), **kwargs)


def test_a_sequence_of_fewer_than_two_steps_is_refused() -> None:
    # The schema demands 3+ steps; an object built without validation must still not slip by.
    short = _sequence(3).model_copy(update={"steps": _sequence(3).steps[:1]})
    with pytest.raises(SequenceError, match="1 step"):
        SequenceRules(short, random.Random(0))


def test_two_steps_are_dealt_swapped() -> None:
    pair = _sequence(3).model_copy(update={"steps": _sequence(3).steps[:2]})
    assert SequenceRules(pair, random.Random(0)).order == [1, 0]
