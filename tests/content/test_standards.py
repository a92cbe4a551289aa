"""Structured sources and content/standards.yml: what validate refuses, at which line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from safezone.cli import cli as cli_main
from safezone.content import DEFAULT_CONTENT_ROOT, load_content
from safezone.content.sources import PlainCitation, chinese_number
from safezone.content.standards import REVIEWS_FILE, STANDARDS_FILE, sources_text

QUESTION = """\
kind: questions
topic: traffic
questions:
  - id: traffic-test-item
    type: truefalse
    audience: adult
    difficulty: 1
    prompt: {prompt}
    answer: true
    explanation: 这是一道用来检查出处的题目，解释要写够十五个字。
    source:
{source}
"""


def write_item(root: Path, source_lines: list[str], prompt: str = "骑车要戴头盔。") -> Path:
    """A content folder with the real standards.yml and one question citing ``source_lines``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEFAULT_CONTENT_ROOT / STANDARDS_FILE, root / STANDARDS_FILE)
    path = root / "q.yml"
    source = "".join(f"      - {line}\n" for line in source_lines)
    path.write_text(QUESTION.format(prompt=prompt, source=source), encoding="utf-8")
    return path


def problems_at(root: Path) -> list[tuple[int, str]]:
    result = load_content(root)
    assert "traffic-test-item" not in result.bundle.questions  # a refused item is left out
    return [(p.line, p.message) for p in result.problems]


SOURCE_LINE = 12  # the first "- {kind: ...}" line of QUESTION


def test_a_superseded_edition_is_refused_at_its_line(tmp_path: Path) -> None:
    write_item(tmp_path, ["{kind: standard, id: GB 17761, year: 2018}"])
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE
    assert "GB 17761-2018 is superseded by GB 17761-2024" in message
    assert "2025-09-01" in message


def test_a_wrong_article_for_a_pinned_fact_is_refused(tmp_path: Path) -> None:
    # The 15 km/h limit is art. 58 of the law; art. 68 is the expressway warning triangle.
    write_item(
        tmp_path,
        ["{kind: law, id: 道路交通安全法, year: 2021, article: 68}"],
        prompt="电动自行车在非机动车道内最高时速不得超过 15 公里。",
    )
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE - 1  # blamed on "source:" — the right citation is missing
    assert "第五十八条" in message and "cite it" in message


def test_a_fact_credited_to_the_wrong_document_is_refused(tmp_path: Path) -> None:
    write_item(
        tmp_path,
        [
            "{kind: law, id: 道路交通安全法, year: 2021, article: 58}",
            "{kind: regulation, id: 道路交通安全法实施条例, year: 2017}",
        ],
        prompt="电动自行车在非机动车道内最高时速不得超过 15 公里。",
    )
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE + 1
    assert "is not stated in 《中华人民共和国道路交通安全法实施条例》" in message


def test_the_flashing_green_is_not_credited_to_article_39(tmp_path: Path) -> None:
    write_item(
        tmp_path,
        ["{kind: regulation, id: 道路交通安全法实施条例, year: 2017, article: 39}"],
        prompt="绿灯闪烁时还没进入人行横道，就等下一个绿灯。",
    )
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE and "第三十九条只规定" in message


def test_an_article_the_law_does_not_have_is_refused(tmp_path: Path) -> None:
    write_item(tmp_path, ["{kind: law, id: 消防法, year: 2021, article: 128}"])
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE and "has 74 articles" in message and "does not exist" in message


def test_a_regulation_outside_its_scope_is_refused(tmp_path: Path) -> None:
    write_item(
        tmp_path,
        ["{kind: regulation, id: 高层民用建筑消防安全管理规定, year: 2021}"],
        prompt="楼道里不能给电动车充电。",
    )
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE and "applies only to" in message and "27 米" in message


@pytest.mark.parametrize(
    ("prompt", "extra"),
    [
        ("高层住宅的楼道里不能给电动车充电。", []),  # the item states the scope
        ("楼道里不能给电动车充电。", ["{kind: law, id: 消防法, year: 2021, article: 28}"]),
    ],
)
def test_the_scoped_regulation_is_fine_with_its_scope_or_a_general_law(
    tmp_path: Path, prompt: str, extra: list[str]
) -> None:
    write_item(
        tmp_path,
        ["{kind: regulation, id: 高层民用建筑消防安全管理规定, year: 2021, article: 37}", *extra],
        prompt=prompt,
    )
    result = load_content(tmp_path)
    assert result.ok, [str(p) for p in result.problems]


def test_a_replaced_part_of_a_code_is_refused(tmp_path: Path) -> None:
    write_item(
        tmp_path, ["{kind: standard, id: GB 50016, year: 2014}"], prompt="消防车道净宽不小于 4 米。"
    )
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE and "GB 55037-2022" in message


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("{kind: law, id: 消防条例, year: 2021}", "unknown law '消防条例'"),
        ("{kind: law, id: 消防法, year: 2020}", "has no 2020 edition"),
        ("{kind: regulation, id: 消防法, year: 2021}", "is a law, not a regulation"),
        ("{kind: guidance, by: 某燃气公司, title: 安全用气须知}", "is not a national body"),
        ("《中华人民共和国消防法》", "plain-text source"),
    ],
)
def test_other_bad_citations_are_refused(tmp_path: Path, source: str, needle: str) -> None:
    write_item(tmp_path, [source])
    [(line, message)] = problems_at(tmp_path)
    assert line == SOURCE_LINE and needle in message


def test_a_plain_string_source_loads_in_a_folder_without_a_registry(tmp_path: Path) -> None:
    path = write_item(tmp_path, ["{kind: law, id: 消防法, year: 2021}"])
    (tmp_path / STANDARDS_FILE).unlink()
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    source:\n      - {kind: law, id: 消防法, year: 2021}", "    source: 《消防法》"),
        encoding="utf-8")
    result = load_content(tmp_path)
    assert result.ok, [str(p) for p in result.problems]
    [citation] = result.bundle.questions["traffic-test-item"].source
    assert isinstance(citation, PlainCitation) and citation.text == "《消防法》"


def test_validate_prints_path_line_message_and_exits_1(tmp_path: Path) -> None:
    write_item(tmp_path, ["{kind: standard, id: GB 17761, year: 2018}"])
    run = CliRunner().invoke(cli_main, ["content", "validate", str(tmp_path)])
    assert run.exit_code == 1
    assert f"q.yml:{SOURCE_LINE}: source[0]: GB 17761-2018 is superseded" in run.output


def test_reviews_must_name_an_item_and_a_registry_revision(tmp_path: Path) -> None:
    write_item(tmp_path, ["{kind: law, id: 道路交通安全法, year: 2021}"])
    (tmp_path / REVIEWS_FILE).write_text(
        "kind: reviews\nreviews:\n"
        "  - {item: traffic-test-item, by: 张工, date: 2026-12-06, against: \"2026-12\"}\n"
        "  - {item: no-such-item, by: 张工, date: 2026-12-06, against: \"2026-12\"}\n"
        "  - {item: traffic-test-item, by: 张工, date: 2026-12-07, against: \"2019-01\"}\n",
        encoding="utf-8",
    )
    result = load_content(tmp_path)
    assert [(p.line, p.message.split(":")[0]) for p in result.problems] == [
        (4, "reviews[1].item"),
        (5, "reviews[2].against"),
    ]
    review = result.bundle.reviews["traffic-test-item"]
    assert (review.by, str(review.date), review.against) == ("张工", "2026-12-06", "2026-12")


# --------------------------------------------------------------------------- the whole bank


@pytest.fixture(scope="module")
def bank():
    result = load_content(DEFAULT_CONTENT_ROOT)
    assert result.ok, "\n".join(str(p) for p in result.problems[:20])
    return result.bundle


def test_every_item_in_the_bank_has_a_structured_source(bank) -> None:
    assert bank.standards is not None
    items = [
        *bank.questions.values(),
        *bank.hazard_scenes.values(),
        *bank.sort_sets.values(),
        *bank.sequences.values(),
        *bank.crossing_levels.values(),
        *bank.tips.values(),
    ]
    assert len(items) > 450
    for item in items:
        assert item.source, f"{item.id}: no source"
        for citation in item.source:
            assert not isinstance(citation, PlainCitation), f"{item.id}: {citation.text}"


def test_the_bank_cites_no_superseded_edition(bank) -> None:
    registry = bank.standards
    for item in bank.questions.values():
        for citation in item.source:
            doc = registry.document(getattr(citation, "id", "") or "")
            if doc is not None:
                assert citation.year == doc.current.year, f"{item.id}: {citation}"


def test_sources_read_as_text_with_full_titles(bank) -> None:
    text = sources_text(bank.questions["traffic-ebike-lane-15kmh"].source, bank.standards)
    assert text == "《中华人民共和国道路交通安全法》（2021）第五十八条"
    text = sources_text(bank.questions["traffic-ebike-design-speed"].source, bank.standards)
    assert text == "《电动自行车安全技术规范》(GB 17761-2024)"


@pytest.mark.parametrize(
    ("n", "zh"),
    [(5, "五"), (10, "十"), (15, "十五"), (21, "二十一"), (58, "五十八"), (105, "一百零五"),
     (110, "一百一十"), (1254, "一千二百五十四")],
)
def test_chinese_article_numbers(n: int, zh: str) -> None:
    assert chinese_number(n) == zh
