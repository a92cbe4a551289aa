"""The attract loop: rotating safety tips, the clock, upcoming roadshows, three big choices.

Shown whenever nobody is playing. A card scanned here goes straight to the greeting. In event
mode (a roadshow) the hero carries the event's banner and only its topics' tips, and the side
panel shows the live event leaderboard instead of the upcoming roadshows.
"""

from __future__ import annotations

import pygame

from kiosk import i18n, theme
from kiosk.backend import LeaderInfo, RoadshowInfo
from kiosk.pictograms import pictogram
from kiosk.scene import MARGIN, Scene, card
from kiosk.widgets import Button
from safezone.services.localtime import LOCAL_TZ

Rect = pygame.Rect
_HERO = Rect(MARGIN, 160, 1060, 540)
_SIDE = Rect(1160, 160, 1920 - MARGIN - 1160, 540)
_ROADSHOW_REFRESH = 60.0
#: The event leaderboard is re-read this often while the attract screen shows (seconds).
_LEADERBOARD_REFRESH = 20.0


class AttractScene(Scene):
    """Idle screen; never shows anything about a previous player."""

    name = "attract"
    accepts_scan = True
    idle_watch = False

    def __init__(self, app) -> None:
        super().__init__(app)
        tips = list(app.bundle.tips.values())
        if app.event is not None and app.event.topics:
            tips = [t for t in tips if t.topic in app.event.topics] or tips
        app.rng.shuffle(tips)
        self.tips = tips
        self.tip_index = 0
        self._tip_time = 0.0
        self._roadshow_time = 0.0
        self.roadshows: list[RoadshowInfo] = []
        self.leaders: list[LeaderInfo] = []

    def enter(self) -> None:
        """Load the roadshows, lay out."""
        self._load_roadshows()
        super().enter()

    def _load_roadshows(self) -> None:
        event = self.app.event
        if event is not None:
            self.leaders = self.app.backend.event_leaderboard(event.id, limit=7)  # type: ignore[attr-defined]
        else:
            self.roadshows = self.app.backend.upcoming_roadshows(self.app.clock.now(), limit=3)
        self._roadshow_time = 0.0

    def build(self) -> None:
        """The three big choices along the bottom."""
        ui = self.ui
        gap = 40
        width = (theme.DESIGN_SIZE[0] - 2 * MARGIN - 2 * gap) // 3
        top, height = 740, 290
        choices = (
            ("scan", "attract.scan", "attract.scan.hint", "card", "primary", self.app.show_identify),
            ("guest", "attract.guest", "attract.guest.hint", "person", "secondary", self.app.start_guest),
            ("kids", "attract.kids", "attract.kids.hint", "kids", "secondary", self.app.start_kids),
        )
        for index, (wid, label, hint, icon, style, action) in enumerate(choices):
            self.add(Button(
                wid, Rect(MARGIN + index * (width + gap), top, width, height), ui.tr(label), action,
                style=style, sublabel=ui.tr(hint), icon=icon, icon_size=110, align="icon_top",
                text_size=ui.types.heading,
            ))

    def update(self, dt: float) -> None:
        """Rotate the tip; refresh roadshows now and then."""
        super().update(dt)
        self._tip_time += dt
        if self.tips and self._tip_time >= self.app.options.tip_seconds:
            self._tip_time = 0.0
            self.tip_index = (self.tip_index + 1) % len(self.tips)
        self._roadshow_time += dt
        refresh = _LEADERBOARD_REFRESH if self.app.event is not None else _ROADSHOW_REFRESH
        if self._roadshow_time >= refresh:
            self._load_roadshows()

    def draw_state(self) -> tuple:
        """The tip, the minute on the clock, roadshows / leaderboard (see kiosk/redraw.py)."""
        from kiosk.redraw import scene_state

        minute = self.app.clock.now().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        return scene_state(self, minute, tuple(self.roadshows), tuple(self.leaders), self.app.event)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Hero with the tip, side panel with the clock and roadshows."""
        ui = self.ui
        card(surface, _HERO, accent=theme.CORAL)
        inner = _HERO.inflate(-96, -80)
        if self.app.event is not None:
            y = self._draw_banner(surface, inner)
        else:
            tagline = ui.text.fit(ui.tr("attract.tagline"), ui.types.title, theme.INK, inner.width, 200, ui.types.heading, bold=True)
            surface.blit(tagline, (inner.x, inner.y + 4))
            y = inner.y + tagline.get_height() + 36
        if self.tips:
            tip = self.tips[self.tip_index % len(self.tips)]
            icon = pictogram(tip.topic, 110)
            surface.blit(icon, (inner.x, y + 6))
            heading = ui.text.render(ui.tr("attract.tip"), ui.types.body, theme.TEAL, bold=True)
            surface.blit(heading, (inner.x + 140, y))
            text = ui.text.fit(ui.pick(tip.text.zh, tip.text.en), ui.types.heading, theme.INK,
                               inner.width - 140, inner.bottom - y - heading.get_height() - 16, ui.types.small)
            surface.blit(text, (inner.x + 140, y + heading.get_height() + 12))
            self._draw_dots(surface, inner)
        card(surface, _SIDE, accent=theme.TEAL)
        side = _SIDE.inflate(-72, -64)
        local = self.app.clock.now().astimezone(LOCAL_TZ)
        clock = ui.text.render(local.strftime("%H:%M"), ui.types.hero, theme.INK, bold=True)
        surface.blit(clock, (side.x, side.y - 8))
        date = ui.text.render(i18n.format_date(local, ui.lang), ui.types.body, theme.INK_SOFT)
        surface.blit(date, (side.x + clock.get_width() + 32, side.y + clock.get_height() - date.get_height() - 24))
        y = side.y + clock.get_height() + 8
        pygame.draw.line(surface, theme.SHADOW, (side.x, y), (side.right, y), 3)
        y += 20
        if self.app.event is not None:
            self._draw_leaderboard(surface, side, y)
            return
        heading = ui.text.fit(ui.tr("attract.roadshows"), ui.types.body, theme.TEAL, side.width, ui.lines(ui.types.body, 2, True), ui.types.small, bold=True)
        surface.blit(heading, (side.x, y))
        y += heading.get_height() + 12
        if not self.roadshows:
            text = ui.text.fit(ui.tr("attract.no_roadshows"), ui.types.small, theme.INK_SOFT, side.width, side.bottom - y, ui.types.small)
            surface.blit(text, (side.x, y))
            return
        for show in self.roadshows:
            when = i18n.format_date(show.starts_at.astimezone(LOCAL_TZ), ui.lang, with_time=True)
            line = ui.text.render(when, ui.types.small, theme.INK_SOFT, bold=True)
            title = ui.text.fit(ui.pick(show.title, show.title_en), ui.types.small, theme.INK, side.width, ui.lines(ui.types.small, 2), ui.types.small)
            needed = line.get_height() + title.get_height() + 20
            if y + needed > side.bottom:
                break
            surface.blit(line, (side.x, y))
            surface.blit(title, (side.x, y + line.get_height() + 2))
            y += needed

    def _draw_banner(self, surface: pygame.Surface, inner: Rect) -> int:
        """The event's banner: a coloured band with its name, time and place; returns the next y."""
        from kiosk.scenes.event_mode import event_when, tr

        ui = self.ui
        event = self.app.event
        assert event is not None
        band = Rect(_HERO.x, _HERO.y + 14, _HERO.width, 250)
        pygame.draw.rect(surface, theme.TEAL, band)
        topics = self.app.available_topics()
        for index, topic in enumerate(topics):
            surface.blit(pictogram(topic, 64), (band.right - 48 - (len(topics) - index) * 80, band.y + 20))
        label = ui.text.render(tr("event.banner", ui.lang), ui.types.body, theme.SUNNY, bold=True)
        surface.blit(label, (inner.x, band.y + 24))
        title = ui.text.fit(ui.pick(event.title, event.title_en), ui.types.title, theme.ON_TEAL, inner.width,
                            ui.lines(ui.types.title, 1, True) + 4, ui.types.body, bold=True)
        surface.blit(title, (inner.x, band.y + 34 + label.get_height()))
        when = ui.text.fit(event_when(event, ui.lang), ui.types.small, theme.ON_TEAL, inner.width,
                           ui.lines(ui.types.small, 1), ui.types.small)
        surface.blit(when, (inner.x, band.bottom - when.get_height() - 18))
        return band.bottom + 24

    def _draw_leaderboard(self, surface: pygame.Surface, side: Rect, y: int) -> None:
        """The live event leaderboard: rank, nickname · building, score (nicknames only)."""
        from kiosk.scenes.event_mode import tr

        ui = self.ui
        heading = ui.text.render(tr("event.leaderboard", ui.lang), ui.types.body, theme.TEAL, bold=True)
        surface.blit(heading, (side.x, y))
        y += heading.get_height() + 12
        if not self.leaders:
            text = ui.text.fit(tr("event.no_scores", ui.lang), ui.types.small, theme.INK_SOFT, side.width,
                               side.bottom - y, ui.types.small)
            surface.blit(text, (side.x, y))
            return
        size = ui.types.small
        for rank, row in enumerate(self.leaders, start=1):
            line = ui.text.render(f"{rank}. {row.nickname} · {row.building_label}", size,
                                  theme.INK, bold=rank == 1)
            score = ui.text.render(str(row.score), size, theme.TEAL, bold=True)
            if y + line.get_height() > side.bottom:
                break
            if rank == 1:
                surface.blit(pictogram("star", line.get_height()), (side.right - score.get_width() - line.get_height() - 12, y))
            surface.blit(line, (side.x, y), area=Rect(0, 0, side.width - score.get_width() - 80, line.get_height()))
            surface.blit(score, (side.right - score.get_width(), y))
            y += line.get_height() + 8

    def _draw_dots(self, surface: pygame.Surface, inner: Rect) -> None:
        # Which tip of how many: small dots under the hero, a calm sign of the rotation.
        count = min(len(self.tips), 12)
        for index in range(count):
            centre = (inner.x + index * 30 + 10, inner.bottom + 10)
            filled = index == self.tip_index % count
            pygame.draw.circle(surface, theme.TEAL if filled else theme.SHADOW, centre, 8 if filled else 6)
