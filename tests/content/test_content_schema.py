"""The schema models on their own: shorthands, the kind union, messages from validators."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from safezone.content.schema import (
    KINDS,
    HazardScene,
    QuestionBankFile,
    Text,
    Tip,
    parse_content_file,
)
from safezone.content.standards import REVIEWS_FILE, STANDARDS_FILE

SAMPLE_CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_text_shorthand_and_bilingual_form() -> None:
    assert Text.model_validate("关好防火门") == Text(zh="关好防火门")
    both = Text.model_validate({"zh": "关好防火门", "en": "Close the fire door"})
    assert (str(both), both.en) == ("关好防火门", "Close the fire door")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"en": "only English"}, "Field required"),
        ({"zh": ""}, "zh text must not be empty"),
        ({"zh": "中文", "en": ""}, "omit the key instead"),
        ({"zh": "中文", "fr": "français"}, "Extra inputs are not permitted"),
        (42, "expected text: a string, or a mapping"),
    ],
)
def test_text_rejects(value, expected) -> None:
    with pytest.raises(ValidationError, match=expected):
        Text.model_validate(value)


def test_every_sample_file_validates_through_the_kind_union() -> None:
    kinds = set()
    for path in sorted(SAMPLE_CONTENT.rglob("*.yml")):
        if path.parent == SAMPLE_CONTENT and path.name in (STANDARDS_FILE, REVIEWS_FILE):
            continue  # the registry and the reviews describe items; they are not items
        parsed = parse_content_file(yaml.safe_load(path.read_text(encoding="utf-8")))
        kinds.add(parsed.kind)
    assert kinds == set(KINDS)


def test_union_picks_the_model_by_kind() -> None:
    bank = parse_content_file(
        {
            "kind": "questions",
            "topic": "cyber",
            "questions": [
                {
                    "id": "q-code",
                    "type": "truefalse",
                    "audience": "all",
                    "difficulty": 1,
                    "prompt": "验证码可以告诉客服。",
                    "answer": False,
                    "explanation": "谁都不给。",
                    "source": "国家反诈中心",
                }
            ],
        }
    )
    assert isinstance(bank, QuestionBankFile)
    assert bank.questions[0].topic == "cyber"  # inherited from the file
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        parse_content_file({"kind": "quiz"})


def test_whole_bank_rejects_a_question_of_another_topic() -> None:
    with pytest.raises(ValidationError, match="has topic 'home' but the file's topic is 'fire'"):
        QuestionBankFile.model_validate(
            {
                "kind": "questions",
                "topic": "fire",
                "questions": [
                    {
                        "id": "q",
                        "topic": "home",
                        "type": "truefalse",
                        "audience": "all",
                        "difficulty": 1,
                        "prompt": "p",
                        "answer": True,
                        "explanation": "e",
                        "source": "s",
                    }
                ],
            }
        )


@pytest.mark.parametrize("bad_id", ["Fire-Q1", "fire q1", "fire--q1", "-fire", "消防"])
def test_ids_are_slugs(bad_id) -> None:
    with pytest.raises(ValidationError, match=f"id must be a slug.*got '{bad_id}'"):
        HazardScene.model_validate(
            {
                "kind": "hazard_scene",
                "id": bad_id,
                "topic": "fire",
                "audience": "all",
                "title": "t",
                "source": "s",
                "hazards": [
                    {
                        "id": "h",
                        "name": "n",
                        "explanation": "e",
                        "area": {"shape": "rect", "x": 0, "y": 0, "w": 80, "h": 80},
                    }
                ],
            }
        )


def test_ids_fit_the_database_column() -> None:
    tip = {"id": "a" * 65, "topic": "fire", "text": "关门"}
    with pytest.raises(ValidationError, match="at most 64 characters"):
        Tip.model_validate(tip)
    assert Tip.model_validate({**tip, "id": "a" * 64}).id == "a" * 64


def test_models_are_immutable() -> None:
    text = Text(zh="中文")
    with pytest.raises(ValidationError, match="frozen"):
        text.zh = "改"  # type: ignore[misc]
