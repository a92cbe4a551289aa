"""Safe or not on screen: a card drifts in, the player drags it to 安全 or 危险.

A drop on a bin is an answer (the card snaps into the bin, feedback appears with ✓/✗, words,
the tone and the explanation, and the record is written). Released anywhere else the card
flies back with no penalty. Tapping a bin also answers, for people who find dragging hard;
keys 1 and 2 do the same.
"""

from __future__ import annotations

import pygame

from games.drag import CardLayer, DragCard
from games.host import GameHost, PlayHandle
from games.sort.rules import DropResult, SortRules
from games.view_common import COLOUR_KEY, DragGameScene, FeedbackFit, card_surface, text_of
from screen import theme
from screen.input import Move, Press, Release
from screen.pictograms import pictogram
from screen.ui import Ui
from screen.widgets import Button, Widget

Rect = pygame.Rect
_CARD_SIZE = (780, 230)
_CARD_HOME = Rect((1920 - _CARD_SIZE[0]) // 2, 300, *_CARD_SIZE)
_BINS = {
    "safe": Rect(60, 620, 860, 430),
    "danger": Rect(1920 - 60 - 860, 620, 860, 430),
}
#: The feedback card, between the title and the bins ("it belongs in" goes beside the verdict).
_FEEDBACK = Rect(60, 272, 1800, 340)


class Bin(Widget):
    """A drop target: big box with a ✓ or ✗ picture and its word (never colour alone)."""

    def __init__(self, answer: str, rect: Rect, label: str) -> None:
        super().__init__(f"bin_{answer}", rect)
        self.answer = answer
        self.label = label
        self.hover = False
        self._cache: dict[tuple, pygame.Surface] = {}

    @property
    def label_text(self) -> str | None:
        """The bin's word (安全 / 危险)."""
        return self.label

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """The pre-drawn bin for the current state (drawn once per state: drags stay cheap)."""
        if not self.visible:
            return
        key = (self.hover, self.label, ui.large)
        picture = self._cache.get(key)
        if picture is None:
            picture = pygame.Surface((self.rect.width, self.rect.height + 8))
            picture.fill(COLOUR_KEY)
            picture.set_colorkey(COLOUR_KEY)
            self._paint(picture, ui, Rect(0, 0, *self.rect.size))
            picture = picture.convert()
            self._cache[key] = picture
        surface.blit(picture, self.rect.topleft)

    def _paint(self, surface: pygame.Surface, ui: Ui, rect: Rect) -> None:
        """Box, picture and word; thicker and tinted while a card hovers over it."""
        good = self.answer == "safe"
        colour = theme.OK_GREEN if good else theme.BAD_RED
        fill = theme.SELECTED if self.hover else (theme.OK_TINT if good else theme.BAD_TINT)
        pygame.draw.rect(surface, theme.SHADOW, rect.move(0, 8), border_radius=36)
        pygame.draw.rect(surface, fill, rect, border_radius=36)
        pygame.draw.rect(surface, colour if not self.hover else theme.INK, rect, 14 if self.hover else 8,
                         border_radius=36)
        icon = pictogram("check" if good else "cross", 120)
        surface.blit(icon, (rect.x + 40, rect.bottom - 160))
        # As big as the bin allows: "Dangerous" in large text is wider than the bin at hero size.
        word = ui.text.fit(self.label, ui.types.hero, colour, rect.width - 190 - 30, ui.lines(ui.types.hero, 1, True),
                           ui.types.heading, bold=True)
        surface.blit(word, (rect.x + 190, rect.bottom - 100 - word.get_height() // 2))


class SortScene(DragGameScene):
    """One sort set, card by card."""

    name = "sort"

    def __init__(self, app: GameHost, *, rules: SortRules, play: PlayHandle) -> None:
        super().__init__(app, rules=rules, play=play)
        self.rules: SortRules = rules
        self.drag.targets = dict(_BINS)
        self.layer = CardLayer()
        self.card: DragCard | None = None
        self.last: DropResult | None = None
        #: The feedback card's text sizes and height (measured in build(), with the language and
        #: text size the redraw state holds).
        self._feedback_fit: FeedbackFit | None = None
        self._dealt = 0

    # -- layout ----------------------------------------------------------------------------
    def enter(self) -> None:
        """Deal the first card and lay out."""
        super().enter()
        self._deal()

    def build(self) -> None:
        """The bins, the card, and after an answer the next/finish button."""
        ui = self.ui
        self.add_quit()
        bins = self.rules.sort_set.bins
        self.bins = {
            "safe": Bin("safe", _BINS["safe"], text_of(ui, bins.safe)),
            "danger": Bin("danger", _BINS["danger"], text_of(ui, bins.danger)),
        }
        for widget in self.bins.values():
            self.add(widget)
        if self.card is not None:
            self._refresh_card()
            self.add(self.card)
        if self.last is not None:
            self._feedback_fit = self._fit_feedback()
            label = self.tr("game.finish" if self.rules.finished else "game.next")
            self.add(Button("next", Rect(_FEEDBACK.right - 400, _FEEDBACK.y + 28, 360, 110), label, self._next,
                            text_size=ui.types.button))

    def _feedback_words(self) -> tuple[str, str, str]:
        """Verdict, the "it belongs in" note and "card: explanation" for the last answer."""
        ui = self.ui
        result = self.last
        bins = self.rules.sort_set.bins
        right = text_of(ui, bins.safe if result.right_bin == "safe" else bins.danger)
        verdict = self.tr("game.correct" if result.correct else "game.wrong")
        joiner = ": " if ui.lang == "en" else "："
        body = f"{text_of(ui, result.item.text)}{joiner}{text_of(ui, result.explanation)}"
        return verdict, self.tr("sort.belongs", bin=right), body

    def _fit_feedback(self) -> FeedbackFit:
        verdict, note, body = self._feedback_words()
        return self.fit_feedback(_FEEDBACK.width, verdict, [], body, reserve_right=400, note=note,
                                 max_height=_FEEDBACK.height)

    def _card_picture(self, item) -> pygame.Surface | None:
        side = _CARD_SIZE[1] - 40
        return self.art.fitted(item.image, side, side)

    def _refresh_card(self) -> None:
        """Re-render the card's face (language or text size changed)."""
        item = self.card.payload
        face = card_surface(self.ui, _CARD_SIZE, text_of(self.ui, item.text), picture=self._card_picture(item),
                            text_size=self.ui.types.heading if self.kids else self.ui.types.button)
        self.card.surface = face
        self.card.label = text_of(self.ui, item.text)

    def _deal(self) -> None:
        item = self.rules.current
        self.last = None
        if item is None:
            self.card = None
            self.rebuild()
            return
        self._dealt += 1
        face = card_surface(self.ui, _CARD_SIZE, text_of(self.ui, item.text), picture=self._card_picture(item))
        card = DragCard("card", Rect(1920, _CARD_HOME.y, *_CARD_SIZE), face, text_of(self.ui, item.text), payload=item)
        card.set_home(_CARD_HOME)  # drifts in from the right
        self.card = card
        self.drag.cards = [card]
        self.app.log.emit("question", n=self._dealt, id=item.id)
        self.rebuild()

    # -- input -----------------------------------------------------------------------------
    def process_action(self, action) -> bool:
        """Drags first (pick up, follow, drop); everything else as usual."""
        waiting = self.last is None and self.card is not None
        if isinstance(action, Press) and waiting and self.drag.press(action.pos) is not None:
            self._clear_focus()
            return True
        if isinstance(action, Move):
            self.drag.move(action.pos)
            self._show_hover()
            return True
        if isinstance(action, Release) and self.drag.held is not None:
            drop = self.drag.release(action.pos)
            self._show_hover()
            if drop is not None:
                self._answer(drop.target)
            return True
        return super().process_action(action)

    def _show_hover(self) -> None:
        for name, widget in self.bins.items():
            widget.hover = self.drag.hover == name

    def on_background_press(self, pos: tuple[float, float]) -> bool:
        """A tap on a bin answers too (dragging is hard for some hands)."""
        if self.last is not None or self.card is None:
            return False
        for name, rect in _BINS.items():
            if rect.collidepoint(pos):
                self._answer(name)
                return True
        return False

    def _answer(self, target: str | None) -> None:
        card = self.card
        if card is None:
            return
        result = self.rules.drop(card.payload.id, target, self.t())
        if result.kind == "returned":
            card.set_home(_CARD_HOME)  # released over nothing: fly back, no penalty
            self.app.log.emit("drag_returned", game=self.name, item=card.payload.id)
            return
        if result.kind == "already_sorted":
            return  # a second drop from a fast finger changes nothing
        self.last = result
        self.write(result.records)
        self.feedback_sound(bool(result.correct))
        bin_rect = _BINS[target]
        home = Rect(0, 0, *_CARD_SIZE)
        home.midtop = (bin_rect.centerx, bin_rect.y + 30)
        card.set_home(home)
        card.enabled = False
        self.rebuild()

    def _next(self) -> None:
        if self.last is None:
            return
        if self.rules.finished:
            self.finish()
            return
        self._deal()

    def on_command(self, name: str) -> bool:
        """1 = safe, 2 = danger, Enter = next."""
        if name in ("choose_1", "choose_2") and self.last is None and self.card is not None:
            self._answer("safe" if name == "choose_1" else "danger")
            return True
        if name == "activate" and self.last is not None:
            self._next()
            return True
        return super().on_command(name)

    # -- time and drawing ------------------------------------------------------------------
    def draw_state(self) -> tuple:
        """What the picture depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self, id(self.last), self.rules.score, len(self.rules.answers), self.drag.hover)

    def _still_key(self) -> tuple:
        from screen.redraw import scene_state

        # The bins' hover look is left out: CardLayer draws a lit bin over the base.
        return scene_state(self, id(self.last), self.rules.score, len(self.rules.answers),
                           skip=[*self.drag.cards, *self.bins.values()])

    def draw(self, surface: pygame.Surface) -> None:
        """The still picture once per change, then only the moving card's rectangles each frame."""
        self.layer.draw(surface, self.drag, self.ui, super().draw, self._still_key(),
                        targets=list(self.bins.values()), exclusive=self.app.is_top(self))

    def draw_content(self, surface: pygame.Surface) -> None:
        """Title, progress, instruction or feedback."""
        ui = self.ui
        rules = self.rules
        total = len(rules.order)
        shown = min(total, len(rules.answers) + (0 if self.last is not None else 1))
        status = f"{self.tr('sort.progress', n=max(1, shown), total=total)} · {self.tr('game.score', score=rules.score)}"
        self.draw_header(surface, text_of(ui, rules.sort_set.title), status)
        if self.last is None:
            hint = ui.text.fit(self.tr("sort.instruction"), ui.types.body, theme.INK_SOFT, 1800, 60, ui.types.small)
            surface.blit(hint, ((1920 - hint.get_width()) // 2, 548))
            return
        verdict, note, body = self._feedback_words()
        self.draw_feedback(surface, _FEEDBACK, bool(self.last.correct), verdict, [], body, reserve_right=400,
                           fit=self._feedback_fit, note=note)
