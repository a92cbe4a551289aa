"""``safezone content validate`` through click's test runner."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from safezone.cli.content_cmd import content


def test_sample_content_passes() -> None:
    result = CliRunner().invoke(content, ["validate"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"content ok: \d+ questions \(fire \d+, home \d+, traffic \d+, cyber \d+; "
        r"single \d+, multiple \d+, truefalse \d+\), \d+ hazard scenes, \d+ sort sets, "
        r"\d+ sequences, \d+ crossing levels, \d+ tips, \d+ badges\n",
        result.stdout,
    )


def test_bad_folder_lists_every_problem_and_exits_1(content_dir: Path, write) -> None:
    write(
        "a.yml",
        "kind: tips\ntips:\n  - {id: tip-a, topic: fire, text: 关门}\n"
        "  - {id: tip-b, topic: water, text: 关水}\n",
    )
    write("b.yml", "kind: quiz\n")
    result = CliRunner().invoke(
        content, ["validate", str(content_dir), "--assets", str(content_dir.parent / "assets")]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        (
            "content/a.yml:4: tips[1].topic: Input should be 'fire', 'home', 'traffic' or 'cyber' "
            "(got 'water')"
        ),
        (
            "content/b.yml:1: unknown kind 'quiz': expected one of questions, tips, badges, "
            "hazard_scene, sort_set, sequence, crossing_level"
        ),
    ]
    assert "2 problem(s) in 2 file(s)" in result.stderr


def test_good_folder_with_assets_option(content_dir: Path, write) -> None:
    (content_dir.parent / "assets" / "badges").mkdir()
    (content_dir.parent / "assets" / "badges" / "first.png").write_bytes(b"\x89PNG")
    write(
        "b.yml",
        "kind: badges\nbadges:\n  - id: first\n    name: 新人\n    description: 第一次\n"
        "    icon: badges/first.png\n    rule: {type: plays, count: 1}\n",
    )
    result = CliRunner().invoke(
        content, ["validate", str(content_dir), "--assets", str(content_dir.parent / "assets")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("0 tips, 1 badges\n")


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(content, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
