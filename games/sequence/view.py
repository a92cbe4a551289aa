"""Step order on screen: numbered slots, cards dragged between them, then "check".

A card dropped on another slot takes that place and the cards in between shift (each flies to
its new slot); dropped anywhere else it flies back. After "check" every card shows ✓ (in place)
or ✗ in its number gutter and a misplaced card "should be step N" in a column of its face its
words never enter (games/sequence/layout.py); the verdict names how many cards were still to
move, and the explanation follows — in the verdict card when it fits there whole, else over the
list behind a "why?" button (which then reads "my order" to bring the marked list back). The
submit is written as the round's record when the verdict appears.
"""

from __future__ import annotations

import pygame

from games.art import panel
from games.drag import CardLayer, DragCard
from games.host import GameHost, PlayHandle
from games.sequence.layout import (
    GUTTER,
    LIST,
    PICTURE_GAP,
    TAG_BORDER,
    TAG_PAD_Y,
    CardLayout,
    card_rect,
    layout_card,
    slot_rects,
)
from games.sequence.rules import SequenceRules, SubmitResult
from games.view_common import DragGameScene, FeedbackFit, card_body, draw_grip, finish_card, text_of
from screen import theme
from screen.fitting import fit_text_sizes
from screen.input import Move, Press, Release
from screen.pictograms import pictogram
from screen.ui import Ui
from screen.widgets import Button, Widget

Rect = pygame.Rect
_PANEL = Rect(1230, 270, 1920 - 60 - 1230, 780)


class Slot(Widget):
    """A numbered place in the list (a drop target robots can name: ``slot_1``...)."""

    def __init__(self, index: int, rect: Rect) -> None:
        super().__init__(f"slot_{index + 1}", rect)
        self.index = index
        self.hover = False

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """The position number in the gutter and an empty well behind the card."""
        if not self.visible:
            return
        well = Rect(self.rect.x + GUTTER, self.rect.y, self.rect.width - GUTTER, self.rect.height)
        pygame.draw.rect(surface, theme.SELECTED if self.hover else theme.PAPER_DEEP, well, border_radius=28)
        if self.hover:
            pygame.draw.rect(surface, theme.INK, well, 6, border_radius=28)
        number = ui.text.render(str(self.index + 1), ui.types.title, theme.TEAL, bold=True)
        surface.blit(number, (self.rect.x + (GUTTER - number.get_width()) // 2 - 8,
                              self.rect.centery - number.get_height() // 2))


class SequenceScene(DragGameScene):
    """One sequence: arrange, check, see why."""

    name = "sequence"

    def __init__(self, app: GameHost, *, rules: SequenceRules, play: PlayHandle) -> None:
        super().__init__(app, rules=rules, play=play)
        self.rules: SequenceRules = rules
        self.layer = CardLayer()
        self._faces: dict[tuple, pygame.Surface] = {}
        #: (language, large text, grip) of the faces kept; a tuple, never a plain value, so it
        #: stays out of the redraw state (screen.redraw.scene_state).
        self._faces_for: tuple = ()
        self.result: SubmitResult | None = None
        #: After the check: the explanation shown over the list instead of the marked cards.
        self.show_why = False
        #: The verdict card's sizes (measured in build()); whether the explanation fits in it.
        self._verdict_fit: FeedbackFit | None = None
        self._verdict_card: Rect | None = None
        self._why_inline = True
        count = len(rules.order)
        self.slot_rects = slot_rects(count)
        self.drag.targets = {f"slot_{i + 1}": self._card_rect(i) for i in range(count)}
        self.cards: dict[int, DragCard] = {}

    def _card_rect(self, index: int) -> Rect:
        return card_rect(self.slot_rects[index])

    # -- layout ----------------------------------------------------------------------------
    def enter(self) -> None:
        """Make the cards once and lay out."""
        self._make_cards()
        self.app.log.emit("question", n=1, id=self.rules.sequence.id)
        super().enter()

    def _make_cards(self) -> None:
        rect = self._card_rect(0)
        for position in self.rules.order:
            step = self.rules.sequence.steps[position]
            card = DragCard(f"step_{position + 1}", self._card_rect(0), self._face(step, rect.size, position),
                            text_of(self.ui, step.text), payload=position)
            self.cards[position] = card
        self._place(animate=False)

    def _face(self, step, size: tuple[int, int], position: int) -> pygame.Surface:
        # Rendered once per language, text size and check: a rebuild after every drop must stay
        # cheap. Only the current set is kept (a card face is over half a megabyte, and the
        # check or a toggle makes the others unlikely to be seen again soon).
        tags = self._tags(position)
        grip = self.result is None
        setting = (self.ui.lang, self.ui.large, grip)
        if self._faces_for != setting:
            self._faces.clear()
            self._faces_for = setting
        key = (id(step), size, tags)
        face = self._faces.get(key)
        if face is None:
            face = self._faces[key] = self._render_face(step, size, tags, grip)
        return face

    def card_layout(self, step, size: tuple[int, int], tags: tuple[str, ...] = (),
                    grip: bool = True) -> tuple[CardLayout, pygame.Surface | None]:
        """Where a card's words go (games/sequence/layout.py), and the step's picture."""
        side = size[1] - 30
        picture = self.art.fitted(step.image, side, side)
        layout = layout_card(self.ui.text, size, text_of(self.ui, step.text), large=self.ui.large, kids=self.kids,
                             picture_width=picture.get_width() if picture is not None else 0, tags=tags, grip=grip)
        return layout, picture

    def _render_face(self, step, size: tuple[int, int], tags: tuple[str, ...], grip: bool) -> pygame.Surface:
        """A card: the step's picture and words, the grip while it can move, and after the check
        "should be step N" in a column of its own when it is misplaced."""
        ui = self.ui
        layout, picture = self.card_layout(step, size, tags, grip)
        surface = card_body(size)
        if grip:
            draw_grip(surface)
        if picture is not None:
            x = layout.blocks[0][1].x - picture.get_width() - PICTURE_GAP
            surface.blit(picture, (x, (size[1] - picture.get_height()) // 2))
        for words, box in layout.blocks:
            block = ui.text.fit(words, layout.text_size, theme.INK, box.width, box.height, layout.text_size, bold=True)
            surface.blit(block, box.topleft)
        if layout.tag is not None:
            tag_box = layout.tag_box
            pygame.draw.rect(surface, theme.CARD, tag_box, border_radius=12)
            pygame.draw.rect(surface, theme.BAD_RED, tag_box, TAG_BORDER, border_radius=12)
            label = ui.text.fit(layout.tag, layout.tag_size, theme.BAD_RED, layout.tag_width,
                                tag_box.height - 2 * TAG_PAD_Y, layout.tag_size, bold=True, align="center")
            surface.blit(label, (tag_box.centerx - label.get_width() // 2, tag_box.y + TAG_PAD_Y))
        return finish_card(surface)

    def _tags(self, position: int) -> tuple[str, ...]:
        """The tag "should be step N" (on one line, and on two) of a card the check found
        misplaced; nothing before the check or for a card in its place."""
        result = self.result
        if result is None or result.order.index(position) not in result.misplaced:
            return ()
        return (self.tr("seq.should_be", n=position + 1), self.tr("seq.should_be_stacked", n=position + 1))

    def _place(self, animate: bool = True) -> None:
        """Every card to the slot of its current position; ids follow positions (``card_1``...)."""
        order = self.rules.order
        self.drag.cards = [self.cards[position] for position in order]
        for index, position in enumerate(order):
            card = self.cards[position]
            card.id = f"card_{index + 1}"
            if card is not self.drag.held:
                card.set_home(self._card_rect(index), animate=animate)

    def build(self) -> None:
        """Slots, cards, and the check (or finish) button."""
        ui = self.ui
        self.add_quit()
        self.slots = [Slot(i, rect) for i, rect in enumerate(self.slot_rects)]
        for slot in self.slots:
            self.add(slot)
        for position, card in self.cards.items():
            step = self.rules.sequence.steps[position]
            card.surface = self._face(step, card.home.size, position)
            card.label = text_of(ui, step.text)
            card.enabled = self.result is None
        for card in self.drag.cards:
            self.add(card)
        button = Rect(_PANEL.x, _PANEL.bottom - 130, _PANEL.width, 130)
        if self.result is None:
            self.add(Button("check", button, self.tr("seq.check"), self._check, icon="check", icon_size=80,
                            text_size=ui.types.heading))
            return
        self.add(Button("finish", button, self.tr("game.finish"), self.finish, text_size=ui.types.heading))
        verdict, lines, body = self._verdict_words()
        card = self._verdict_rect()
        inline = self.fit_feedback(card.width, verdict, lines, body, icon_side=90, max_height=card.height)
        self._why_inline = inline.fits
        if inline.fits:
            self._verdict_fit, self._verdict_card = inline, card
            return
        # The explanation does not fit beside the list: the card keeps the verdict, a button
        # above "see my score" shows the explanation over the list (and back).
        why = Rect(_PANEL.x, button.y - 20 - 110, _PANEL.width, 110)
        self._verdict_card = Rect(card.x, card.y, card.width, why.y - 20 - card.y)
        self._verdict_fit = self.fit_feedback(card.width, verdict, lines, None, icon_side=90,
                                              max_height=self._verdict_card.height)
        self.add(Button("why", why, self.tr("seq.my_order" if self.show_why else "seq.why"), self._toggle_why,
                        style="secondary", text_size=ui.types.heading))

    def _verdict_rect(self) -> Rect:
        return Rect(_PANEL.x, _PANEL.y, _PANEL.width, _PANEL.height - 160)

    def _verdict_words(self) -> tuple[str, list[str], str]:
        result = self.result
        verdict = self.tr("seq.all_right") if result.correct else self.tr("game.wrong")
        lines = [] if result.correct else [self.tr("seq.nearly", moves=len(result.misplaced))]
        lines.append(self.tr("game.score", score=self.rules.score))
        return verdict, lines, text_of(self.ui, self.rules.sequence.explanation)

    def _toggle_why(self) -> None:
        self.show_why = not self.show_why
        self.rebuild()

    # -- input -----------------------------------------------------------------------------
    def process_action(self, action) -> bool:
        """Drags first; everything else as usual."""
        if isinstance(action, Press) and self.result is None and self.drag.press(action.pos) is not None:
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
                self._drop(drop.card, drop.target)
            return True
        return super().process_action(action)

    def _show_hover(self) -> None:
        for slot in getattr(self, "slots", []):
            slot.hover = self.drag.hover == slot.id

    def _drop(self, card: DragCard, target: str | None) -> None:
        if self.rules.finished:
            return
        from_index = self.rules.order.index(card.payload)
        to_index = int(target.split("_")[1]) - 1 if target is not None else None
        moved = self.rules.move(from_index, to_index)
        if not moved:
            card.set_home(self._card_rect(from_index))  # nowhere (or its own place): fly back
            if target is None:
                self.app.log.emit("drag_returned", game=self.name, card=card.payload)
        self._place()
        self.rebuild()

    def _check(self) -> None:
        if self.rules.finished:
            return
        self.drag.cancel()
        self.result = self.rules.submit(self.t())
        self.write(self.result.records)
        self.feedback_sound(self.result.correct)
        self.rebuild()

    def on_command(self, name: str) -> bool:
        """Enter checks, then shows the score."""
        if name == "activate" and self._focused_widget() is None:
            if self.result is None:
                self._check()
            else:
                self.finish()
            return True
        return super().on_command(name)

    # -- drawing ---------------------------------------------------------------------------
    def draw_state(self) -> tuple:
        """What the picture depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self, id(self.result), tuple(self.rules.order), self.drag.hover)

    def _still_key(self) -> tuple:
        from screen.redraw import scene_state

        # The slots' hover look is left out: CardLayer draws a lit slot over the base.
        return scene_state(self, id(self.result), skip=[*self.drag.cards, *self.slots])

    def draw(self, surface: pygame.Surface) -> None:
        """The still picture once per change, then only the moving cards' rectangles each frame."""
        # The ✓/✗ marks lie over the cards: drawn after them, as an overlay.
        overlay = None
        if self.result is not None:
            overlay = self._draw_why if (self.show_why and not self._why_inline) else self._draw_marks
        self.layer.draw(surface, self.drag, self.ui, super().draw, self._still_key(), overlay=overlay,
                        targets=self.slots, exclusive=self.app.is_top(self))

    def _draw_why(self, surface: pygame.Surface) -> None:
        """The explanation over the list (cards and marks under it), whole at the largest size."""
        ui = self.ui
        pygame.draw.rect(surface, theme.PAPER, LIST.inflate(20, 30))  # the cards' corners and shadows
        panel(surface, LIST)
        inner = LIST.inflate(-60, -60)
        title = self.tr("seq.why_title")
        body = text_of(ui, self.rules.sequence.explanation)

        def height(sizes: tuple[int, ...]) -> int:
            return (ui.text.height_of(title, sizes[0], inner.width, True) + 20
                    + ui.text.height_of(body, sizes[1], inner.width))

        normal, large = theme.NORMAL_TYPE, theme.LARGE_TYPE
        (title_size, body_size), _ = fit_text_sizes(ui.large, (normal.heading, normal.body),
                                                    (large.heading, large.body), lambda s: height(s) <= inner.height)
        heading = ui.text.fit(title, title_size, theme.INK, inner.width, inner.height, title_size, bold=True)
        surface.blit(heading, inner.topleft)
        y = inner.y + heading.get_height() + 20
        words = ui.text.fit(body, body_size, theme.INK, inner.width, inner.bottom - y, body_size)
        surface.blit(words, (inner.x, y))

    def _draw_marks(self, surface: pygame.Surface) -> None:
        """✓ or ✗ in the number gutter (a misplaced card's face carries "should be step k")."""
        for index in range(len(self.result.order)):
            slot = self.slot_rects[index]
            wrong = index in self.result.misplaced
            side = min(80, slot.height - 10)
            gutter = Rect(slot.x, slot.y, GUTTER, slot.height)
            pygame.draw.rect(surface, theme.PAPER, gutter)
            surface.blit(pictogram("cross" if wrong else "check", side), (gutter.centerx - side // 2 - 8, gutter.centery - side // 2))

    def draw_content(self, surface: pygame.Surface) -> None:
        """Title, instruction or verdict with the right order and the explanation."""
        ui = self.ui
        rules = self.rules
        # The title is the question (often two lines); the instruction is in the panel and the
        # score in the verdict card, so the header holds the title alone.
        self.draw_header(surface, text_of(ui, rules.sequence.title))
        if self.result is None:
            box = Rect(_PANEL.x, _PANEL.y, _PANEL.width, _PANEL.height - 160)
            panel(surface, box)
            inner = box.inflate(-50, -50)
            surface.blit(pictogram("star", 90), inner.topleft)
            words = ui.text.fit(self.tr("seq.instruction"), ui.types.heading, theme.INK, inner.width,
                                inner.height - 110, ui.types.body, bold=True)
            surface.blit(words, (inner.x, inner.y + 110))
            return
        verdict, lines, body = self._verdict_words()
        self.draw_feedback(surface, self._verdict_card, self.result.correct, verdict, lines,
                           body if self._why_inline else None, icon_side=90, fit=self._verdict_fit)
