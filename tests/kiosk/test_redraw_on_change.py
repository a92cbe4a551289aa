"""Redraw on change (screen/redraw.py) on the game choice and the game screens: a screen that
shows the same picture is drawn once after it opens, and a tap or a toggle draws it again."""

from __future__ import annotations

import pygame
import pytest

from kiosk.app import KioskApp


def _tap_frames(app: KioskApp, robot, ref: str | tuple[int, int], frames: int = 10) -> list[bool]:
    """Tap a widget (by id) or a design point — press, release a frame later — and say which
    frames were drawn, the press's first."""
    point = app.top.find_widget(ref).rect.center if isinstance(ref, str) else ref
    pos = app.viewport.to_window(point)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
    robot.frame(1 / 60)
    drawn = [app._drawn_now]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
    for _ in range(frames):
        robot.frame(1 / 60)
        drawn.append(app._drawn_now)
    return drawn


def test_a_still_game_choice_is_not_redrawn_and_a_tap_or_toggle_is(make_kiosk, games_bundle) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    app = kiosk.app
    kiosk.run("tap: guest")
    # The press is drawn on the topics, the release opens the game choice: drawn once, then still.
    assert _tap_frames(app, kiosk.robot, "fire") == [True, True] + [False] * 9
    assert kiosk.scene == "games"
    renders = app.ui.text.renders
    kiosk.run("wait: 2")
    assert app._drawn_now is False and app.ui.text.renders == renders
    # A touch on no card is answered (drawn) all the same, then the screen is still again.
    assert _tap_frames(app, kiosk.robot, (1500, 1000)) == [True, True] + [False] * 9
    assert kiosk.scene == "games"
    assert _tap_frames(app, kiosk.robot, "lang") == [True, True] + [False] * 9
    assert app.ui.lang == "en" and app.top.find_widget("Quiz") is not None


@pytest.mark.parametrize(("mode", "topic", "game"), [
    ("kids", "traffic", "crossing"),
    ("guest", "fire", "hazard_hunt"),
    ("guest", "fire", "sequence"),
    ("guest", "fire", "quiz"),
])
def test_a_still_game_screen_is_drawn_once_after_it_opens(make_kiosk, games_bundle, mode, topic, game) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    app = kiosk.app
    kiosk.run(f"tap: {mode}\ntap: {topic}\nexpect: games")
    drawn = _tap_frames(app, kiosk.robot, game)
    assert kiosk.scene == game
    # The release opens the game, drawn once; then nothing moves (the crossing's light stays
    # red and no car comes in these frames), so nothing is drawn again.
    assert drawn == [True, True] + [False] * 9, drawn
