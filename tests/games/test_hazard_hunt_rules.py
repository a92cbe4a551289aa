"""Hazard-hunt rules: finds, double taps, misses and their debounce, hints, time limits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from games.base import GameRules
from games.hazard_hunt.rules import (
    HazardHuntError,
    HazardHuntRules,
    HazardScoring,
    answer_id,
)
from safezone.content.schema import HazardScene

REPO_ROOT = Path(__file__).resolve().parents[2]


def _scene(hazards: list[dict[str, Any]] | None = None, **extra: Any) -> HazardScene:
    data: dict[str, Any] = {
        "kind": "hazard_scene", "id": "scene-test", "topic": "home", "audience": "all",
        "title": {"zh": "测试"}, "source": "测试",
        "hazards": hazards if hazards is not None else [
            {"id": "pan", "name": {"zh": "锅"}, "explanation": {"zh": "无人看管"},
             "area": {"shape": "rect", "x": 100, "y": 100, "w": 200, "h": 200}},
            {"id": "plug", "name": {"zh": "插座"}, "explanation": {"zh": "插太多"},
             "area": {"shape": "circle", "x": 1500, "y": 800, "r": 100}, "hint": {"zh": "看墙角"}},
            {"id": "gas", "name": {"zh": "燃气"}, "explanation": {"zh": "没关阀"},
             "area": {"shape": "rect", "x": 900, "y": 100, "w": 100, "h": 100}},
        ],
        **extra,
    }
    return HazardScene.model_validate(data)


PAN = (200, 200)
PLUG = (1500, 800)
GAS = (950, 150)
NOWHERE = (600, 900)


def test_rules_import_no_pygame() -> None:
    code = "import sys, games.hazard_hunt.rules; assert 'pygame' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sample_scene_is_playable_to_the_end() -> None:
    data = yaml.safe_load((REPO_ROOT / "content/scenes/stairwell.yml").read_text("utf-8"))
    scene = HazardScene.model_validate(data)
    rules = HazardHuntRules(scene)
    assert isinstance(rules, GameRules)
    for t, hazard in enumerate(scene.hazards, start=1):
        area = hazard.area
        x, y = (area.x, area.y) if area.shape == "circle" else (area.x + 1, area.y + 1)
        assert rules.tap(x, y, float(t)).kind == "found"
    assert rules.finished and rules.finish_reason == "all_found"
    assert rules.score == rules.max_score == 10 * len(scene.hazards)
    assert [r.item_id for r in rules.records] == [f"scene-stairwell/{h.id}" for h in scene.hazards]
    assert rules.content_id == "scene-stairwell"


def test_find_gives_points_name_explanation_and_a_record() -> None:
    rules = HazardHuntRules(_scene())
    result = rules.tap(*PAN, 2.5)
    assert result.kind == "found"
    assert result.name is not None and result.name.zh == "锅"
    assert result.explanation is not None and result.explanation.zh == "无人看管"
    assert result.score == rules.score == 10 and rules.max_score == 30
    (record,) = result.records
    assert (record.item_id, record.topic, record.correct, record.chosen, record.response_ms) == (
        "scene-test/pan", "home", True, ["found"], 2500,
    )
    # response time counts from the previous find, not from the start
    assert rules.tap(*GAS, 3.0).records[0].response_ms == 500


def test_double_tap_on_a_found_hazard_neither_scores_nor_costs() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*PAN, 1.0)
    for t in (1.01, 1.02, 5.0):
        again = rules.tap(*PAN, t)
        assert again.kind == "already_found" and again.penalty == 0 and again.records == ()
    assert rules.score == 10 and rules.misses == 0 and len(rules.records) == 1


def test_miss_costs_a_little_but_never_below_zero() -> None:
    rules = HazardHuntRules(_scene())
    first = rules.tap(*NOWHERE, 1.0)
    assert (first.kind, first.penalty, first.score) == ("miss", 0, 0)  # nothing to lose yet
    rules.tap(*PAN, 2.0)
    miss = rules.tap(*NOWHERE, 3.0)
    assert (miss.kind, miss.penalty, miss.score) == ("miss", 2, 8)
    assert rules.misses == 2 and miss.records == ()


def test_screen_smashing_counts_as_one_miss() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*PAN, 1.0)
    kinds = [rules.tap(600 + i, 900, 2.0 + i * 0.05).kind for i in range(10)]
    assert kinds == ["miss"] + ["repeat_miss"] * 9
    assert rules.score == 8 and rules.misses == 1
    # a pause longer than the debounce makes the next miss count again
    assert rules.tap(*NOWHERE, 2.45 + 0.31).kind == "miss"
    assert rules.score == 6


def test_a_find_in_the_middle_of_fast_taps_still_counts() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*NOWHERE, 1.0)
    assert rules.tap(*PAN, 1.01).kind == "found"
    assert rules.tap(*NOWHERE, 1.02).kind == "repeat_miss"
    assert rules.score == 10


def test_taps_outside_the_design_space_are_ignored() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*PAN, 1.0)
    for x, y in ((-5, 10), (10, -1), (1920, 10), (10, 1080)):
        result = rules.tap(x, y, 2.0)
        assert result.kind == "outside" and result.penalty == 0
    assert rules.score == 10 and rules.misses == 0


def test_overlapping_areas_find_the_smaller_first_then_the_other() -> None:
    scene = _scene([
        {"id": "room", "name": {"zh": "房间"}, "explanation": {"zh": "x"},
         "area": {"shape": "rect", "x": 0, "y": 0, "w": 1000, "h": 1000}},
        {"id": "candle", "name": {"zh": "蜡烛"}, "explanation": {"zh": "x"},
         "area": {"shape": "circle", "x": 500, "y": 500, "r": 50}},
    ])
    rules = HazardHuntRules(scene)
    assert rules.tap(500, 500, 1.0).hazard.id == "candle"  # type: ignore[union-attr]
    assert rules.tap(500, 500, 2.0).hazard.id == "room"  # type: ignore[union-attr]
    assert rules.finished


def test_hint_waits_for_a_quiet_spell_then_points_at_the_nearest_hidden_hazard() -> None:
    rules = HazardHuntRules(_scene(hint={"zh": "一共三个"}))
    assert not rules.hint_available(19.9)
    with pytest.raises(HazardHuntError, match="no hint yet"):
        rules.hint(19.9)
    rules.tap(*PAN, 20.0)  # a find restarts the wait
    assert not rules.hint_available(39.0) and rules.hint_available(40.0)
    rules.tap(1450, 700, 40.0)  # a miss near the plug (costs 2)
    hint = rules.hint(40.0)
    assert hint.hazard_id == "plug" and hint.area.shape == "circle"
    assert hint.text is not None and hint.text.zh == "看墙角"  # the hazard's own hint
    assert (hint.cost, hint.score) == (3, 5)
    assert not rules.hint_available(50.0)  # a hint restarts the wait too
    assert rules.tap(*PLUG, 51.0).records[0].chosen == ["found_with_hint"]
    assert rules.tap(*GAS, 52.0).records[0].chosen == ["found"]


def test_hint_falls_back_to_the_scene_hint_and_costs_at_most_the_score() -> None:
    rules = HazardHuntRules(_scene(hint={"zh": "一共三个"}))
    hint = rules.hint(25.0)  # no tap yet: nearest to the screen centre is the gas valve
    assert hint.hazard_id == "gas" and hint.text is not None and hint.text.zh == "一共三个"
    assert (hint.cost, hint.score) == (0, 0)
    assert rules.hints_used == 1


def test_time_limit_ends_the_round_and_records_what_was_not_found() -> None:
    rules = HazardHuntRules(_scene(), time_limit=60)
    rules.tap(*PAN, 10.0)
    assert rules.tick(59.9) == () and not rules.finished
    assert rules.time_left(59.5) == pytest.approx(0.5)
    assert not rules.hint_available(60.0)
    missed = rules.tick(60.0)
    assert rules.finished and rules.finish_reason == "time_up"
    assert [(r.item_id, r.correct, r.chosen) for r in missed] == [
        ("scene-test/plug", False, ["not_found"]), ("scene-test/gas", False, ["not_found"]),
    ]
    assert rules.score == 10 and len(rules.records) == 3
    assert rules.tick(70.0) == ()  # ticking on is harmless
    with pytest.raises(HazardHuntError, match="round is over"):
        rules.tap(*PLUG, 70.0)


def test_a_tap_after_the_time_limit_does_not_count() -> None:
    rules = HazardHuntRules(_scene(), time_limit=30)
    result = rules.tap(*PAN, 30.0)
    assert result.kind == "time_up" and len(result.records) == 3 and rules.score == 0
    with pytest.raises(HazardHuntError, match="time is up"):
        HazardHuntRules(_scene(), time_limit=30).hint(31.0)


def test_elder_mode_has_no_time_limit() -> None:
    rules = HazardHuntRules(_scene())
    assert rules.time_left(10_000) is None
    assert rules.tick(10_000) == () and not rules.finished
    assert rules.tap(*PAN, 10_001).kind == "found"


def test_give_up_records_the_hidden_hazards() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*GAS, 3.0)
    missed = rules.give_up(5.0)
    assert [r.item_id for r in missed] == ["scene-test/pan", "scene-test/plug"]
    assert rules.finish_reason == "gave_up"
    with pytest.raises(HazardHuntError):
        rules.give_up(6.0)


def test_finding_everything_finishes_and_refuses_more_taps() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*PAN, 1.0)
    rules.tap(*PLUG, 2.0)
    last = rules.tap(*GAS, 3.0)
    assert last.records[-1].item_id == "scene-test/gas" and len(last.records) == 1
    assert rules.finish_reason == "all_found" and rules.score == rules.max_score
    with pytest.raises(HazardHuntError, match="all_found"):
        rules.tap(*NOWHERE, 4.0)
    with pytest.raises(HazardHuntError):
        rules.hint(100.0)


@pytest.mark.parametrize(
    ("x", "y", "t", "message"),
    [
        (float("nan"), 1, 1.0, "finite numbers"),
        (1, float("inf"), 1.0, "finite numbers"),
        ("1", 1, 1.0, "finite numbers"),
        (1, 1, -0.1, "seconds >= 0"),
        (1, 1, float("nan"), "seconds >= 0"),
    ],
)
def test_bad_taps_are_refused_and_change_nothing(x: Any, y: Any, t: Any, message: str) -> None:
    rules = HazardHuntRules(_scene())
    with pytest.raises(HazardHuntError, match=message):
        rules.tap(x, y, t)
    assert rules.taps == 0 and rules.score == 0 and rules.records == []


def test_time_cannot_go_backwards() -> None:
    rules = HazardHuntRules(_scene())
    rules.tap(*PAN, 5.0)
    with pytest.raises(HazardHuntError, match="backwards"):
        rules.tap(*GAS, 4.0)
    assert rules.found.keys() == {"pan"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit": 0}, "time limit"),
        ({"time_limit": -5}, "time limit"),
        ({"time_limit": float("nan")}, "time limit"),
    ],
)
def test_bad_round_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(HazardHuntError, match=message):
        HazardHuntRules(_scene(), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"points_per_find": 0}, "at least 1"),
        ({"miss_penalty": -1}, "miss_penalty"),
        ({"hint_cost": 1.5}, "hint_cost"),
        ({"miss_debounce": -0.1}, "miss_debounce"),
        ({"hint_after": True}, "hint_after"),
    ],
)
def test_bad_scoring_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(HazardHuntError, match=message):
        HazardScoring(**kwargs)


def test_custom_scoring_is_used() -> None:
    rules = HazardHuntRules(_scene(), scoring=HazardScoring(points_per_find=5, hint_after=0))
    assert rules.max_score == 15 and rules.hint_available(0.0)


def test_record_ids_too_long_for_an_answer_stop_the_round_up_front() -> None:
    # each id is valid content (<= 64), but "<scene>/<hazard>" is 81 characters
    scene = _scene([{"id": "h" * 50, "name": {"zh": "x"}, "explanation": {"zh": "x"},
                     "area": {"shape": "rect", "x": 0, "y": 0, "w": 100, "h": 100}}])
    scene = scene.model_copy(update={"id": "s" * 30})
    with pytest.raises(HazardHuntError, match="is 81 characters, over the 80"):
        HazardHuntRules(scene)
    assert HazardHuntRules(scene.model_copy(update={"id": "s" * 29})).max_score == 10  # 80 fits
    assert answer_id("a", "b") == "a/b"


def test_same_taps_same_outcome() -> None:
    def play() -> list[Any]:
        rules = HazardHuntRules(_scene(), time_limit=30)
        for i, (x, y) in enumerate([NOWHERE, PAN, NOWHERE, PLUG]):
            rules.tap(x, y, i * 0.2)
        rules.tick(30)
        return [(r.item_id, r.correct, r.chosen, r.response_ms) for r in rules.records]

    assert play() == play()
