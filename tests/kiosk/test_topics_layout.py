"""The topic screen lays out however many topics the content has, never over the back button."""

from __future__ import annotations

import itertools
from pathlib import Path

import pygame
import pytest

from kiosk.scenes.topics import _BACK, topic_grid
from screen.theme import DESIGN_SIZE, MIN_TARGET


@pytest.mark.parametrize("count", range(1, 10))
def test_every_count_fits_between_the_title_and_the_back_button(count: int) -> None:
    rects = topic_grid(count)
    screen = pygame.Rect((0, 0), DESIGN_SIZE)
    assert len(rects) == count
    for rect in rects:
        assert screen.contains(rect) and rect.height >= MIN_TARGET and rect.width >= MIN_TARGET
        assert rect.bottom < _BACK.top and not rect.colliderect(_BACK)
    for a, b in itertools.combinations(rects, 2):
        assert not a.colliderect(b)


def test_four_topics_keep_the_two_by_two_grid() -> None:
    assert [tuple(r) for r in topic_grid(4)] == [(60, 270, 880, 300), (980, 270, 880, 300),
                                                 (60, 610, 880, 300), (980, 610, 880, 300)]


@pytest.mark.parametrize("count", [5, 7])
def test_five_and_seven_topics_on_the_screen(make_kiosk, monkeypatch, tmp_path: Path, count: int) -> None:
    kiosk = make_kiosk()
    names = tuple(f"topic{n}" for n in range(count))
    kiosk.run("tap: guest\nexpect: topics")
    # Topics beyond the four have no UI string yet: the key stands in for the label.
    monkeypatch.setattr(kiosk.app.flow, "available_topics", lambda: names)
    monkeypatch.setattr(kiosk.app.ui, "tr", lambda key, **values: key)
    kiosk.app.top.rebuild()
    cards = [w for w in kiosk.app.top.widgets if w.id in names]
    back = kiosk.app.top.find_widget("back")
    assert [w.id for w in cards] == list(names) and back is not None
    assert not any(card.rect.colliderect(back.rect) for card in cards)
    kiosk.run(f"screenshot: topics-{count}")
    assert (tmp_path / "shots" / f"topics-{count}.png").exists()
