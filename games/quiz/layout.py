"""Where the quiz puts its words: the question, the answers and the feedback, measured so that
nothing is ever cut.

An answer nobody can read is a wrong question, not a style problem, so the layout gives words
room before it makes them smaller: answers wrap onto as many lines as they need, their
buttons grow into the height the screen has (the question box gives up its spare height,
then the two columns become one, then the gaps tighten), and only then does the text step
down — to 36 px at the least in normal text. Large text never goes below the size the same
words get in normal text on the same question, so switching to large text never makes
anything smaller (and whatever fits in normal text fits in large text). The feedback does the
same for the recap, the right answer and the explanation.

Everything here measures with the real font (:meth:`screen.text.TextRenderer.fit_size`) and
renders nothing: the quiz scene lays out once per question, language or text-size change
(never per frame), and a test lays out every question in ``content/`` in both languages and
both text sizes in a few seconds. ``fits`` is False only when even the smallest sizes do not
fit; the scene then still draws (cut with an ellipsis, never outside a box).
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from games.quiz.rules import Choice, QuizItem
from screen.fitting import shrink_levels
from screen.scene import MARGIN
from screen.text import TextRenderer
from screen.theme import DESIGN_SIZE, LARGE_TYPE, MIN_TARGET, MIN_TEXT, NORMAL_TYPE, TypeScale
from screen.ui import Ui
from screen.widgets import Button

Rect = pygame.Rect
LETTERS = "ABCDEF"

#: The question box's top edge (under the title, progress bar and stop button).
TOP = 270
#: The lowest edge anything is drawn to.
BOTTOM = 1050
_WIDTH = DESIGN_SIZE[0] - 2 * MARGIN
#: The question box's usual height: short questions keep the familiar look.
PROMPT_BOX = 250
#: The kids' listen button (a square at the question box's top left: speaker above "再听").
LISTEN_SIDE = 190
LISTEN_AT = (30, 40)
#: Text to the question box's left and right edges; right of the kids' listen button.
_PROMPT_SIDE = 50
_PROMPT_SIDE_AUDIO = LISTEN_AT[0] + LISTEN_SIDE + 20
#: The question box's least height (with the listen button: the button and its margins).
_PROMPT_MIN = 130
_PROMPT_MIN_AUDIO = LISTEN_SIDE + 2 * LISTEN_AT[1]
#: The multiple-choice "confirm" button's width (it sits at the bottom right, the hint left of it).
_CONFIRM_WIDTH = 460
_HINT_WIDTH = 1200


@dataclass(frozen=True)
class _Spacing:
    """Gaps of the question screen; the tight set is tried before any text gets smaller."""

    #: Between the question box and the answers, and between answer buttons.
    gap: int
    #: Text to the question box's edges (top and bottom together; the topic stripe sits in it).
    prompt_pad: int
    confirm_height: int
    #: Inside an answer button, from its top and bottom edges to the words.
    button_pad: int


_ROOMY = _Spacing(gap=30, prompt_pad=40, confirm_height=130, button_pad=24)
_TIGHT = _Spacing(gap=18, prompt_pad=28, confirm_height=110, button_pad=14)

#: The feedback card's inside margin left and right; the "next" button's width (top right).
_FEEDBACK_INSET_X = 40
_NEXT_WIDTH = 440


@dataclass(frozen=True)
class _FeedbackSpacing:
    """Gaps of the feedback screen; the tight set is tried before any text gets smaller."""

    #: Recap box to card, card edge (top and bottom) to its contents, between text blocks.
    gap: int
    inset: int
    block_gap: int
    prompt_pad: int
    #: The verdict row: the ✓/✗ icon's side, the next button's height.
    verdict: int


_FEEDBACK_ROOMY = _FeedbackSpacing(gap=25, inset=30, block_gap=16, prompt_pad=40, verdict=130)
_FEEDBACK_TIGHT = _FeedbackSpacing(gap=16, inset=22, block_gap=10, prompt_pad=28, verdict=100)
#: Kids see the right answer's picture left of the words.
KIDS_PICTURE = 180
_KIDS_PICTURE_ROOM = KIDS_PICTURE + 40


@dataclass(frozen=True)
class QuestionSpec:
    """What the question screen shows, as words: everything the layout depends on."""

    prompt: str
    labels: tuple[str, ...]
    #: Which answers carry a picture (true/false icons, an option's image, kids' markers).
    pictures: tuple[bool, ...]
    multiple: bool
    kids: bool
    truefalse: bool
    audio: bool
    right_answer: str
    explanation: str


@dataclass(frozen=True)
class QuestionLayout:
    """The question screen: the question box and its text size, the answer buttons and theirs."""

    prompt_box: Rect
    prompt_text: Rect
    prompt_size: int
    options: tuple[Rect, ...]
    option_size: int
    #: Side of the answers' pictures (0 when none has one).
    picture_side: int
    #: From an answer button's top and bottom edges to its words.
    button_pad: int
    columns: int
    #: Multiple choice: the confirm button and the hint's box left of it (else None).
    confirm: Rect | None
    hint: Rect | None
    fits: bool


@dataclass(frozen=True)
class FeedbackLayout:
    """The feedback screen: the recap box, the feedback card, the next button and text sizes."""

    prompt_box: Rect
    prompt_text: Rect
    prompt_size: int
    card: Rect
    #: The ✓/✗ icon's side and where it goes (the verdict word beside it, the next button right).
    verdict_icon: int
    verdict_at: tuple[int, int]
    next_button: Rect
    #: Where the right answer and the explanation go (left of them: the kids' picture).
    text_x: int
    text_width: int
    answer_y: int
    answer_size: int
    explanation_y: int
    explanation_size: int
    fits: bool


def choice_label(ui: Ui, item: QuizItem, index: int, kids: bool) -> str:
    """An answer as its button reads: "A. …" (kids: no letter; true/false: 对 / 错)."""
    choice = item.choices[index]
    if item.question.type == "truefalse":
        return ui.tr("quiz.true" if choice.key == "true" else "quiz.false")
    text = ui.pick(choice.zh, choice.en)
    return text if kids else f"{LETTERS[index]}. {text}"


def has_picture(item: QuizItem, choice: Choice, kids: bool) -> bool:
    """Whether an answer's button shows a picture beside its words."""
    return item.question.type == "truefalse" or bool(choice.image) or kids


def question_spec(ui: Ui, item: QuizItem, *, kids: bool, audio: bool) -> QuestionSpec:
    """The words of ``item`` in the current language, as the quiz scene shows them."""
    question = item.question
    labels = tuple(choice_label(ui, item, i, kids) for i in range(len(item.choices)))
    joiner = "; " if ui.lang == "en" else "、"
    answer = joiner.join(labels[i] for i in item.correct_indexes)
    return QuestionSpec(
        prompt=ui.pick(question.prompt.zh, question.prompt.en),
        labels=labels,
        pictures=tuple(has_picture(item, c, kids) for c in item.choices),
        multiple=item.multiple,
        kids=kids,
        truefalse=question.type == "truefalse",
        audio=audio,
        right_answer=ui.tr("quiz.right_answer", answer=answer),
        explanation=ui.pick(question.explanation.zh, question.explanation.en),
    )


def _prompt_text_rect(box: Rect, audio: bool, pad: int) -> Rect:
    left = box.x + (_PROMPT_SIDE_AUDIO if audio else _PROMPT_SIDE)
    return Rect(left, box.y + pad // 2, box.right - _PROMPT_SIDE - left, box.height - pad)


def _prompt_width(audio: bool) -> int:
    return _prompt_text_rect(Rect(MARGIN, TOP, _WIDTH, PROMPT_BOX), audio, 0).width


def _bottom_row(spacing: _Spacing, multiple: bool) -> tuple[int, Rect | None, Rect | None]:
    """Where the answers must end, and the confirm button and hint of a multiple choice."""
    if not multiple:
        return BOTTOM, None, None
    confirm = Rect(DESIGN_SIZE[0] - MARGIN - _CONFIRM_WIDTH, BOTTOM - spacing.confirm_height, _CONFIRM_WIDTH,
                   spacing.confirm_height)
    hint = Rect(MARGIN, confirm.y, _HINT_WIDTH, confirm.height)
    return confirm.y - spacing.gap, confirm, hint


# -- the question ----------------------------------------------------------------------------
def layout_question(ui: Ui, spec: QuestionSpec) -> QuestionLayout:
    """Place the question and its answers so that every word shows (see the module docstring)."""
    normal = _question(ui.text, spec, NORMAL_TYPE, (MIN_TEXT, MIN_TEXT))
    if not ui.large:
        return normal
    return _question(ui.text, spec, LARGE_TYPE, (normal.prompt_size, normal.option_size))


def _question(text: TextRenderer, spec: QuestionSpec, types: TypeScale, floors: tuple[int, int]) -> QuestionLayout:
    """The question screen at ``types``, the question and answer text shrinking to ``floors``.

    Preference, largest text first: the usual question box with two columns, a question box
    only as tall as the question with two columns, then the same with one column, each with
    the usual gaps and then tighter ones; then the question and the answers one step smaller
    together.
    """
    prompt_start = types.title if spec.kids else types.heading
    option_start = types.title if (spec.kids or spec.truefalse) else types.button
    prompt_width = _prompt_width(spec.audio)
    count = len(spec.labels)
    column_choices = (2, 1) if count > 1 else (1,)
    preferred = 300 if (spec.kids or count <= 2) else 230
    picture_cap = 200 if spec.kids else 120
    prompt_min = _PROMPT_MIN_AUDIO if spec.audio else _PROMPT_MIN
    usual = max(PROMPT_BOX, prompt_min)
    snug = prompt_min
    prompt_size = option_size = 0
    for prompt_size, option_size in shrink_levels((prompt_start, option_start), floors):
        prompt_h = text.height_of(spec.prompt, prompt_size, prompt_width, True)
        for spacing in (_ROOMY, _TIGHT):
            bottom, confirm, hint = _bottom_row(spacing, spec.multiple)
            boxes = [usual] if prompt_h <= usual - spacing.prompt_pad else []
            snug = max(prompt_min, prompt_h + spacing.prompt_pad)
            if snug not in boxes:
                boxes.append(snug)
            for columns in column_choices:
                for box_h in boxes:
                    top = TOP + box_h + spacing.gap
                    grid = _grid(text, spec, option_size, columns, top, bottom, preferred, picture_cap, spacing)
                    if grid is not None:
                        rects, side = grid
                        box = Rect(MARGIN, TOP, _WIDTH, box_h)
                        return QuestionLayout(box, _prompt_text_rect(box, spec.audio, spacing.prompt_pad), prompt_size,
                                              rects, option_size, side, spacing.button_pad, columns, confirm, hint,
                                              True)
    # Nothing fits even at the floors: one column sharing the height evenly; the buttons cut.
    bottom, confirm, hint = _bottom_row(_TIGHT, spec.multiple)
    box = Rect(MARGIN, TOP, _WIDTH, min(snug, usual))
    top = box.bottom + _TIGHT.gap
    height = max(MIN_TARGET, (bottom - top - _TIGHT.gap * (count - 1)) // max(1, count))
    rects = tuple(Rect(MARGIN, top + i * (height + _TIGHT.gap), _WIDTH, height) for i in range(count))
    side = max(60, min(height - 40, picture_cap)) if any(spec.pictures) else 0
    return QuestionLayout(box, _prompt_text_rect(box, spec.audio, _TIGHT.prompt_pad), prompt_size, rects, option_size,
                          side, _TIGHT.button_pad, 1, confirm, hint, False)


def _grid(text: TextRenderer, spec: QuestionSpec, size: int, columns: int, top: int, bottom: int, preferred: int,
          picture_cap: int, spacing: _Spacing) -> tuple[tuple[Rect, ...], int] | None:
    """Answer buttons in ``columns`` between ``top`` and ``bottom`` with every label whole at
    ``size``, as tall as their words need (at least ``preferred`` when there is room); None
    when they do not fit."""
    count = len(spec.labels)
    gap = spacing.gap
    rows = (count + columns - 1) // columns
    width = (_WIDTH - gap * (columns - 1)) // columns
    area = bottom - top - gap * (rows - 1)
    even = area // rows
    if even < MIN_TARGET:
        return None
    base = min(preferred, even)
    side = max(60, min(base - 40, picture_cap)) if any(spec.pictures) else 0
    needs = []
    for label, picture in zip(spec.labels, spec.pictures, strict=True):
        box = Button.text_area(Rect(0, 0, width, base), padding_y=spacing.button_pad,
                               picture_width=side if picture else 0, reserve_mark=spec.multiple)
        if box.width <= 0:
            return None
        text_h = text.height_of(label, size, box.width, True)
        needs.append(max(text_h + 2 * spacing.button_pad, side + 40 if picture else 0, MIN_TARGET))
    row_needs = [max(needs[r * columns:(r + 1) * columns]) for r in range(rows)]
    if max(row_needs) <= even:
        heights = [max(base, max(row_needs))] * rows
    elif sum(row_needs) <= area:
        # Rows of different heights: each as tall as its own words, the spare height shared.
        spare = (area - sum(row_needs)) // rows
        heights = [need + spare for need in row_needs]
    else:
        return None
    rects = []
    y = top
    for row, height in enumerate(heights):
        for col in range(columns):
            if row * columns + col < count:
                rects.append(Rect(MARGIN + col * (width + gap), y, width, height))
        y += height + gap
    return tuple(rects), side


# -- the feedback ----------------------------------------------------------------------------
def layout_feedback(ui: Ui, spec: QuestionSpec) -> FeedbackLayout:
    """Recap of the question, then the feedback card: verdict row, right answer, explanation."""
    normal = _feedback(ui.text, spec, NORMAL_TYPE, (MIN_TEXT, MIN_TEXT, MIN_TEXT))
    if not ui.large:
        return normal
    return _feedback(ui.text, spec, LARGE_TYPE, (normal.prompt_size, normal.answer_size, normal.explanation_size))


def _feedback(text: TextRenderer, spec: QuestionSpec, types: TypeScale, floors: tuple[int, int, int]) -> FeedbackLayout:
    """The feedback screen at ``types``: the recap box as tall as the question, the card below
    taking the rest; the recap, right answer and explanation step down together to ``floors``."""
    explanation_start = types.heading if spec.kids else types.body
    prompt_width = _prompt_width(False)
    picture_room = _KIDS_PICTURE_ROOM if (spec.kids and not spec.truefalse) else 0
    text_width = _WIDTH - 2 * _FEEDBACK_INSET_X - picture_room
    layout = None
    for prompt_size, answer_size, explanation_size in shrink_levels((types.body, types.body, explanation_start),
                                                                    floors):
        prompt_h = text.height_of(spec.prompt, prompt_size, prompt_width, True)
        answer_h = text.height_of(spec.right_answer, answer_size, text_width, True)
        explanation_h = text.height_of(spec.explanation, explanation_size, text_width)
        for spacing in (_FEEDBACK_ROOMY, _FEEDBACK_TIGHT):
            box = Rect(MARGIN, TOP, _WIDTH, max(_PROMPT_MIN, prompt_h + spacing.prompt_pad))
            card = Rect(MARGIN, box.bottom + spacing.gap, _WIDTH, BOTTOM - box.bottom - spacing.gap)
            top = card.y + spacing.inset
            answer_y = top + spacing.verdict + spacing.block_gap
            explanation_y = answer_y + answer_h + spacing.block_gap
            room = card.bottom - spacing.inset
            fits = explanation_y + explanation_h <= room and (not picture_room or answer_y + KIDS_PICTURE + 10 <= room)
            layout = FeedbackLayout(
                box, _prompt_text_rect(box, False, spacing.prompt_pad), prompt_size, card,
                spacing.verdict, (card.x + _FEEDBACK_INSET_X, top),
                Rect(card.right - _FEEDBACK_INSET_X - _NEXT_WIDTH, top, _NEXT_WIDTH, spacing.verdict),
                card.x + _FEEDBACK_INSET_X + picture_room, text_width, answer_y, answer_size, explanation_y,
                explanation_size, fits,
            )
            if fits:
                return layout
    return layout
