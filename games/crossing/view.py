"""The kids' crossing game on screen: a big pedestrian light, a road with cars, a child, "walk".

Made for children who cannot read yet: every instruction is spoken (the level's audio, or the
pre-rendered ``sounds/crossing/<level>.<prompt>.<zh|en>.ogg``, when present) and also shown as
a subtitle for the grown-up beside them. The light shows a standing figure (red) or a walking
figure (green) — shape and a word as well as colour. Traffic is the rules' simulation; this
view only draws it and turns taps into ``tap_walk``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from games.art import panel
from games.crossing.rules import CrossingEvent, CrossingRules, WalkResult
from games.host import GameHost, PlayHandle
from games.view_common import GameScene, text_of
from screen import theme
from screen.pictograms import pictogram
from screen.widgets import Button

Rect = pygame.Rect
_LIGHT = Rect(90, 190, 280, 560)
_ROAD_X = 460
#: The part of the 80 m road that is on screen, and its scale.
_VIEW_FROM, _PX_PER_M = 10.0, 24.5
_FAR_KERB = Rect(_ROAD_X, 200, 1920 - _ROAD_X, 160)
_ROAD = Rect(_ROAD_X, 360, 1920 - _ROAD_X, 380)
_NEAR_KERB = Rect(_ROAD_X, 740, 1920 - _ROAD_X, 120)
_WALK = Rect(1460, 860, 400, 200)
_LISTEN = Rect(1200, 880, 220, 180)
_SUBTITLE = Rect(60, 880, 1100, 170)
_CAR_COLOURS = ((52, 98, 180), (214, 69, 46), (226, 150, 40), (40, 130, 80))
_PROMPT_FILES = ("sounds/crossing/{level}.{key}.{lang}.ogg", "sounds/prompts/{level}.{key}.{lang}.ogg")


def _x_of(metres_from_left: float) -> float:
    return _ROAD_X + (metres_from_left - _VIEW_FROM) * _PX_PER_M


def draw_figure(surface: pygame.Surface, colour, centre: tuple[int, int], size: int, walking: bool) -> None:
    """A pedestrian-light figure: standing (arms down, legs together) or walking (striding)."""
    cx, cy = centre
    u = size / 10
    pygame.draw.circle(surface, colour, (cx, round(cy - 3.6 * u)), round(1.1 * u))
    body = Rect(0, 0, round(2.0 * u), round(3.6 * u))
    body.midtop = (cx, round(cy - 2.4 * u))
    pygame.draw.rect(surface, colour, body, border_radius=round(0.6 * u))
    width = max(3, round(0.8 * u))
    hip = (cx, body.bottom - round(0.3 * u))
    if walking:
        pygame.draw.line(surface, colour, hip, (round(cx - 1.8 * u), round(cy + 4.4 * u)), width)
        pygame.draw.line(surface, colour, hip, (round(cx + 1.8 * u), round(cy + 4.4 * u)), width)
        pygame.draw.line(surface, colour, (cx, body.y + width), (round(cx - 2.0 * u), round(cy + 0.6 * u)), width)
        pygame.draw.line(surface, colour, (cx, body.y + width), (round(cx + 2.0 * u), round(cy - 0.6 * u)), width)
    else:
        pygame.draw.line(surface, colour, (cx - round(0.5 * u), hip[1]), (cx - round(0.5 * u), round(cy + 4.4 * u)), width)
        pygame.draw.line(surface, colour, (cx + round(0.5 * u), hip[1]), (cx + round(0.5 * u), round(cy + 4.4 * u)), width)
        pygame.draw.line(surface, colour, (body.x, body.y + width), (body.x - round(0.3 * u), round(cy + 1.2 * u)), width)
        pygame.draw.line(surface, colour, (body.right, body.y + width), (body.right + round(0.3 * u), round(cy + 1.2 * u)), width)


@dataclass
class _Painted:
    """What ``CrossingScene.draw`` keeps between frames: the still picture, the feedback card,
    the keys they were drawn for, and what the last frame painted over the still picture.

    One object rather than the scene's own attributes: the redraw state
    (``screen.redraw.scene_state``) reads a scene's plain attributes, and these caches going from
    None to a picture in the first draw made the state look changed, so the first frame of a
    still screen was drawn twice.
    """

    still: pygame.Surface | None = None
    still_key: tuple | None = None
    card: pygame.Surface | None = None
    card_key: tuple | None = None
    #: The surface the last frame went to (patched with dirty rectangles when it is the same).
    canvas: pygame.Surface | None = None
    painted: list[Rect] = field(default_factory=list)


class CrossingScene(GameScene):
    """One level: a few rounds of waiting for the right moment and crossing."""

    name = "crossing"

    def __init__(self, app: GameHost, *, rules: CrossingRules, play: PlayHandle) -> None:
        super().__init__(app, rules=rules, play=play)
        self.rules: CrossingRules = rules
        self.last: WalkResult | None = None
        self.subtitle_key = "intro"
        self._blink = 0.0
        self._walk_progress = 0.0
        self.street: pygame.Surface | None = None
        self.child: pygame.Surface | None = None
        self._paint = _Painted()

    # -- layout ----------------------------------------------------------------------------
    def enter(self) -> None:
        """Draw the street once, say the intro."""
        self.street = self._draw_street()
        self.child = self.art.fitted("images/emoji/1f9d2.png", 130, 130)
        self.app.log.emit("question", n=1, id=self.rules.level.id)
        super().enter()
        self._say("intro")

    def build(self) -> None:
        """Walk and listen buttons, or the finish button at the end."""
        ui = self.ui
        self.add_quit()
        if self.rules.finished:
            self.add(Button("finish", _WALK, self.tr("game.finish"), self.finish, icon="star", icon_size=110,
                            align="icon_top", text_size=ui.types.body))
            return
        walker = self.art.fitted("images/emoji/1f6b6.png", 110, 110)
        self.add(Button("walk", _WALK, self.tr("cross.walk"), self._walk, image=walker,
                        icon=None if walker is not None else "person", icon_size=110, text_size=ui.types.title))
        self.add(Button("listen", _LISTEN, self.tr("cross.listen"), lambda: self._say(self.subtitle_key),
                        icon="speaker", icon_size=90, align="icon_top", text_size=ui.types.small))

    def _draw_street(self) -> pygame.Surface:
        """The still picture (paper, top bar, sky, kerbs, road, zebra) as one opaque surface."""
        street = self.app.background.copy()
        street.fill((200, 230, 245), Rect(0, 132, 1920, 68))
        offset = 0

        def at(rect: Rect) -> Rect:
            return rect.move(0, offset)

        pygame.draw.rect(street, (205, 200, 190), at(_FAR_KERB))
        pygame.draw.rect(street, (205, 200, 190), at(_NEAR_KERB))
        pygame.draw.rect(street, (70, 72, 78), at(_ROAD))
        lanes = self.rules.level.lanes
        lane_h = _ROAD.height / lanes
        for index in range(1, lanes):
            y = round(_ROAD.y + index * lane_h) + offset
            colour = (250, 214, 80) if index == lanes // 2 and lanes % 2 == 0 else (235, 235, 235)
            for x in range(_ROAD.x, _ROAD.right, 80):
                pygame.draw.rect(street, colour, Rect(x, y - 4, 46, 8))
        layout = self.rules.layout
        left = round(_x_of(layout.crossing_start))
        width = round(layout.crossing_width * _PX_PER_M)
        for y in range(_ROAD.y + 12, _ROAD.bottom - 20, 44):
            pygame.draw.rect(street, (250, 250, 250), Rect(left, y + offset, width, 26))
        for lane in range(lanes):  # stop lines, on each lane's own side of the crossing
            y = round(_ROAD.y + lane * lane_h) + offset
            stop = layout.stop_line if lane % 2 == 0 else 80 - layout.stop_line
            x = round(_x_of(stop))
            pygame.draw.rect(street, (250, 250, 250), Rect(x - 4, y + 6, 8, round(lane_h) - 12))
        return street.convert()

    def draw_background(self, surface: pygame.Surface) -> None:
        """The pre-drawn street (one opaque blit) and the top bar (name, sync pill)."""
        if self.street is None:
            super().draw_background(surface)
            return
        surface.blit(self.street, (0, 0))
        self.draw_top_bar(surface)

    # -- speech ----------------------------------------------------------------------------
    def _prompt(self, key: str):
        return getattr(self.rules.level.prompts, key)

    def _say(self, key: str) -> None:
        """Show the subtitle and speak the prompt (content audio, else the generated file)."""
        self.subtitle_key = key
        prompt = self._prompt(key)
        lang = "en" if self.ui.lang == "en" else "zh"
        candidates = [prompt.audio] if prompt.audio else []
        candidates += [pattern.format(level=self.rules.level.id, key=key, lang=lang) for pattern in _PROMPT_FILES]
        self.app.log.emit("prompt", game=self.name, key=key)
        for audio in candidates:
            if (self.app.assets_dir / audio).exists():
                self.speak(audio)
                return

    # -- input and time --------------------------------------------------------------------
    def _walk(self) -> None:
        if self.rules.finished:
            return
        result = self.rules.tap_walk()
        if result.kind == "ignored":
            return  # while feedback plays or while walking: one mistake, not ten
        self.last = result
        self.write(result.records)
        self.feedback_sound(result.kind == "safe")
        self._say("success" if result.kind == "safe" else "unsafe")
        self._walk_progress = 0.0

    def on_background_press(self, pos: tuple[float, float]) -> bool:
        """Tapping the road or the child counts as "walk" too (small hands miss buttons)."""
        if self.rules.finished:
            return False
        if _NEAR_KERB.collidepoint(pos) or _ROAD.collidepoint(pos):
            self._walk()
            return True
        return False

    def on_command(self, name: str) -> bool:
        """Enter or space = walk (or see the score)."""
        if name == "activate" and self._focused_widget() is None:
            if self.rules.finished:
                self.finish()
            else:
                self._walk()
            return True
        return super().on_command(name)

    def update(self, dt: float) -> None:
        """Advance the simulation and react to what happened."""
        super().update(dt)
        self._blink += dt
        if self.rules.finished:
            return
        if self.rules.state == "walking":
            self._walk_progress = min(1.0, self._walk_progress + dt / self.rules.timing.walk_seconds)
        for event in self.rules.update(dt):
            self._on_event(event)

    def _on_event(self, event: CrossingEvent) -> None:
        if event.kind == "light" and event.light == "red" and self.rules.state == "waiting":
            self._say("wait")
        elif event.kind == "light" and event.light == "green" and self.rules.state == "waiting":
            self._say("go")
        elif event.kind == "ready":
            self.last = None
        elif event.kind == "round":
            self.last = None
            self._walk_progress = 0.0
        elif event.kind == "finished":
            self.ui.sounds.play("finish")
            self.rebuild()

    # -- drawing ---------------------------------------------------------------------------
    def draw_state(self) -> tuple:
        """What the picture depends on (screen/redraw.py): the light, the cars, the child, the words."""
        from screen.redraw import scene_state

        blink = int(self._blink * 3) % 2 if self.rules.light == "flashing" else 0
        cars = tuple((car.lane, car.direction, round(car.s * _PX_PER_M)) for car in self.rules.cars)
        return scene_state(self, self.rules.light, blink, self.rules.state, len(self.rules.round_scores),
                           self.rules.finished, cars, round(self._walk_progress * 400), id(self.last))

    def draw(self, surface: pygame.Surface) -> None:
        """The still parts are drawn once per change of light, words or buttons; a frame then
        restores from them only what the cars, the child and the feedback card covered last
        frame (dirty rectangles) and draws those again at their new places."""
        from screen.redraw import widget_state

        blink = int(self._blink * 3) % 2 if self.rules.light == "flashing" else 0
        key = (self.rules.light, blink, self.subtitle_key, len(self.rules.round_scores), self.rules.finished,
               self.ui.lang, self.ui.large, self.app.top_bar_state(), widget_state(self.widgets))
        cache = self._paint
        if cache.still is None:
            cache.still = pygame.Surface(theme.DESIGN_SIZE).convert()
        if key != cache.still_key:
            self.draw_background(cache.still)
            self._draw_still(cache.still)
            for widget in self.widgets:
                widget.draw(cache.still, self.ui)
            cache.still_key = key
            cache.canvas = None
        if cache.canvas is surface:
            for rect in cache.painted:
                surface.blit(cache.still, rect, rect)
        else:
            surface.blit(cache.still, (0, 0))
        painted = self._draw_cars(surface)
        painted.append(self._draw_child(surface))
        if self.last is not None and not self.rules.finished:
            painted.append(self._blit_card(surface, ("verdict", id(self.last)), self._verdict_rect(),
                                           self._draw_verdict))
        if self.rules.finished:
            painted.append(self._blit_card(surface, ("finished", self.rules.score), Rect(460, 300, 1000, 360),
                                           self._draw_finished))
        cache.painted = painted
        # Only a canvas nothing else drew over (no overlay) may be patched next frame.
        cache.canvas = surface if self.app.is_top(self) else None

    def _blit_card(self, surface: pygame.Surface, key: tuple, rect: Rect, paint) -> Rect:
        """A feedback card drawn once (per language and text size) and blitted every frame."""
        from games.view_common import COLOUR_KEY

        cache = self._paint
        key = (*key, self.ui.lang, self.ui.large)
        if cache.card_key != key or cache.card is None:
            card = pygame.Surface((rect.width, rect.height + 8))
            card.fill(COLOUR_KEY)
            card.set_colorkey(COLOUR_KEY)
            paint(card, Rect(0, 0, rect.width, rect.height))
            cache.card, cache.card_key = card.convert(), key
        return surface.blit(cache.card, rect.topleft)

    def _draw_finished(self, surface: pygame.Surface, rect: Rect) -> None:
        self.draw_feedback(surface, rect, True, self.tr("cross.safe"),
                           [self.tr("game.score", score=self.rules.score)], None, icon_side=140)

    def _draw_still(self, surface: pygame.Surface) -> None:
        """The light, round stars, title and subtitle."""
        ui = self.ui
        rules = self.rules
        self._draw_light(surface)
        stars = rules.timing.rounds
        for index in range(stars):
            done = index < len(rules.round_scores)
            surface.blit(pictogram("star" if done else "star_empty", 76), (_ROAD_X + 20 + index * 90, 140))
        title = ui.text.render(text_of(ui, rules.level.title), ui.types.body, theme.INK, bold=True)
        surface.blit(title, (_ROAD_X + 40 + stars * 90, 158))
        self._draw_subtitle(surface)

    def _draw_cars(self, surface: pygame.Surface) -> list[Rect]:
        """Every car on the road; returns the rectangles drawn."""
        layout = self.rules.layout
        lanes = self.rules.level.lanes
        lane_h = _ROAD.height / lanes
        length = round(layout.car_length * _PX_PER_M)
        height = round(min(110, lane_h * 0.62))
        clip = surface.get_clip()
        surface.set_clip(_ROAD)
        drawn: list[Rect] = []
        for car in self.rules.cars:
            y = round(_ROAD.y + car.lane * lane_h + (lane_h - height) / 2)
            if car.direction > 0:
                front = _x_of(car.s)
                body = Rect(round(front) - length, y, length, height)
            else:
                front = _x_of(80 - car.s)
                body = Rect(round(front), y, length, height)
            if body.right < _ROAD.x or body.x > _ROAD.right:
                continue
            colour = _CAR_COLOURS[car.lane % len(_CAR_COLOURS)]
            drawn.append(body.inflate(6, 6).clip(_ROAD))
            pygame.draw.rect(surface, (30, 30, 30), body.inflate(6, 6), border_radius=20)
            pygame.draw.rect(surface, colour, body, border_radius=18)
            window = Rect(0, 0, length // 3, height - 24)
            window.center = (body.centerx + (8 if car.direction > 0 else -8), body.centery)
            pygame.draw.rect(surface, (200, 225, 240), window, border_radius=8)
            lamp_x = body.right - 10 if car.direction > 0 else body.x + 10
            pygame.draw.circle(surface, (255, 240, 150), (lamp_x, body.y + 14), 8)
            pygame.draw.circle(surface, (255, 240, 150), (lamp_x, body.bottom - 14), 8)
        surface.set_clip(clip)
        return drawn

    def _draw_child(self, surface: pygame.Surface) -> Rect:
        """The child at the kerb or on the way across; returns the rectangle drawn."""
        layout = self.rules.layout
        x = round(_x_of(layout.crossing_start + layout.crossing_width / 2))
        start_y, end_y = _NEAR_KERB.centery, _FAR_KERB.centery
        progress = self._walk_progress if self.rules.state in ("walking", "finished") else 0.0
        if self.rules.finished:
            progress = 1.0
        y = round(start_y + (end_y - start_y) * progress)
        if self.child is not None:
            return surface.blit(self.child, (x - self.child.get_width() // 2, y - self.child.get_height() // 2 - 10))
        draw_figure(surface, theme.INK, (x, y), 110, walking=progress > 0)
        return Rect(x - 70, y - 70, 140, 140)

    def _draw_light(self, surface: pygame.Surface) -> None:
        ui = self.ui
        light = self.rules.light
        pygame.draw.rect(surface, (60, 60, 60), Rect(_LIGHT.centerx - 16, _LIGHT.bottom, 32, 130))
        pygame.draw.rect(surface, (30, 32, 36), _LIGHT, border_radius=36)
        top = Rect(_LIGHT.x + 30, _LIGHT.y + 30, _LIGHT.width - 60, (_LIGHT.height - 90) // 2)
        bottom = Rect(top.x, top.bottom + 30, top.width, top.height)
        red_on = light == "red"
        green_on = light == "green" or (light == "flashing" and int(self._blink * 3) % 2 == 0)
        pygame.draw.rect(surface, (90, 20, 20) if not red_on else (230, 50, 40), top, border_radius=24)
        pygame.draw.rect(surface, (20, 70, 35) if not green_on else (60, 200, 90), bottom, border_radius=24)
        draw_figure(surface, (255, 255, 255) if red_on else (140, 60, 60), top.center, top.height - 40, walking=False)
        draw_figure(surface, (255, 255, 255) if green_on else (60, 110, 70), bottom.center, bottom.height - 40, walking=True)
        key = {"red": "cross.wait", "green": "cross.go", "flashing": "cross.hurry"}[light]
        word = ui.text.render(self.tr(key), ui.types.title, theme.INK, bold=True)
        box = Rect(0, 0, max(_LIGHT.width, word.get_width() + 30), word.get_height() + 16)
        box.midtop = (_LIGHT.centerx, _LIGHT.bottom + 8)
        box.x = max(20, box.x)
        pygame.draw.rect(surface, theme.CARD, box, border_radius=16)
        surface.blit(word, (box.centerx - word.get_width() // 2, box.y + 8))

    def _draw_subtitle(self, surface: pygame.Surface) -> None:
        ui = self.ui
        panel(surface, _SUBTITLE, radius=28)
        pygame.draw.circle(surface, theme.TEAL, (_SUBTITLE.x + 70, _SUBTITLE.centery), 50)
        surface.blit(pictogram("speaker", 80), (_SUBTITLE.x + 30, _SUBTITLE.centery - 40))
        text = text_of(ui, self._prompt(self.subtitle_key).text)
        block = ui.text.fit(text, ui.types.heading, theme.INK, _SUBTITLE.width - 160, _SUBTITLE.height - 30,
                            ui.types.small, bold=True)
        surface.blit(block, (_SUBTITLE.x + 134, _SUBTITLE.centery - block.get_height() // 2))

    def _verdict_rect(self) -> Rect:
        return Rect(1080, 252, 780, 190) if self.last.kind == "safe" else Rect(560, 420, 900, 210)

    def _draw_verdict(self, surface: pygame.Surface, rect: Rect) -> None:
        result = self.last
        safe = result.kind == "safe"
        words = self.tr("cross.safe") if safe else self.tr(f"cross.reason.{result.reason}")
        self.draw_feedback(surface, rect, safe, words, [], None, icon_side=150)
