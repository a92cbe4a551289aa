"""Issue 12's target, over the WHOLE bank (not a sample): every question a kids' round can draw has
a picture on every option and existing spoken files for its prompt, each option and its why, in
Chinese and in English (the kiosk offers English in kids' mode), each saying the current text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safezone.content import load_content
from safezone.content.kids import KIDS_SPEECH_LANGS, kids_questions, kids_speech, option_pictures

REPO_ROOT = Path(__file__).resolve().parents[2]
ASSETS = REPO_ROOT / "assets"

#: Kids' questions another branch (issue 15) is rewording right now: their ``kids_why`` lines are
#: written in this branch's report and added when both are merged. Everything else about them
#: (pictures, spoken prompt and options) is checked like every other question.
WHY_PENDING_MERGE: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def kids_bank():
    result = load_content(REPO_ROOT / "content", ASSETS)
    assert not result.problems, result.problems[:3]
    return kids_questions(result.bundle)


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, str]]:
    return json.loads((ASSETS / "sounds" / "manifest.json").read_text(encoding="utf-8"))


def test_the_kids_bank_is_the_whole_kids_bank(kids_bank) -> None:
    # 96 kids' questions today; a loader or rule that dropped most of them would pass vacuously.
    assert len(kids_bank) >= 90
    assert {q.audience for q in kids_bank} <= {"kids", "all"}


def test_every_option_of_every_kids_question_has_a_picture(kids_bank) -> None:
    missing = [
        f"{q.id} option {n}"
        for q in kids_bank
        for n, picture in enumerate(option_pictures(q), start=1)
        if picture is None or not (ASSETS / picture).is_file()
    ]
    assert missing == []
    # A truefalse question also shows the situation it asks about.
    assert [q.id for q in kids_bank if q.type == "truefalse" and q.image is None] == []


def test_every_kids_question_has_a_one_sentence_why(kids_bank) -> None:
    for question in kids_bank:
        if question.id in WHY_PENDING_MERGE:
            assert question.kids_why is None, f"{question.id} has its why now: drop it from the list"
            continue
        why = question.kids_why
        assert why is not None, f"{question.id} has no kids_why"
        assert why.en, f"{question.id}: kids_why has no English"
        # One sentence: a single full stop at the end, short enough to hear in one breath.
        assert why.zh.count("。") + why.zh.count("！") <= 1 and len(why.zh) <= 26, why.zh
        assert why.zh != question.explanation.zh


@pytest.mark.parametrize("lang", KIDS_SPEECH_LANGS)
def test_every_kids_question_speaks_prompt_options_and_why(kids_bank, manifest, lang: str) -> None:
    problems = []
    counted = 0
    for question in kids_bank:
        spoken = kids_speech(question, lang)
        if spoken is None:
            problems.append(f"{question.id}: no {lang} prompt")
            continue
        if spoken.why is None and question.id not in WHY_PENDING_MERGE:
            problems.append(f"{question.id}: no {lang} why")
        assert len(spoken.options) == len(option_pictures(question))
        for line in spoken.lines:
            counted += 1
            path = ASSETS / line.path
            if not path.is_file() or path.read_bytes()[:4] != b"OggS":
                problems.append(f"{line.path} missing: run tools/build_sounds.py")
            elif line.path.removeprefix("sounds/") not in manifest:
                problems.append(f"{line.path} not in manifest.json")
    assert problems == []
    assert counted >= len(kids_bank) * 4  # prompt, 2+ answers, why
