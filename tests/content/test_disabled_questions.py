"""Questions switched off in the admin are never asked; a damaged list is a clear error."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from safezone.config import REPO_ROOT
from safezone.content import load_content
from safezone.content.disabled import (
    DisabledListError,
    disabled_path,
    read_disabled,
    set_disabled,
)
from safezone.content.selection import select_questions


def test_set_and_read_round_trip(tmp_path: Path) -> None:
    assert read_disabled(tmp_path) == frozenset()
    set_disabled(tmp_path, "fire-call-119", True)
    set_disabled(tmp_path, "home-gas", True)
    set_disabled(tmp_path, "home-gas", False)
    assert read_disabled(tmp_path) == {"fire-call-119"}
    assert not list(tmp_path.glob(".disabled_questions.*"))  # no temp file left behind


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"disabled": "fire-call-119"}'])
def test_damaged_list_names_the_file(tmp_path: Path, text: str) -> None:
    disabled_path(tmp_path).write_text(text, encoding="utf-8")
    with pytest.raises(DisabledListError, match="disabled_questions.json"):
        read_disabled(tmp_path)


def test_disabled_questions_are_never_selected() -> None:
    bundle = load_content(REPO_ROOT / "content").bundle
    fire = sorted(q.id for q in bundle.questions_by_topic["fire"] if q.audience != "kids")
    disabled = set(fire[: len(fire) - 3])  # leave only three askable
    for seed in range(20):
        chosen = select_questions(
            bundle, "fire", "adult", 3, 5, random.Random(seed),
            exclude_ids=fire, disabled_ids=disabled,
        )
        ids = {q.id for q in chosen}
        assert ids and not ids & disabled
        assert ids <= set(fire[-3:])
