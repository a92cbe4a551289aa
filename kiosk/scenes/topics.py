"""Choose a topic: big cards with pictograms — the content's topics (fire, home, traffic,
cyber today), laid out for however many there are, never over the back button."""

from __future__ import annotations

import pygame

from kiosk.host import KioskHost, KioskScene
from safezone import campaigns
from safezone.services.localtime import local_day
from screen import theme
from screen.pictograms import NAMES
from screen.scene import MARGIN
from screen.widgets import Button

Rect = pygame.Rect
#: Where the cards may go: under the title, above the back button's row.
_TOP, _GAP, _BACK = 270, 40, Rect(MARGIN, 950, 320, 110)
_BOTTOM = _BACK.top - _GAP
#: A card's full height (four topics: 2×2 cards of 880×300).
_CARD_HEIGHT = 300


def topic_grid(count: int) -> list[Rect]:
    """Where ``count`` topic cards go: two columns up to four topics (2×2, as always), three
    beyond; the rows share the room between the title and the back button's row."""
    columns = 2 if count <= 4 else 3
    rows = max(1, -(-count // columns))
    width = (1920 - 2 * MARGIN - (columns - 1) * _GAP) // columns
    height = min(_CARD_HEIGHT, (_BOTTOM - _TOP - (rows - 1) * _GAP) // rows)
    return [Rect(MARGIN + col * (width + _GAP), _TOP + row * (height + _GAP), width, height)
            for row, col in (divmod(index, columns) for index in range(count))]


class TopicScene(KioskScene):
    """The four topics; kids see bigger pictures and fewer words."""

    name = "topics"

    def __init__(self, app: KioskHost) -> None:
        super().__init__(app)
        self.notice: str | None = None

    def build(self) -> None:
        """A grid of topic cards (:func:`topic_grid`) and a back button."""
        ui = self.ui
        kids = bool(self.app.visit and self.app.visit.kids)
        # In event mode only the roadshow's topics (app.flow.available_topics).
        # A running safety-day campaign puts its featured topic first (the top-left card).
        topics = campaigns.featured_first(self.app.flow.available_topics(),
                                          today=local_day(self.app.clock.now()))
        for topic, rect in zip(topics, topic_grid(len(topics)), strict=True):
            # The pictogram keeps its size on full-height cards and shrinks with shorter ones.
            icon_size = min(230 if kids else 200, rect.height - 70)
            self.add(Button(
                topic, rect, ui.tr(f"topic.{topic}"), lambda t=topic: self._choose(t), style="option",
                sublabel=None if kids else ui.tr(f"topic.{topic}.hint"),
                # A topic new to the content may have no pictogram yet: words alone then.
                icon=topic if topic in NAMES else None,
                icon_size=icon_size, align="left",
                text_size=ui.types.title if kids else ui.types.heading,
            ))
        self.add(Button("back", Rect(_BACK), ui.tr("back"), self._back, style="secondary"))

    def _choose(self, topic: str) -> None:
        self.notice = self.app.flow.choose(topic)
        if self.notice is not None:
            self.app.log.emit("notice", key=self.notice)

    def _back(self) -> None:
        self.app.flow.step_back("back")

    def on_back(self) -> bool:
        """Escape goes one step back."""
        self._back()
        return True

    def on_command(self, name: str) -> bool:
        """Keys 1-4 pick a topic."""
        if name.startswith("choose_"):
            index = int(name.split("_")[1]) - 1
            topics = self.app.flow.available_topics()
            if 0 <= index < len(topics):
                self._choose(topics[index])
                return True
        return super().on_command(name)

    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

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
