"""The attract loop: rotating safety tips, the clock, upcoming roadshows, three big choices.

Shown whenever nobody is playing. A card scanned here goes straight to the greeting. In event
mode (a roadshow) the hero carries the event's banner and only its topics' tips, and the side
panel shows the live event leaderboard instead of the upcoming roadshows.
"""

from __future__ import annotations

import pygame

from kiosk import i18n
from kiosk.backend import LeaderInfo, RoadshowInfo
from kiosk.host import KioskHost, KioskScene
from kiosk.scenes.attract_layout import (
    BAND_TOP,
    HERO,
    ICON,
    INNER,
    TIP_WIDTH,
    TIP_X,
    TOPIC_ICON,
    TOPIC_PITCH,
    TOPIC_RIGHT,
    HeroLayout,
    layout_event,
    layout_plain,
)
from safezone import campaigns
from safezone.services.localtime import LOCAL_TZ, local_day
from screen import theme
from screen.pictograms import pictogram
from screen.scene import MARGIN, card
from screen.widgets import Button

Rect = pygame.Rect
_HERO = HERO
_SIDE = Rect(1160, 160, 1920 - MARGIN - 1160, 540)
_ROADSHOW_REFRESH = 60.0
#: The event leaderboard is re-read this often while the attract screen shows (seconds).
_LEADERBOARD_REFRESH = 20.0
#: Hero layouts remembered (tips × languages × text sizes seen since the last clear).
_REMEMBERED = 64


class AttractScene(KioskScene):
    """Idle screen; never shows anything about a previous player."""

    name = "attract"
    accepts_scan = True
    idle_watch = False

    def __init__(self, app: KioskHost) -> None:
        super().__init__(app)
        # The core picks them: an event's topics, else a running safety-day campaign's.
        tips = campaigns.attract_tips(app.bundle.tips.values(), today=local_day(app.clock.now()),
                                      event_topics=app.event.topics if app.event else None)
        app.rng.shuffle(tips)
        self.tips = tips
        self.tip_index = 0
        self._tip_time = 0.0
        self._roadshow_time = 0.0
        self.roadshows: list[RoadshowInfo] = []
        #: How many of them the side panel had room for at the last draw.
        self.roadshows_shown = 0
        #: Where the date went at the last draw (beside the clock, or under it).
        self.date_rect = Rect(0, 0, 0, 0)
        self.leaders: list[LeaderInfo] = []
        self._layouts: dict[tuple, HeroLayout] = {}

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
            ("scan", "attract.scan", "attract.scan.hint", "card", "primary", self.app.flow.show_identify),
            ("guest", "attract.guest", "attract.guest.hint", "person", "secondary", self.app.flow.start_guest),
            ("kids", "attract.kids", "attract.kids.hint", "kids", "secondary", self.app.flow.start_kids),
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
        """The tip, the minute on the clock, roadshows / leaderboard (see screen/redraw.py)."""
        from screen.redraw import scene_state

        minute = self.app.clock.now().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        return scene_state(self, minute, tuple(self.roadshows), tuple(self.leaders), self.app.event)

    def hero_layout(self) -> HeroLayout | None:
        """The hero's words laid out for the current tip, event, language and text size
        (kiosk/scenes/attract_layout.py); measured once per change, then remembered."""
        if not self.tips:
            return None
        ui = self.ui
        shown = self.tips[self.tip_index % len(self.tips)]
        tip = ui.pick(shown.text.zh, shown.text.en)
        event = self.app.event
        if event is None:
            key: tuple = (tip, ui.tr("attract.tagline"), ui.large)
        else:
            from kiosk.scenes.event_mode import event_when, tr

            key = (tip, tr("event.banner", ui.lang), ui.pick(event.title, event.title_en),
                   event_when(event, ui.lang), len(self.app.flow.available_topics()), ui.large)
        layout = self._layouts.get(key)
        if layout is None:
            if len(self._layouts) >= _REMEMBERED:
                self._layouts.clear()
            if event is None:
                layout = layout_plain(ui.text, key[1], tip, ui.large)
            else:
                layout = layout_event(ui.text, key[1], key[2], key[3], key[4], tip, ui.large)
            self._layouts[key] = layout
        return layout

    def draw_content(self, surface: pygame.Surface) -> None:
        """Hero with the tip, side panel with the clock and roadshows."""
        ui = self.ui
        card(surface, _HERO, accent=theme.CORAL)
        inner = INNER
        layout = self.hero_layout()
        if self.app.event is not None:
            self._draw_banner(surface, layout)
        else:
            words = ui.tr("attract.tagline")
            if layout is not None:
                tagline = ui.text.block(words, layout.tagline_size, theme.INK, inner.width, bold=True)
            else:
                tagline = ui.text.fit(words, ui.types.title, theme.INK, inner.width, 200, ui.types.heading, bold=True)
            surface.blit(tagline, (inner.x, inner.y + 4))
        if layout is not None:
            tip = self.tips[self.tip_index % len(self.tips)]
            words = ui.pick(tip.text.zh, tip.text.en)
            surface.blit(pictogram(tip.topic, ICON), (inner.x, layout.section_y + 6))
            if layout.heading_y is not None:
                heading = ui.text.render(ui.tr("attract.tip"), layout.heading_size, theme.TEAL, bold=True)
                surface.blit(heading, (TIP_X, layout.heading_y))
            if layout.fits:
                text = ui.text.block(words, layout.tip_size, theme.INK, TIP_WIDTH)
            else:  # never with the real tips (tests/kiosk/test_attract_fit.py): cut and counted
                text = ui.text.fit(words, layout.tip_size, theme.INK, TIP_WIDTH, inner.bottom - layout.tip_y,
                                   layout.tip_size)
            surface.blit(text, (TIP_X, layout.tip_y))
            self._draw_dots(surface, inner)
        card(surface, _SIDE, accent=theme.TEAL)
        side = _SIDE.inflate(-72, -64)
        local = self.app.clock.now().astimezone(LOCAL_TZ)
        date = ui.text.render(i18n.format_date(local, ui.lang), ui.types.body, theme.INK_SOFT)
        clock = self._clock(local, side)
        surface.blit(clock, (side.x, side.y - 8))
        y = side.y + clock.get_height() + 8
        if self._date_beside(clock, date, side):
            self.date_rect = surface.blit(date, (side.x + clock.get_width() + 32, y - 8 - date.get_height() - 24))
        else:  # a long date in large text: its own line under the clock
            self.date_rect = surface.blit(date, (side.x, y - 16))
            y += date.get_height()
        pygame.draw.line(surface, theme.SHADOW, (side.x, y), (side.right, y), 3)
        y += 20
        if self.app.event is not None:
            self._draw_leaderboard(surface, side, y)
            return
        # One line, smaller if need be, so the panel keeps room for the roadshows (or the
        # "nothing scheduled" note, which takes two lines in large English).
        heading = ui.text.fit(ui.tr("attract.roadshows"), ui.types.body, theme.TEAL, side.width,
                              ui.lines(ui.types.body, 1, True), ui.floor("body"), bold=True)
        surface.blit(heading, (side.x, y))
        y += heading.get_height() + 12
        if not self.roadshows:
            text = ui.text.fit(ui.tr("attract.no_roadshows"), ui.types.small, theme.INK_SOFT, side.width, side.bottom - y, ui.types.small)
            surface.blit(text, (side.x, y))
            return
        self.roadshows_shown = 0
        for line, title in map(self._roadshow_lines, self.roadshows):
            needed = line.get_height() + title.get_height() + 20
            if y + needed > side.bottom:
                break
            surface.blit(line, (side.x, y))
            surface.blit(title, (side.x, y + line.get_height() + 2))
            y += needed
            self.roadshows_shown += 1

    def _roadshow_lines(self, show: RoadshowInfo) -> tuple[pygame.Surface, pygame.Surface]:
        """A roadshow in the side panel: its time, and its title on up to two lines."""
        ui = self.ui
        when = i18n.format_date(show.starts_at.astimezone(LOCAL_TZ), ui.lang, with_time=True)
        line = ui.text.render(when, ui.types.small, theme.INK_SOFT, bold=True)
        # Up to three lines, shrinking to the floor before anything would be cut.
        title = ui.text.fit(ui.pick(show.title, show.title_en), ui.types.small, theme.INK, _SIDE.inflate(-72, -64).width,
                            ui.lines(ui.types.small, 3), ui.floor("small"))
        return line, title

    def _clock(self, local, side: Rect) -> pygame.Surface:
        """The clock, as large as leaves room under it for the next roadshow: in large text the
        full-size clock would leave the panel a heading with nothing under it, which reads as
        "no roadshows" — the roadshow matters more than the size of the clock."""
        ui = self.ui
        text = local.strftime("%H:%M")
        clock = ui.text.render(text, ui.types.hero, theme.INK, bold=True)
        if self.app.event is not None or not self.roadshows:
            return clock
        line, title = self._roadshow_lines(self.roadshows[0])
        heading = ui.lines(ui.types.body, 1, True) + 12
        below = 8 + 20 + heading + line.get_height() + title.get_height() + 20
        date = ui.text.render(i18n.format_date(local, ui.lang), ui.types.body, theme.INK_SOFT)
        for size in (ui.types.title, ui.types.heading, ui.types.body):
            date_line = 0 if self._date_beside(clock, date, side) else date.get_height()
            if clock.get_height() + date_line + below <= side.height:
                break
            clock = ui.text.render(text, size, theme.INK, bold=True)
        return clock

    @staticmethod
    def _date_beside(clock: pygame.Surface, date: pygame.Surface, side: Rect) -> bool:
        """Whether the date fits to the right of the clock (else it goes under it)."""
        return clock.get_width() + 32 + date.get_width() <= side.width

    def _draw_banner(self, surface: pygame.Surface, layout: HeroLayout | None) -> None:
        """The event's banner: a coloured band with its name, time and place, as tall as they
        need (kiosk/scenes/attract_layout.py)."""
        from kiosk.scenes.event_mode import event_when, tr

        ui = self.ui
        event = self.app.event
        assert event is not None
        if layout is None:  # no tips at all: lay the banner out around an empty tip
            layout = layout_event(ui.text, tr("event.banner", ui.lang), ui.pick(event.title, event.title_en),
                                  event_when(event, ui.lang), len(self.app.flow.available_topics()), "", ui.large)
        band = Rect(_HERO.x, BAND_TOP, _HERO.width, layout.band_bottom - BAND_TOP)
        pygame.draw.rect(surface, theme.TEAL, band)
        topics = self.app.flow.available_topics()
        for index, topic in enumerate(topics):
            surface.blit(pictogram(topic, TOPIC_ICON),
                         (band.right - TOPIC_RIGHT - (len(topics) - index) * TOPIC_PITCH, band.y + 20))
        label = ui.text.block(tr("event.banner", ui.lang), layout.label_size, theme.SUNNY, layout.label_width, bold=True)
        surface.blit(label, (INNER.x, band.y + 20))
        title = ui.text.block(layout.title, layout.title_size, theme.ON_TEAL, INNER.width, bold=True)
        surface.blit(title, (INNER.x, layout.title_y))
        when = ui.text.block(event_when(event, ui.lang), layout.when_size, theme.ON_TEAL, INNER.width)
        surface.blit(when, (INNER.x, layout.when_y))

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
