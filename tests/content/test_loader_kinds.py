"""Every content problem names its file's content kind when the file says it (a front end leaves
out the game that lost content without reading the file again)."""

from __future__ import annotations

from pathlib import Path

from safezone.content.loader import load_content

_SORT_HEAD = "kind: sort_set\nid: s1\ntopic: fire\naudience: all\n"


def test_a_schema_problem_carries_the_kind(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(_SORT_HEAD + "title: {zh: 分类}\n", encoding="utf-8")
    problems = load_content(tmp_path).problems
    assert problems and {p.kind for p in problems} == {"sort_set"}


def test_a_file_that_does_not_parse_still_names_its_kind(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("kind: hazard_scene\nid: [unclosed\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("kind: no_such_kind\nid: [unclosed\n", encoding="utf-8")
    problems = {p.path.name: p for p in load_content(tmp_path).problems}
    assert problems["a.yml"].kind == "hazard_scene"
    assert problems["b.yml"].kind is None  # an unknown kind names nothing


def test_a_file_without_a_kind_names_none(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("nothing: here\n", encoding="utf-8")
    (problem,) = load_content(tmp_path).problems
    assert problem.kind is None and "missing 'kind'" in problem.message
