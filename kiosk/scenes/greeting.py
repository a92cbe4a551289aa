"""Greeting a card holder: nickname, building, points, badges, today's challenge.

Only the nickname and building are shown (a card identifies, it does not authenticate).
"""

from __future__ import annotations

import pygame

from kiosk.host import KioskScene
from screen import theme
from screen.pictograms import pictogram
from screen.scene import MARGIN, card
from screen.widgets import Button

Rect = pygame.Rect
_LEFT = Rect(MARGIN, 160, 1100, 600)
_RIGHT = Rect(1200, 160, 1920 - MARGIN - 1200, 600)


class GreetingScene(KioskScene):
    """Hello, points and badges; start the quiz or take today's challenge."""

    name = "greeting"
    accepts_scan = True

    def build(self) -> None:
        """Today's challenge, start, and finish buttons."""
        ui = self.ui
        topic = self.app.flow.today_topic()
        self.add(Button("challenge", Rect(_RIGHT.x + 40, _RIGHT.bottom - 250, _RIGHT.width - 80, 200),
                        ui.tr(f"topic.{topic}"), lambda: self._start(topic), style="secondary",
                        sublabel=ui.tr("greeting.challenge"), icon=topic, icon_size=130, align="left",
                        text_size=ui.types.heading))
        self.add(Button("start", Rect(1920 - MARGIN - 700, 820, 700, 200), ui.tr("greeting.start"), self.app.flow.show_topics,
                        text_size=ui.types.heading))
        self.add(Button("done", Rect(MARGIN, 820, 380, 200), ui.tr("results.done"), lambda: self.app.flow.go_attract("done"),
                        style="secondary"))

    def _start(self, topic: str) -> None:
        problem = self.app.flow.choose(topic, "quiz")  # today's challenge is a quiz
        if problem is not None:
            self.app.log.emit("notice", key=problem)

    def on_back(self) -> bool:
        """Escape ends the visit."""
        self.app.flow.go_attract("back")
        return True

    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Hello card and points/badges card."""
        ui = self.ui
        visit = self.app.visit
        player = visit.player if visit else None
        if player is None:
            return
        card(surface, _LEFT, accent=theme.CORAL)
        inner = _LEFT.inflate(-100, -90)
        hello_key = "greeting.kids" if visit.kids else "greeting.hello"
        hello = ui.text.fit(ui.tr(hello_key, nickname=player.nickname), ui.types.title, theme.INK,
                            inner.width, 220, ui.types.heading, bold=True)
        surface.blit(hello, (inner.x, inner.y))
        y = inner.y + hello.get_height() + 20
        building = ui.text.render(player.building_label, ui.types.heading, theme.INK_SOFT)
        surface.blit(building, (inner.x, y))
        y += building.get_height() + 40
        pygame.draw.line(surface, theme.SHADOW, (inner.x, y), (inner.right, y), 3)
        y += 30
        surface.blit(pictogram("star", 130), (inner.x, y))
        label = ui.text.render(ui.tr("greeting.points"), ui.types.body, theme.INK_SOFT, bold=True)
        surface.blit(label, (inner.x + 160, y))
        points = ui.text.render(str(player.balance), ui.types.hero, theme.INK, bold=True)
        surface.blit(points, (inner.x + 160, y + label.get_height()))

        card(surface, _RIGHT, accent=theme.TEAL)
        side = _RIGHT.inflate(-80, -80)
        heading = ui.text.render(ui.tr("greeting.badges"), ui.types.heading, theme.INK, bold=True)
        surface.blit(heading, (side.x, side.y))
        y = side.y + heading.get_height() + 20
        bottom = _RIGHT.bottom - 270
        if not player.badges:
            text = ui.text.fit(ui.tr("greeting.no_badges"), ui.types.body, theme.INK_SOFT, side.width, bottom - y, ui.types.small)
            surface.blit(text, (side.x, y))
            return
        row_h = max(90, ui.types.body + 40)
        shown = 0
        for badge_id in player.badges:
            if y + row_h > bottom:
                break
            badge = self.app.bundle.badges.get(badge_id)
            name = ui.pick(badge.name.zh, badge.name.en) if badge else badge_id
            surface.blit(pictogram("badge", 80), (side.x, y))
            text = ui.text.fit(name, ui.types.body, theme.INK, side.width - 110, row_h, ui.types.small)
            surface.blit(text, (side.x + 110, y + (80 - text.get_height()) // 2))
            y += row_h
            shown += 1
        rest = len(player.badges) - shown
        if rest > 0:
            more = ui.text.render(ui.tr("greeting.more_badges", count=rest), ui.types.small, theme.INK_SOFT)
            surface.blit(more, (side.x + 110, min(y, bottom)))
