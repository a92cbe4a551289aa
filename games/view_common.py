"""What every game screen shares: records written when shown, finishing, quitting, feedback cards.

Records follow the quiz exactly: each step record is written through the kiosk backend (its own
transaction) the moment its feedback appears; the session is finished when the results screen
is shown. A database problem never stops a game: it is logged and play goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pygame

from games import texts
from games.art import ArtCache, panel
from games.base import GameRules, StepRecord
from kiosk import theme
from kiosk.backend import BackendError, PlayRef
from kiosk.pictograms import pictogram
from kiosk.scene import MARGIN, Scene
from kiosk.widgets import Button

Rect = pygame.Rect
#: Transparent colour of opaque, colour-keyed surfaces (cards, bins): never used in artwork.
COLOUR_KEY = (255, 0, 254)
#: The quit button, top right under the chrome (same place as the quiz's).
QUIT_RECT = Rect(1920 - MARGIN - 300, 140, 300, 100)


class GameScene(Scene):
    """Base of the game views: the rules, the play session, the clock since the round began."""

    def __init__(self, app, *, rules: GameRules, play: PlayRef) -> None:
        super().__init__(app)
        self.rules = rules
        self.play = play
        self.started_at = app.clock.monotonic()
        self.art = ArtCache(app.assets_dir)
        self.finished_shown = False
        #: Records written so far (item ids), for tests and the log.
        self.written: list[str] = []

    # -- helpers ---------------------------------------------------------------------------
    @property
    def kids(self) -> bool:
        """Kids' mode: pictures, sound, bigger targets."""
        return bool(self.app.visit and self.app.visit.kids)

    def t(self) -> float:
        """Seconds since the round began (the rules' clock)."""
        return max(0.0, self.app.clock.monotonic() - self.started_at)

    def tr(self, key: str, **values: object) -> str:
        """A game string in the current language."""
        return texts.tr(key, self.ui.lang, **values)

    def write(self, records: Iterable[StepRecord]) -> None:
        """Write step records now, each in its own transaction (a failure is logged, not fatal)."""
        for record in records:
            try:
                self.app.backend.record_answer(
                    self.play, question_id=record.item_id, topic=record.topic, correct=record.correct,
                    now=self.app.clock.now(), chosen=list(record.chosen), response_ms=record.response_ms,
                )
            except BackendError as exc:
                self.app.log.emit("error", kind="backend", message=str(exc))
            self.written.append(record.item_id)
            self.app.log.emit("game_step", game=self.name, item=record.item_id, correct=record.correct)

    def feedback_sound(self, good: bool) -> None:
        """The right/wrong tone (every piece of feedback also has an icon and words)."""
        self.ui.sounds.play("correct" if good else "wrong")

    def speak(self, audio: str | Path | None) -> bool:
        """Play a spoken prompt from the assets folder; False when there is none."""
        if audio is None:
            return False
        path = Path(audio)
        if not path.is_absolute():
            path = self.app.assets_dir / path
        if not path.exists():
            return False
        return self.ui.sounds.play_file(path)

    def finish(self) -> None:
        """Finish the session and show the shared results screen."""
        if self.finished_shown:
            return  # a double tap on "see my score" must not finish twice
        self.finished_shown = True
        self.app.finish_round(self.play, self.rules.score, self.rules.max_score, game=self.name)

    def quit(self) -> None:
        """Leave the round unfinished (as the quiz does): back to the greeting or attract."""
        self.app.log.emit("round_quit", game=self.name)
        visit = self.app.visit
        if visit is not None and visit.player is not None:
            self.app.greet(visit.player)
        else:
            self.app.go_attract("quit")

    def on_back(self) -> bool:
        """Escape quits the round."""
        self.quit()
        return True

    def exit(self) -> None:
        """Stop any prompt still playing."""
        self.ui.sounds.stop()

    def add_quit(self) -> None:
        """The "stop" button every game has."""
        self.add(Button("quit", QUIT_RECT, self.ui.tr("quiz.quit"), self.quit, style="secondary",
                        text_size=self.ui.types.body))

    # -- drawing ---------------------------------------------------------------------------
    def draw_header(self, surface: pygame.Surface, title: str, status: str) -> None:
        """The round's title and its progress line under the top bar."""
        ui = self.ui
        width = QUIT_RECT.x - MARGIN - 40
        heading = ui.text.fit(title, ui.types.heading, theme.INK, width, ui.types.heading + 20, ui.types.body, bold=True)
        surface.blit(heading, (MARGIN, 138))
        line = ui.text.render(status, ui.types.body, theme.INK_SOFT, bold=True)
        surface.blit(line, (MARGIN, 138 + heading.get_height() + 6))

    def draw_feedback(self, surface: pygame.Surface, rect: Rect, good: bool, verdict: str, lines: list[str],
                      body: str | None, *, icon_side: int = 110, reserve_right: int = 0) -> None:
        """A feedback card: ✓ or ✗ icon, a verdict, short lines, then the explanation.

        ``reserve_right`` keeps the verdict row clear of a button placed at the card's top right.
        """
        ui = self.ui
        panel(surface, rect, fill=theme.OK_TINT if good else theme.BAD_TINT,
              border=theme.OK_GREEN if good else theme.BAD_RED)
        inner = rect.inflate(-60, -48)
        surface.blit(pictogram("check" if good else "cross", icon_side), inner.topleft)
        x = inner.x + icon_side + 28
        verdict_img = ui.text.fit(verdict, ui.types.title, theme.OK_GREEN if good else theme.BAD_RED,
                                  inner.right - x - reserve_right, icon_side, ui.types.body, bold=True)
        surface.blit(verdict_img, (x, inner.y + (icon_side - verdict_img.get_height()) // 2))
        y = inner.y + icon_side + 14
        for text in lines:
            block = ui.text.fit(text, ui.types.body, theme.INK, inner.width, ui.lines(ui.types.body, 2, True),
                                theme.NORMAL_TYPE.small, bold=True)
            surface.blit(block, (inner.x, y))
            y += block.get_height() + 10
        if body:
            block = ui.text.fit(body, ui.types.body, theme.INK, inner.width, max(10, inner.bottom - y),
                                theme.NORMAL_TYPE.small)
            surface.blit(block, (inner.x, y))


def text_of(ui, text) -> str:
    """Content text (a schema ``Text``) in the current language."""
    return ui.pick(text.zh, text.en) if text is not None else ""


def dashed_rect(surface: pygame.Surface, colour: tuple[int, int, int], rect: Rect, width: int = 6,
                dash: int = 22, gap: int = 14) -> None:
    """A dashed rectangle outline (marks what was not found, without relying on colour)."""
    for x in range(rect.left, rect.right, dash + gap):
        end = min(rect.right, x + dash)
        pygame.draw.line(surface, colour, (x, rect.top), (end, rect.top), width)
        pygame.draw.line(surface, colour, (x, rect.bottom), (end, rect.bottom), width)
    for y in range(rect.top, rect.bottom, dash + gap):
        end = min(rect.bottom, y + dash)
        pygame.draw.line(surface, colour, (rect.left, y), (rect.left, end), width)
        pygame.draw.line(surface, colour, (rect.right, y), (rect.right, end), width)


def card_surface(ui, size: tuple[int, int], text: str, *, picture: pygame.Surface | None = None,
                 text_size: int | None = None, number: str | None = None,
                 fill: tuple[int, int, int] = theme.CARD) -> pygame.Surface:
    """A draggable card drawn once: white rounded body, border, optional picture and number."""
    width, height = size
    # Opaque with a colour key for the rounded corners: blits far faster than per-pixel alpha.
    surface = pygame.Surface(size)
    surface.fill(COLOUR_KEY)
    surface.set_colorkey(COLOUR_KEY)
    pygame.draw.rect(surface, fill, surface.get_rect(), border_radius=28)
    pygame.draw.rect(surface, theme.TEAL, surface.get_rect(), 5, border_radius=28)
    x = 28
    if number is not None:
        badge = Rect(20, (height - 72) // 2, 72, 72)
        pygame.draw.circle(surface, theme.TEAL, badge.center, 36)
        digit = ui.text.render(number, theme.NORMAL_TYPE.heading, theme.ON_TEAL, bold=True)
        surface.blit(digit, digit.get_rect(center=badge.center))
        x = badge.right + 24
    # A grip (three bars) on the right says "you can move me" without words.
    grip_x = width - 56
    for index in range(3):
        pygame.draw.rect(surface, theme.SHADOW, Rect(grip_x, height // 2 - 22 + index * 18, 30, 8), border_radius=4)
    right = grip_x - 20
    if picture is not None:
        surface.blit(picture, (x, (height - picture.get_height()) // 2))
        x += picture.get_width() + 24
    size_px = text_size or ui.types.button
    block = ui.text.fit(text, size_px, theme.INK, max(40, right - x), height - 24, theme.NORMAL_TYPE.small, bold=True)
    surface.blit(block, (x, (height - block.get_height()) // 2))
    return surface.convert() if pygame.display.get_surface() is not None else surface
