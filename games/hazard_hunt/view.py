"""Hazard hunt on screen: the layered scene, taps turned into scene coordinates, feedback cards.

The scene (background + layers by ``z``) is composed once into one picture at 80 % of the
design size, so a frame is one big blit plus the marks. Taps on the picture are converted back
to the scene's 1920×1080 design space for the rules. Every find gets a card with a ✓ icon, the
hazard's name and its explanation, and the right tone; a miss shows a ✗ and words at the tap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from games.art import panel, placeholder
from games.hazard_hunt.rules import HazardHuntRules, Hint, TapResult
from games.host import GameHost, PlayHandle
from games.view_common import FeedbackFit, GameScene, dashed_rect, text_of
from safezone.content.schema import DESIGN_HEIGHT, DESIGN_WIDTH, CircleArea
from screen import theme
from screen.pictograms import pictogram
from screen.widgets import Button

Rect = pygame.Rect
#: Where the scene picture is drawn, and its scale from the design space.
SCALE = 0.8
SCENE = Rect(24, 206, round(DESIGN_WIDTH * SCALE), round(DESIGN_HEIGHT * SCALE))
_SIDE = Rect(SCENE.right + 30, 260, 1920 - SCENE.right - 30 - 30, 800)
_TOAST_SECONDS = 1.4
#: A missed hazard's name on the picture: at least this wide, so it wraps into a few lines.
_LABEL_WIDTH = 240
#: The found card over the picture: at least this tall, as tall as its words need.
_FEEDBACK_HEIGHT = 330


def _label_box(area: Rect, size: tuple[int, int], taken: list[Rect]) -> Rect:
    """Where a missed hazard's name goes: inside the bottom of its dashed box, else its top,
    else just below or above it (inside the picture), never over a name already placed."""
    width, height = size[0] + 20, size[1] + 12
    candidates = [
        Rect(area.x, area.bottom - height - 4, width, height),
        Rect(area.x, area.y + 4, width, height),
        Rect(area.x, area.bottom + 8, width, height),
        Rect(area.x, area.y - height - 8, width, height),
        Rect(area.right - width, area.bottom - height - 4, width, height),
    ]
    for box in candidates:
        box.clamp_ip(SCENE)
        if not any(box.colliderect(other) for other in taken):
            return box
    return candidates[0]


def to_scene(pos: tuple[float, float]) -> tuple[float, float]:
    """Screen (design) point → the scene's own 1920×1080 coordinates."""
    return (pos[0] - SCENE.x) / SCALE, (pos[1] - SCENE.y) / SCALE


def area_rect(area) -> Rect:
    """A hit area's bounding box on screen."""
    if isinstance(area, CircleArea):
        box = Rect(area.x - area.r, area.y - area.r, 2 * area.r, 2 * area.r)
    else:
        box = Rect(area.x, area.y, area.w, area.h)
    return Rect(round(SCENE.x + box.x * SCALE), round(SCENE.y + box.y * SCALE), round(box.w * SCALE), round(box.h * SCALE))


@dataclass
class _Background:
    """The composed background (``HazardHuntScene.draw_background``) and the key it was drawn for.

    One object rather than two attributes of the scene: the redraw state
    (``screen.redraw.scene_state``) reads a scene's plain attributes, and these going from None to
    a picture in the first draw made the state look changed, so the first frame was drawn twice.
    """

    surface: pygame.Surface | None = None
    key: tuple | None = None


class HazardHuntScene(GameScene):
    """One scene, from the first tap to "see my score"."""

    name = "hazard_hunt"

    def __init__(self, app: GameHost, *, rules: HazardHuntRules, play: PlayHandle) -> None:
        super().__init__(app, rules=rules, play=play)
        self.rules: HazardHuntRules = rules
        self.picture: pygame.Surface | None = None
        self.feedback: TapResult | None = None
        self.toast: tuple[tuple[float, float], str, float] | None = None
        self.hint: Hint | None = None
        self._hint_shown = False
        self._clock = 0.0
        self._background = _Background()

    # -- layout ----------------------------------------------------------------------------
    def enter(self) -> None:
        """Compose the picture once, then lay out."""
        self.picture = self._compose()
        if self.art.missing:
            self.app.log.emit("art_missing", game=self.name, scene=self.rules.scene.id, files=self.art.missing)
        self.app.log.emit("question", n=1, id=self.rules.scene.id)
        super().enter()

    def _compose(self) -> pygame.Surface:
        scene = self.rules.scene
        full = pygame.Surface((DESIGN_WIDTH, DESIGN_HEIGHT)).convert()
        full.fill(theme.PAPER_DEEP)
        background = self.art.get(scene.background)
        if background is not None:
            if background.get_size() != (DESIGN_WIDTH, DESIGN_HEIGHT):
                background = pygame.transform.smoothscale(background, (DESIGN_WIDTH, DESIGN_HEIGHT))
            full.blit(background, (0, 0))
        elif scene.background:
            full.blit(placeholder(self.ui, DESIGN_WIDTH - 80, 200, f"{self.tr('game.missing_art')} {scene.background}"), (40, 40))
        for layer in sorted(scene.layers, key=lambda layer: layer.z):
            image = self.art.get(layer.image)
            if image is None:
                image = placeholder(self.ui, 240, 180, layer.image.rsplit("/", 1)[-1])
            full.blit(image, (layer.x, layer.y))
        return pygame.transform.smoothscale(full, SCENE.size).convert()

    def build(self) -> None:
        """Side buttons (hint, done), the feedback card's button, or the finish button."""
        ui = self.ui
        self.add_quit()
        if self.rules.finished:
            self.add(Button("finish", Rect(_SIDE.x, 930, _SIDE.width, 120), self.tr("game.finish"), self.finish,
                            text_size=ui.types.button))
            return
        if self.feedback is not None:
            card = self._feedback_rect()
            self.add(Button("ok", Rect(card.right - 320, card.y + 30, 290, 110), self.tr("game.ok"),
                            self._close_feedback, text_size=ui.types.button))
        hint_label = self.tr("hunt.hint_cost", cost=self.rules.scoring.hint_cost)
        self.hint_button = Button("hint", Rect(_SIDE.x, 790, _SIDE.width, 120), hint_label, self._hint,
                                  style="secondary", text_size=ui.types.body)
        self.hint_button.visible = self._hint_shown
        self.add(self.hint_button)
        self.add(Button("give_up", Rect(_SIDE.x, 930, _SIDE.width, 120), self.tr("hunt.give_up"), self._give_up,
                        style="secondary", text_size=ui.types.body))

    def _feedback_words(self) -> tuple[str, str]:
        hazard = self.feedback.hazard
        return self.tr("hunt.found_title", name=text_of(self.ui, hazard.name)), text_of(self.ui, hazard.explanation)

    def _feedback_fit(self) -> FeedbackFit:
        verdict, body = self._feedback_words()
        return self.fit_feedback(SCENE.width - 60, verdict, [], body, reserve_right=320,
                                 max_height=SCENE.height - 48, verdict_role="heading")

    def _feedback_rect(self) -> Rect:
        """Over the half of the picture away from the hazard just found, as tall as its words."""
        hazard = self.feedback.hazard if self.feedback else None
        height = _FEEDBACK_HEIGHT
        if hazard is not None:
            height = max(height, self._feedback_fit().height)
        low = hazard is not None and area_rect(hazard.area).centery > SCENE.centery
        y = SCENE.y + 24 if low else SCENE.bottom - height - 24
        return Rect(SCENE.x + 30, y, SCENE.width - 60, height)

    # -- input -----------------------------------------------------------------------------
    def on_background_press(self, pos: tuple[float, float]) -> bool:
        """A tap on the picture is a guess; while a card is open, a tap just closes it."""
        if self.rules.finished:
            return False
        if self.feedback is not None:
            self._close_feedback()
            return True
        if not SCENE.collidepoint(pos):
            return False
        x, y = to_scene(pos)
        result = self.rules.tap(x, y, self.t())
        self._after_tap(result, pos)
        return True

    def _after_tap(self, result: TapResult, pos: tuple[float, float]) -> None:
        if result.kind == "found":
            self.write(result.records)
            self.feedback = result
            if self.hint is not None and result.hazard is not None and result.hazard.id == self.hint.hazard_id:
                self.hint = None
            self._hint_shown = False
            self.feedback_sound(True)
        elif result.kind == "miss":
            text = self.tr("hunt.miss_cost", cost=result.penalty) if result.penalty else self.tr("hunt.miss")
            self.toast = (pos, text, self._clock + _TOAST_SECONDS)
            self.feedback_sound(False)
        elif result.kind == "time_up":
            self.write(result.records)
        # already_found, repeat_miss and outside change nothing (a double tap is not a mistake).
        self.rebuild()

    def _close_feedback(self) -> None:
        self.feedback = None
        self.rebuild()

    def _hint(self) -> None:
        t = self.t()
        if not self.rules.hint_available(t) or self.rules.finished:
            return
        self.hint = self.rules.hint(t)
        self._hint_shown = False
        self.app.log.emit("hint", game=self.name, hazard=self.hint.hazard_id, cost=self.hint.cost)
        self.rebuild()

    def _give_up(self) -> None:
        if self.rules.finished:
            return
        self.write(self.rules.give_up(self.t()))
        self.feedback = None
        self.ui.sounds.play("finish")
        self.rebuild()

    def on_command(self, name: str) -> bool:
        """Enter closes a card or shows the score."""
        if name == "activate":
            if self.rules.finished:
                self.finish()
                return True
            if self.feedback is not None:
                self._close_feedback()
                return True
        return super().on_command(name)

    # -- time ------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        """Toasts expire; the hint button appears after a quiet spell."""
        super().update(dt)
        self._clock += dt
        if self.toast is not None and self._clock >= self.toast[2]:
            self.toast = None
        if not self.rules.finished:
            self.write(self.rules.tick(self.t()))
            available = self.rules.hint_available(self.t()) and self.hint is None
            if available != self._hint_shown:
                self._hint_shown = available
                self.rebuild()

    # -- drawing ---------------------------------------------------------------------------
    def draw_state(self) -> tuple:
        """What the picture depends on (the app skips frames that would look the same)."""
        from screen.redraw import scene_state

        pulse = int(self._clock * 15) if self.hint is not None else None
        return scene_state(self, len(self.rules.found), self.rules.score, id(self.feedback), self.toast is not None,
                           id(self.hint), pulse, self.rules.finished)

    def draw_background(self, surface: pygame.Surface) -> None:
        """Paper, top bar, title and the scene picture: composed once per language, text size
        and sync pill, so every redraw (a tap, the hint's pulse) starts with one opaque blit."""
        key = (self.ui.lang, self.ui.large, self.app.site_title(), self.app.top_bar_state())
        cached = self._background
        if cached.surface is None or cached.key != key:
            base = cached.surface or pygame.Surface(theme.DESIGN_SIZE).convert()
            super().draw_background(base)
            ui = self.ui
            # Between the top bar and the picture (72 px): as big as that allows, never cut.
            title = ui.text.fit(text_of(ui, self.rules.scene.title), ui.types.heading, theme.INK, SCENE.width - 40,
                                SCENE.y - 134 - 4, theme.MIN_TEXT, bold=True)
            base.blit(title, (SCENE.x + 20, 134))
            pygame.draw.rect(base, theme.SHADOW, SCENE.inflate(12, 12), border_radius=10)
            if self.picture is not None:
                base.blit(self.picture, SCENE.topleft)
            cached.surface, cached.key = base, key
        surface.blit(cached.surface, (0, 0))

    def draw_content(self, surface: pygame.Surface) -> None:
        """Marks, side panel, cards (title and picture are in the background)."""
        self._draw_marks(surface)
        self._draw_side(surface)
        if self.toast is not None:
            self._draw_toast(surface)
        if self.feedback is not None and self.feedback.hazard is not None:
            verdict, body = self._feedback_words()
            self.draw_feedback(surface, self._feedback_rect(), True, verdict, [], body, reserve_right=320,
                               fit=self._feedback_fit())

    def _draw_marks(self, surface: pygame.Surface) -> None:
        ui = self.ui
        found_ids = list(self.rules.found)
        placed: list[Rect] = []
        for hazard in self.rules.scene.hazards:
            rect = area_rect(hazard.area)
            if hazard.id in self.rules.found:
                pygame.draw.rect(surface, theme.CARD, rect.inflate(8, 8), 6, border_radius=18)
                pygame.draw.rect(surface, theme.OK_GREEN, rect, 6, border_radius=16)
                side = 64
                surface.blit(pictogram("check", side), (rect.right - side // 2 - 4, rect.y - side // 2 + 4))
                number = ui.text.render(str(found_ids.index(hazard.id) + 1), ui.types.small, theme.ON_TEAL, bold=True)
                badge = Rect(rect.x - 6, rect.y - 6, 52, 52)
                pygame.draw.circle(surface, theme.TEAL, badge.center, 26)
                surface.blit(number, number.get_rect(center=badge.center))
            elif self.rules.finished:
                dashed_rect(surface, theme.BAD_RED, rect)
                # The whole name, wrapped; placed where no other missed hazard's name is.
                label = ui.text.fit(text_of(ui, hazard.name), ui.types.small, theme.BAD_RED,
                                    max(_LABEL_WIDTH, rect.width - 20), ui.lines(ui.types.small, 5, True),
                                    theme.MIN_TEXT, bold=True)
                box = _label_box(rect, label.get_size(), placed)
                placed.append(box)
                pygame.draw.rect(surface, theme.CARD, box, border_radius=10)
                surface.blit(label, (box.x + 10, box.y + 6))
        if self.hint is not None and not self.rules.finished:
            rect = area_rect(self.hint.area)
            pulse = 0.5 + 0.5 * math.sin(self._clock * 6)
            grow = round(10 + 16 * pulse)
            pygame.draw.rect(surface, theme.SUNNY, rect.inflate(grow, grow), 10, border_radius=24)
            pygame.draw.rect(surface, theme.INK, rect.inflate(grow + 16, grow + 16), 4, border_radius=28)

    def _draw_side(self, surface: pygame.Surface) -> None:
        """Count, score and the words under them (instruction, hint or summary), all whole in the
        narrow column: the box is as tall as its lines, the words take the rest above the buttons."""
        ui = self.ui
        rules = self.rules
        inner_w = _SIDE.width - 40
        missed = rules.finished and rules.finish_reason != "all_found"
        words = self.tr("hunt.instruction")
        colour = theme.INK
        if rules.finished:
            all_found = rules.finish_reason == "all_found"
            missed_count = len(rules.scene.hazards) - len(rules.found)
            words = self.tr("hunt.all_found") if all_found else self.tr("hunt.summary", found=len(rules.found),
                                                                         missed=missed_count)
            colour = theme.OK_GREEN if all_found else theme.BAD_RED
        elif self.hint is not None:
            words = text_of(ui, self.hint.text) if self.hint.text else self.tr("hunt.hint_default")
        buttons_top = 930 if (rules.finished or not self._hint_shown) else 790
        found_text = self.tr("hunt.found", found=len(rules.found), total=len(rules.scene.hazards))
        score_text = self.tr("game.score", score=rules.score)
        found_h = ui.text.height_of(found_text, ui.types.small, inner_w, True)
        score_h = ui.text.height_of(score_text, ui.types.heading, inner_w, True)
        words_h = ui.text.height_of(words, ui.types.small, _SIDE.width, rules.finished)
        # "Found 2 of 4" repeats the count in words; it gives way when the column is short.
        box_h = 40 + 90 + 20 + score_h
        with_found = box_h + found_h + 20 + 24 + words_h <= buttons_top - 20 - _SIDE.y
        if with_found:
            box_h += found_h + 20
        box = Rect(_SIDE.x, _SIDE.y, _SIDE.width, box_h)
        panel(surface, box)
        inner = box.inflate(-40, -40)
        surface.blit(pictogram("cross" if missed else "check", 90), (inner.x, inner.y))
        count = ui.text.render(f"{len(rules.found)}/{len(rules.scene.hazards)}", ui.types.title, theme.INK, bold=True)
        surface.blit(count, (inner.x + 104, inner.y + 45 - count.get_height() // 2))
        y = inner.y + 110
        if with_found:
            found = ui.text.fit(found_text, ui.types.small, theme.INK_SOFT, inner_w, found_h, ui.types.small, bold=True)
            surface.blit(found, (inner.x, y))
            y += found_h + 20
        score = ui.text.fit(score_text, ui.types.heading, theme.TEAL, inner_w, score_h, ui.types.heading, bold=True)
        surface.blit(score, (inner.x, y))
        note = ui.text.fit(words, ui.types.small, colour, _SIDE.width, buttons_top - 20 - (box.bottom + 24),
                           theme.MIN_TEXT, bold=rules.finished)
        surface.blit(note, (_SIDE.x, box.bottom + 24))

    def _draw_toast(self, surface: pygame.Surface) -> None:
        ui = self.ui
        (x, y), text, _ = self.toast
        label = ui.text.render(text, ui.types.body, theme.BAD_RED, bold=True)
        box = Rect(0, 0, label.get_width() + 120, max(90, label.get_height() + 30))
        box.midbottom = (round(x), round(y) - 20)
        box.clamp_ip(SCENE)
        pygame.draw.rect(surface, theme.CARD, box, border_radius=20)
        pygame.draw.rect(surface, theme.BAD_RED, box, 5, border_radius=20)
        surface.blit(pictogram("cross", 64), (box.x + 18, box.centery - 32))
        surface.blit(label, (box.x + 96, box.centery - label.get_height() // 2))
