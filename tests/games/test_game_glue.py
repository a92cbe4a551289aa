"""Game-type glue without a display: content picking by topic/audience, the registry, strings."""

from __future__ import annotations

import random
import string
from types import SimpleNamespace

from games import texts
from games.base import RoundSetup
from games.picking import fits
from games.registry import CONTENT_KINDS, GAME_TYPES, playable_games
from safezone.content.bundle import ContentBundle


def _setup(audience: str, topic: str = "fire") -> RoundSetup:
    return RoundSetup(topic=topic, audience=audience, difficulty_max=2, count=5)


def _item(audience: str, difficulty: int, topic: str) -> SimpleNamespace:
    return SimpleNamespace(audience=audience, difficulty=difficulty, topic=topic)


def test_audience_topic_and_difficulty_filter() -> None:
    assert fits(_item("kids", 2, "fire"), _setup("kids"))
    # An item for everyone is not made for a child: kids' rounds leave it out (issue 12).
    assert not fits(_item("all", 1, "fire"), _setup("kids"))
    assert fits(_item("all", 1, "fire"), _setup("adult"))
    assert not fits(_item("adult", 1, "fire"), _setup("kids"))
    assert not fits(_item("kids", 1, "fire"), _setup("adult"))
    assert not fits(_item("all", 3, "fire"), _setup("adult"))  # harder than the setup allows
    assert not fits(_item("all", 1, "home"), _setup("adult"))


def test_every_content_kind_maps_to_a_registered_game() -> None:
    assert set(CONTENT_KINDS.values()) == set(GAME_TYPES)
    for name in GAME_TYPES:
        assert f"game.{name}" in texts.STRINGS and f"game.{name}.hint" in texts.STRINGS


def test_nothing_is_playable_without_content() -> None:
    assert playable_games(ContentBundle(), _setup("adult")) == []


def test_both_languages_use_the_same_placeholders() -> None:
    formatter = string.Formatter()
    for key, entry in texts.STRINGS.items():
        names = [{f for _, f, _, _ in formatter.parse(entry[lang]) if f} for lang in ("zh-CN", "en")]
        assert names[0] == names[1], key


def test_new_round_is_deterministic_for_a_seed(tmp_path) -> None:
    from safezone.content.loader import load_content

    (tmp_path / "sort.yml").write_text(
        "kind: sort_set\nid: s\ntopic: fire\naudience: all\ntitle: t\nbins: {safe: 安全, danger: 危险}\nitems:\n"
        + "".join(f"  - {{id: i{n}, text: 卡{n}, answer: {'safe' if n % 2 else 'danger'}, explanation: 因为}}\n"
                  for n in range(6))
        + "source: 测试\n", encoding="utf-8")
    bundle = load_content(tmp_path).bundle
    sort = GAME_TYPES["sort"]
    first = sort.new_round(bundle, _setup("adult"), random.Random(9))
    second = sort.new_round(bundle, _setup("adult"), random.Random(9))
    assert [i.id for i in first.order] == [i.id for i in second.order]
    assert sort.new_round(bundle, _setup("adult", topic="home"), random.Random(9)) is None
