"""Choose a game for the topic: only the games with content for this topic and player.

The topic screen asks the visit flow for a round (:meth:`kiosk.visit_flow.VisitFlow.choose`).
With one playable game it starts at once (as the quiz always did); with several it shows this
screen. A game whose content file failed to load
(reported by ``safezone content validate``) is simply not offered, and a small notice says so.
"""

from __future__ import annotations

import pygame

from games import texts
from games.art import ArtCache, game_icon
from games.registry import CONTENT_KINDS
from kiosk.host import KioskHost, KioskScene
from screen import theme
from screen.scene import MARGIN
from screen.widgets import Button

Rect = pygame.Rect


def skipped_games(app: KioskHost) -> list[str]:
    """Game types with a content file that failed to load: each problem of the content played
    (``app.content_problems``, set by kiosk/main.py; empty after switching to a content pack,
    which is only offered without a problem) names its file's content kind."""
    games: list[str] = []
    for problem in app.content_problems or ():
        name = CONTENT_KINDS.get(getattr(problem, "kind", None) or "")
        if name is not None and name not in games:
            games.append(name)
    return games


class GameChoiceScene(KioskScene):
    """Big cards, one per playable game, with a picture, a name and (for adults) a hint."""

    name = "games"

    def __init__(self, app: KioskHost, topic: str, games: list[str]) -> None:
        super().__init__(app)
        self.topic = topic
        self.games = games
        self.notice: str | None = None
        self.art = ArtCache(app.assets_dir)
        self.skipped = [g for g in skipped_games(app) if g not in games]

    @property
    def kids(self) -> bool:
        """Kids' mode: bigger pictures, no hints to read."""
        return bool(self.app.visit and self.app.visit.kids)

    def build(self) -> None:
        """Up to three cards a row, then the back button."""
        ui = self.ui
        lang = ui.lang
        count = len(self.games)
        cols = 2 if count in (2, 4) else 3
        rows = (count + cols - 1) // cols
        gap = 40
        top, bottom = 270, 920
        width = (1920 - 2 * MARGIN - gap * (cols - 1)) // cols
        height = min(330, (bottom - top - gap * (rows - 1)) // rows)
        icon = min(height - 60, 200 if self.kids else 170)
        for index, game in enumerate(self.games):
            row, col = divmod(index, cols)
            rect = Rect(MARGIN + col * (width + gap), top + row * (height + gap), width, height)
            self.add(Button(
                game, rect, texts.tr(f"game.{game}", lang), lambda g=game: self._choose(g), style="option",
                sublabel=None if self.kids else texts.tr(f"game.{game}.hint", lang),
                image=game_icon(self.art, ui, game, icon), align="left",
                text_size=ui.types.title if self.kids else ui.types.heading,
            ))
        self.add(Button("back", Rect(MARGIN, 950, 320, 110), ui.tr("back"), self.app.flow.show_topics, style="secondary"))

    def _choose(self, game: str) -> None:
        problem = self.app.flow.choose(self.topic, game)
        if problem is not None:
            self.notice = problem
            self.app.log.emit("notice", key=problem, game=game)

    def on_back(self) -> bool:
        """Escape goes back to the topics."""
        self.app.flow.show_topics()
        return True

    def on_command(self, name: str) -> bool:
        """Keys 1-5 pick a game."""
        if name.startswith("choose_"):
            index = int(name.split("_")[1]) - 1
            if 0 <= index < len(self.games):
                self._choose(self.games[index])
                return True
        return super().on_command(name)

    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays.

        The cards, the topic and the notice are in the scene's widgets and plain attributes;
        the skipped games are read once at start-up and never change while the screen shows.
        """
        from screen.redraw import scene_state

        return scene_state(self, self.kids)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Title, and a notice for skipped or failing games."""
        ui = self.ui
        topic = ui.tr(f"topic.{self.topic}")
        key = "choose.kids_title" if self.kids else "choose.title"
        title = ui.text.render(texts.tr(key, ui.lang, topic=topic), ui.types.title, theme.INK, bold=True)
        surface.blit(title, (MARGIN, 140))
        note = None
        if self.notice is not None:
            note = ui.tr(self.notice) if self.notice in ("topics.empty", "scan.unavailable") else texts.tr("choose.failed", ui.lang)
        elif self.skipped:
            names = "、".join(texts.tr(f"game.{g}", ui.lang) for g in self.skipped)
            note = texts.tr("choose.skipped", ui.lang, count=len(self.skipped), names=names)
        if note is not None:
            colour = theme.BAD_RED if self.notice else theme.INK_SOFT
            block = ui.text.fit(note, ui.types.small, colour, 1920 - 2 * MARGIN - 380, 110, ui.types.small)
            surface.blit(block, (MARGIN + 380, 950 + (110 - block.get_height()) // 2))
