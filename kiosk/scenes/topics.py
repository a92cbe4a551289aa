"""Choose a topic: fire, home, traffic, cyber — four big cards with pictograms."""

from __future__ import annotations

import pygame

from kiosk import theme
from kiosk.scene import MARGIN, Scene
from kiosk.widgets import Button
from safezone import campaigns
from safezone.services.localtime import local_day

Rect = pygame.Rect


class TopicScene(Scene):
    """The four topics; kids see bigger pictures and fewer words."""

    name = "topics"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.notice: str | None = None

    def build(self) -> None:
        """A 2×2 grid of topic cards and a back button."""
        ui = self.ui
        kids = bool(self.app.visit and self.app.visit.kids)
        gap = 40
        top = 270
        width = (1920 - 2 * MARGIN - gap) // 2
        height = 300
        # In event mode only the roadshow's topics (app.available_topics).
        # A running safety-day campaign puts its featured topic first (the top-left card).
        offered = campaigns.featured_first(self.app.available_topics(),
                                           today=local_day(self.app.clock.now()))
        for index, topic in enumerate(offered):
            row, col = divmod(index, 2)
            rect = Rect(MARGIN + col * (width + gap), top + row * (height + gap), width, height)
            self.add(Button(
                topic, rect, ui.tr(f"topic.{topic}"), lambda t=topic: self._choose(t), style="option",
                sublabel=None if kids else ui.tr(f"topic.{topic}.hint"), icon=topic,
                icon_size=230 if kids else 200, align="left",
                text_size=ui.types.title if kids else ui.types.heading,
            ))
        self.add(Button("back", Rect(MARGIN, 950, 320, 110), ui.tr("back"), self._back, style="secondary"))

    def _choose(self, topic: str) -> None:
        from kiosk.scenes.games import choose_game

        self.notice = choose_game(self.app, topic)
        if self.notice is not None:
            self.app.log.emit("notice", key=self.notice)

    def _back(self) -> None:
        visit = self.app.visit
        if visit is not None and visit.player is not None:
            self.app.greet(visit.player)
        else:
            self.app.go_attract("back")

    def on_back(self) -> bool:
        """Escape goes one step back."""
        self._back()
        return True

    def on_command(self, name: str) -> bool:
        """Keys 1-4 pick a topic."""
        if name.startswith("choose_"):
            index = int(name.split("_")[1]) - 1
            topics = self.app.available_topics()
            if 0 <= index < len(topics):
                self._choose(topics[index])
                return True
        return super().on_command(name)

    def draw_state(self) -> tuple:
        """What the drawing depends on (kiosk/redraw.py): unchanged means the last frame stays."""
        from kiosk.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Title, and a guest note or a notice (empty topic, busy system)."""
        ui = self.ui
        kids = bool(self.app.visit and self.app.visit.kids)
        title = ui.text.render(ui.tr("topics.kids_title" if kids else "topics.title"), ui.types.title, theme.INK, bold=True)
        surface.blit(title, (MARGIN, 140))
        note_key = self.notice
        if note_key is None and self.app.visit is not None and self.app.visit.mode == "guest":
            note_key = "topics.guest_note"
        if note_key is not None:
            colour = theme.BAD_RED if self.notice else theme.INK_SOFT
            note = ui.text.fit(ui.tr(note_key), ui.types.small, colour, 1920 - 2 * MARGIN - 380, 110, ui.types.small)
            surface.blit(note, (MARGIN + 380, 950 + (110 - note.get_height()) // 2))
