"""Results: score, points (and the daily cap), new badges, and the building ranking.

The ranking shows building labels only, never people, and marks the player's own building
with a word, not just a colour.
"""

from __future__ import annotations

import pygame

from kiosk.backend import FinishOutcome, RankRow
from kiosk.host import KioskHost, KioskScene
from screen import theme
from screen.pictograms import pictogram
from screen.scene import MARGIN, card
from screen.widgets import Button

Rect = pygame.Rect
_LEFT = Rect(MARGIN, 150, 1040, 770)
_RIGHT = Rect(1140, 150, 1920 - MARGIN - 1140, 770)


class ResultsScene(KioskScene):
    """End of a round."""

    name = "results"
    accepts_scan = True

    def __init__(self, app: KioskHost, *, score: int, max_score: int, outcome: FinishOutcome | None, ranking: list[RankRow],
                 game: str = "quiz") -> None:
        super().__init__(app)
        self.score = score
        self.max_score = max_score
        #: Games other than the quiz score in points, not questions: their stars show a share.
        self.game = game
        self.outcome = outcome
        self.ranking = ranking

    def build(self) -> None:
        """Play again / finish."""
        ui = self.ui
        self.add(Button("again", Rect(1920 - MARGIN - 560, 950, 560, 110), ui.tr("results.again"), self.app.flow.show_topics,
                        text_size=ui.types.heading))
        self.add(Button("done", Rect(MARGIN, 950, 420, 110), ui.tr("results.done"), lambda: self.app.flow.go_attract("done"),
                        style="secondary"))

    def on_back(self) -> bool:
        """Escape finishes the visit."""
        self.app.flow.go_attract("done")
        return True

    def _praise_key(self) -> str:
        if self.max_score and self.score == self.max_score:
            return "results.praise.all"
        if self.max_score and self.score * 2 >= self.max_score:
            return "results.praise.most"
        return "results.praise.some"

    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Score card and ranking card."""
        ui = self.ui
        visit = self.app.visit
        card(surface, _LEFT, accent=theme.SUNNY)
        inner = _LEFT.inflate(-90, -70)
        title = ui.text.render(ui.tr("results.title"), ui.types.heading, theme.INK_SOFT, bold=True)
        surface.blit(title, (inner.x, inner.y))
        y = inner.y + title.get_height() + 16
        stars, filled = self.max_score, self.score
        if self.game != "quiz":
            stars = 5
            filled = round(5 * self.score / self.max_score) if self.max_score else 0
        star = min(110, (inner.width - 10 * (stars - 1)) // max(1, stars))
        for index in range(stars):
            surface.blit(pictogram("star" if index < filled else "star_empty", star), (inner.x + index * (star + 10), y))
        y += star + 16
        score_text = ui.tr("results.score", score=self.score, total=self.max_score)
        if self.game != "quiz":
            from games.texts import tr as game_tr

            score_text = game_tr("results.points_score", ui.lang, score=self.score, total=self.max_score)
        score = ui.text.fit(score_text, ui.types.title, theme.INK,
                            inner.width, 2 * ui.types.title, ui.types.heading, bold=True)
        surface.blit(score, (inner.x, y))
        y += score.get_height() + 8
        praise = ui.text.render(ui.tr(self._praise_key()), ui.types.body, theme.TEAL, bold=True)
        surface.blit(praise, (inner.x, y))
        y += praise.get_height() + 24
        pygame.draw.line(surface, theme.SHADOW, (inner.x, y), (inner.right, y), 3)
        y += 24
        lines: list[tuple[str, tuple[int, int, int], bool]] = []
        outcome = self.outcome
        if visit is not None and visit.player is None:
            lines.append((ui.tr("results.kids_guest" if visit.kids else "results.guest"), theme.INK, False))
        elif outcome is None:
            lines.append((ui.tr("results.save_failed"), theme.BAD_RED, True))
        else:
            lines.append((ui.tr("results.points", points=outcome.points_awarded), theme.INK, True))
            if outcome.balance is not None:
                lines.append((ui.tr("results.balance", balance=outcome.balance), theme.INK_SOFT, False))
            if outcome.capped:
                lines.append((ui.tr("results.capped"), theme.INK, False))
            for badge_id in outcome.new_badges:
                badge = self.app.bundle.badges.get(badge_id)
                name = ui.pick(badge.name.zh, badge.name.en) if badge else badge_id
                lines.append((ui.tr("results.new_badge", badge=name), theme.INK, True))
        for text, colour, bold in lines:
            if y >= inner.bottom - ui.types.small:
                break
            is_badge = text.startswith(ui.tr("results.new_badge", badge=""))
            indent = 90 if is_badge else 0
            if is_badge:
                surface.blit(pictogram("badge", 70), (inner.x, y))
            block = ui.text.fit(text, ui.types.body, colour, inner.width - indent, inner.bottom - y, ui.types.small, bold=bold)
            surface.blit(block, (inner.x + indent, y))
            y += max(block.get_height(), 70 if is_badge else 0) + 14
        self._draw_ranking(surface)

    def _draw_ranking(self, surface: pygame.Surface) -> None:
        ui = self.ui
        card(surface, _RIGHT, accent=theme.TEAL)
        inner = _RIGHT.inflate(-70, -70)
        title = ui.text.render(ui.tr("results.ranking"), ui.types.heading, theme.INK, bold=True)
        surface.blit(title, (inner.x, inner.y))
        y = inner.y + title.get_height() + 20
        if not self.ranking:
            text = ui.text.fit(ui.tr("results.ranking_empty"), ui.types.body, theme.INK_SOFT, inner.width, 200, ui.types.small)
            surface.blit(text, (inner.x, y))
            return
        visit = self.app.visit
        mine = visit.player.building_label if visit and visit.player else None
        rows = []
        for row in self.ranking:
            own = row.label == mine
            points = ui.text.render(ui.tr("results.ranking_row", points=row.points), ui.types.body, theme.INK)
            width = inner.width + 32 - 130 - points.get_width()
            name = row.label
            if own:
                marker = ui.tr("results.your_building")
                one_line = ui.text.font(ui.types.body, True).size(name + marker)[0] <= width
                name = name + marker if one_line else f"{name}\n{marker.strip()}"  # the marker whole, below
            rows.append((own, points, name, width))
        heights = _row_heights(ui, rows, inner.bottom - y)
        for position, ((own, points, name, label_w), row_h) in enumerate(zip(rows, heights, strict=True), start=1):
            rect = Rect(inner.x - 16, y, inner.width + 32, row_h - 10)
            if own:
                pygame.draw.rect(surface, theme.SELECTED, rect, border_radius=18)
                pygame.draw.rect(surface, theme.INK, rect, 4, border_radius=18)
            number = ui.text.render(str(position), ui.types.heading, theme.TEAL, bold=True)
            surface.blit(number, (rect.x + 20, rect.centery - number.get_height() // 2))
            surface.blit(points, (rect.right - points.get_width() - 20, rect.centery - points.get_height() // 2))
            label = ui.text.fit(name, ui.types.body, theme.INK, label_w, rect.height, theme.MIN_TEXT, bold=True)
            surface.blit(label, (rect.x + 90, rect.centery - label.get_height() // 2))
            y += row_h


def _row_heights(ui, rows: list[tuple], room: int) -> list[int]:
    """Ranking rows sharing ``room``: evenly (at most a sixth each), except that a name needing
    two lines ("1号地块18栋（我的楼）" in large text) gets them and the others give way."""
    base = room // max(6, len(rows))
    needs = [max(base, ui.text.height_of(name, ui.types.body, width, True) + 10) for _, _, name, width in rows]
    if sum(needs) <= room:
        return needs
    tall = [need for need in needs if need > base]
    share = (room - sum(tall)) // max(1, len(needs) - len(tall))
    if share < ui.lines(theme.MIN_TEXT, 1, True) + 10:
        return [room // max(1, len(rows))] * len(rows)  # the names shrink instead
    return [need if need > base else share for need in needs]
