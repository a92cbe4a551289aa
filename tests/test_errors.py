"""Core refusals carry a message key and values; each front end renders its own language."""

from __future__ import annotations

import pytest

from safezone.errors import SafezoneError, localized, messages, render


def test_a_keyed_error_renders_in_each_language() -> None:
    exc = SafezoneError("store.insufficient_points", name=localized("灭火毯", "Fire blanket"),
                        price=30, balance=20, short=10)
    assert exc.message("zh-CN") == "积分不足：兑换“灭火毯”需要 30 分，当前 20 分，还差 10 分"
    assert exc.message("en") == "Not enough points: 'Fire blanket' costs 30, the balance is 20 (10 short)"
    assert str(exc) == exc.message("en")  # logs and the command line
    assert " / " not in exc.message("zh-CN")  # never a two-language string to split again
    # A language without its own text (or a name without an English form) falls back to Chinese.
    assert SafezoneError("store.unavailable", name=localized("手电筒", None)).message("en") == (
        "'手电筒' is no longer offered")
    assert exc.message("fr") == exc.message("zh-CN")


def test_every_core_message_has_both_languages() -> None:
    table = messages()
    assert table, "the core catalog is empty"
    for key, texts in table.items():
        assert set(texts) == {"zh-CN", "en"} and all(t.strip() for t in texts.values()), key


def test_an_unknown_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        render("store.no_such_message", "en")
