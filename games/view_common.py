"""What every game screen shares: records written when shown, finishing, quitting, feedback cards.

Records follow the quiz exactly: each step record is written through the kiosk backend (its own
transaction) the moment its feedback appears; the session is finished when the results screen
is shown. A database problem never stops a game: it is logged and play goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pygame

from games import texts
from games.art import ArtCache, panel
from games.base import GameRules, StepRecord
from games.drag import DragController
from games.host import GameHost, PlayHandle
from screen import theme
from screen.fitting import fit_text_sizes
from screen.pictograms import pictogram
from screen.scene import MARGIN, Scene
from screen.widgets import Button

Rect = pygame.Rect
#: Transparent colour of opaque, colour-keyed surfaces (cards, bins): never used in artwork.
COLOUR_KEY = (255, 0, 254)
#: The quit button, top right under the chrome (same place as the quiz's).
QUIT_RECT = Rect(1920 - MARGIN - 300, 140, 300, 100)
#: The round's title and progress line: under the top bar, left of "stop", above the content.
HEADER = Rect(MARGIN, 134, QUIT_RECT.x - MARGIN - 40, 132)
#: A feedback card's inside margins.
_FEEDBACK_PAD_X = 30
_FEEDBACK_PAD_Y = 24
#: Between the verdict and a note beside it.
_NOTE_GAP = 36
#: A card's grip starts this far from its right edge; its words stop this far from it.
_GRIP_X = 56
GRIP_ROOM = _GRIP_X + 20


class GameScene(Scene):
    """Base of the game views: the rules, the play session, the clock since the round began."""

    app: GameHost

    def __init__(self, app: GameHost, *, rules: GameRules, play: PlayHandle) -> None:
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
        return self.app.kids_visit

    def t(self) -> float:
        """Seconds since the round began (the rules' clock)."""
        return max(0.0, self.app.clock.monotonic() - self.started_at)

    def tr(self, key: str, **values: object) -> str:
        """A game string in the current language."""
        return texts.tr(key, self.ui.lang, **values)

    def write(self, records: Iterable[StepRecord]) -> None:
        """Write step records now, each in its own transaction (a failure is logged, not fatal)."""
        for record in records:
            self.app.record_answer(self.play, question_id=record.item_id, topic=record.topic,
                                   correct=record.correct, chosen=list(record.chosen),
                                   response_ms=record.response_ms)
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
        self.app.leave_round()

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
    def draw_header(self, surface: pygame.Surface, title: str, status: str | None = None) -> None:
        """The round's title and (if given) its progress line under the top bar, above the
        content at y 270: both whole, stepping down together until they fit."""
        ui = self.ui
        box = HEADER

        def fits(sizes: tuple[int, ...]) -> bool:
            return self._header_height(title, status, *sizes) <= box.height

        (title_size, status_size), _ = fit_text_sizes(
            ui.large, (theme.NORMAL_TYPE.heading, theme.NORMAL_TYPE.body),
            (theme.LARGE_TYPE.heading, theme.LARGE_TYPE.body), fits)
        status_h = ui.text.height_of(status, status_size, box.width, True) + 6 if status else 0
        heading = ui.text.fit(title, title_size, theme.INK, box.width, box.height - status_h, title_size, bold=True)
        surface.blit(heading, box.topleft)
        if status:
            line = ui.text.fit(status, status_size, theme.INK_SOFT, box.width, status_h - 6, status_size, bold=True)
            surface.blit(line, (box.x, box.y + heading.get_height() + 6))

    def _header_height(self, title: str, status: str | None, title_size: int, status_size: int) -> int:
        text = self.ui.text
        height = text.height_of(title, title_size, HEADER.width, True)
        if status:
            height += 6 + text.height_of(status, status_size, HEADER.width, True)
        return height

    def fit_feedback(self, width: int, verdict: str, lines: Sequence[str], body: str | None, *,
                     icon_side: int = 110, reserve_right: int = 0, max_height: int,
                     verdict_role: str = "title", note: str | None = None) -> FeedbackFit:
        """The largest sizes at which a feedback card ``width`` wide shows all its words within
        ``max_height`` (see :meth:`draw_feedback`), and the height it then needs.

        Callers make the card as tall as ``height`` (or taller); nothing is cut unless even the
        36 px floor does not fit (``fits`` False). A long verdict (one naming what was found)
        starts at ``verdict_role`` ``heading`` instead of ``title``. ``note``, a short line, goes
        beside the verdict when it fits there on one line (saving a line of height), else
        under it like ``lines``.
        """
        ui = self.ui
        inner_w = width - 2 * _FEEDBACK_PAD_X
        verdict_w = inner_w - icon_side - 28 - reserve_right

        def layout(sizes: tuple[int, ...]) -> tuple[int, bool]:
            verdict_size, line_size, body_size = sizes
            inline = note is not None and self._note_fits(verdict, verdict_size, note, line_size, verdict_w)
            total = 2 * _FEEDBACK_PAD_Y + max(icon_side, ui.text.height_of(verdict, verdict_size, verdict_w, True))
            below = ([note] if note is not None and not inline else []) + list(lines)
            if below or body:
                total += 14
            for text in below:
                total += ui.text.height_of(text, line_size, inner_w, True) + 10
            if body:
                total += ui.text.height_of(body, body_size, inner_w)
            return total, inline

        # A card shorter than its icon (the crossing's verdicts) is the icon's business, not the words'.
        limit = max(max_height, 2 * _FEEDBACK_PAD_Y + icon_side)
        normal, large = theme.NORMAL_TYPE, theme.LARGE_TYPE
        sizes, ok = fit_text_sizes(ui.large, (getattr(normal, verdict_role), normal.body, normal.body),
                                   (getattr(large, verdict_role), large.body, large.body),
                                   lambda s: layout(s)[0] <= limit)
        height, inline = layout(sizes)
        return FeedbackFit(*sizes, height=height, fits=ok, note_inline=inline)

    def _note_fits(self, verdict: str, verdict_size: int, note: str, note_size: int, width: int) -> bool:
        text = self.ui.text
        verdict_w = text.font(verdict_size, True).size(verdict)[0]
        return verdict_w <= width and verdict_w + _NOTE_GAP + text.font(note_size, True).size(note)[0] <= width

    def draw_feedback(self, surface: pygame.Surface, rect: Rect, good: bool, verdict: str, lines: Sequence[str],
                      body: str | None, *, icon_side: int = 110, reserve_right: int = 0,
                      fit: FeedbackFit | None = None, note: str | None = None) -> None:
        """A feedback card: ✓ or ✗ icon, a verdict (and ``note``), short lines, then the explanation.

        ``reserve_right`` keeps the verdict row clear of a button placed at the card's top right.
        The sizes come from :meth:`fit_feedback` (``fit``, else measured for ``rect`` here).
        """
        ui = self.ui
        if fit is None:
            fit = self.fit_feedback(rect.width, verdict, lines, body, icon_side=icon_side,
                                    reserve_right=reserve_right, max_height=rect.height, note=note)
        panel(surface, rect, fill=theme.OK_TINT if good else theme.BAD_TINT,
              border=theme.OK_GREEN if good else theme.BAD_RED)
        inner = rect.inflate(-2 * _FEEDBACK_PAD_X, -2 * _FEEDBACK_PAD_Y)
        surface.blit(pictogram("check" if good else "cross", icon_side), inner.topleft)
        x = inner.x + icon_side + 28
        verdict_w = inner.right - x - reserve_right
        verdict_h = ui.text.height_of(verdict, fit.verdict_size, verdict_w, True)
        row = max(icon_side, verdict_h)
        verdict_img = ui.text.fit(verdict, fit.verdict_size, theme.OK_GREEN if good else theme.BAD_RED,
                                  verdict_w, row, fit.verdict_size, bold=True)
        surface.blit(verdict_img, (x, inner.y + (icon_side - verdict_img.get_height()) // 2 if verdict_h <= icon_side
                                   else inner.y))
        stacked = list(lines)
        if note is not None and fit.note_inline:
            note_img = ui.text.render(note, fit.line_size, theme.INK, bold=True)
            surface.blit(note_img, (x + verdict_img.get_width() + _NOTE_GAP,
                                    inner.y + (icon_side - note_img.get_height()) // 2))
        elif note is not None:
            stacked.insert(0, note)
        y = inner.y + row + 14
        for text in stacked:
            block = ui.text.fit(text, fit.line_size, theme.INK, inner.width, max(1, inner.bottom - y), fit.line_size,
                                bold=True)
            surface.blit(block, (inner.x, y))
            y += block.get_height() + 10
        if body:
            block = ui.text.fit(body, fit.body_size, theme.INK, inner.width, max(1, inner.bottom - y), fit.body_size)
            surface.blit(block, (inner.x, y))


@dataclass(frozen=True)
class FeedbackFit:
    """Text sizes of a feedback card (verdict, short lines, explanation) and the height they need."""

    verdict_size: int
    line_size: int
    body_size: int
    height: int
    fits: bool
    #: Whether the note sits beside the verdict (else it is the first line under it).
    note_inline: bool = False


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
    surface = card_body(size, fill)
    x = 28
    if number is not None:
        badge = Rect(20, (height - 72) // 2, 72, 72)
        pygame.draw.circle(surface, theme.TEAL, badge.center, 36)
        digit = ui.text.render(number, theme.NORMAL_TYPE.heading, theme.ON_TEAL, bold=True)
        surface.blit(digit, digit.get_rect(center=badge.center))
        x = badge.right + 24
    draw_grip(surface)
    right = width - GRIP_ROOM
    if picture is not None:
        surface.blit(picture, (x, (height - picture.get_height()) // 2))
        x += picture.get_width() + 24
    size_px = text_size or ui.types.button
    block = ui.text.fit(text, size_px, theme.INK, max(40, right - x), height - 24, theme.NORMAL_TYPE.small, bold=True)
    surface.blit(block, (x, (height - block.get_height()) // 2))
    return finish_card(surface)


def card_body(size: tuple[int, int], fill: tuple[int, int, int] = theme.CARD) -> pygame.Surface:
    """A card's white rounded body with its teal border, on a colour-keyed surface."""
    # Opaque with a colour key for the rounded corners: blits far faster than per-pixel alpha.
    surface = pygame.Surface(size)
    surface.fill(COLOUR_KEY)
    surface.set_colorkey(COLOUR_KEY)
    pygame.draw.rect(surface, fill, surface.get_rect(), border_radius=28)
    pygame.draw.rect(surface, theme.TEAL, surface.get_rect(), 5, border_radius=28)
    return surface


def draw_grip(surface: pygame.Surface) -> None:
    """A grip (three bars) at the card's right: says "you can move me" without words."""
    width, height = surface.get_size()
    grip_x = width - _GRIP_X
    for index in range(3):
        pygame.draw.rect(surface, theme.SHADOW, Rect(grip_x, height // 2 - 22 + index * 18, 30, 8), border_radius=4)


def finish_card(surface: pygame.Surface) -> pygame.Surface:
    """The card converted for fast blits (once a display exists; tests may draw before)."""
    return surface.convert() if pygame.display.get_surface() is not None else surface


class DragGameScene(GameScene):
    """A game played by dragging cards: owns the drag, and lets go of a card held when the
    scene leaves (a finger still down must not drag into the next screen)."""

    def __init__(self, app: GameHost, *, rules: GameRules, play: PlayHandle) -> None:
        super().__init__(app, rules=rules, play=play)
        self.drag = DragController()

    def exit(self) -> None:
        """Let go of any card and stop sounds."""
        self.drag.cancel()
        super().exit()
