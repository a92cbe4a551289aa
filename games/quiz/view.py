"""The quiz on screen: question, shuffled answers, feedback with icon + words + sound.

Each answer is written through the backend the moment its feedback appears, so what the
player saw as done is on disk. Adults with a card may get a relaxed timer; elders, kids,
guests and large-text users never do. Kids see pictures (the option's image, or a big shape)
and hear the spoken prompt when the content ships one.

Where everything goes is measured in :mod:`games.quiz.layout` once per question, answer,
language or text-size change (in :meth:`QuizScene.build`), so that no question, answer or
explanation is ever cut, and drawing a frame measures nothing.
"""

from __future__ import annotations

import pygame

from games.host import GameHost, PlayHandle
from games.quiz.layout import (
    KIDS_PICTURE,
    LISTEN_AT,
    LISTEN_SIDE,
    FeedbackLayout,
    QuestionLayout,
    QuestionSpec,
    choice_label,
    layout_feedback,
    layout_question,
    question_spec,
)
from games.quiz.rules import AnswerResult, Choice, QuizRules
from screen import theme
from screen.input import Command
from screen.pictograms import KID_MARKERS, pictogram
from screen.scene import MARGIN, Scene, card
from screen.widgets import Button, Countdown, ProgressBar

Rect = pygame.Rect


class QuizScene(Scene):
    """One quiz round from first question to the last feedback."""

    name = "quiz"

    app: GameHost

    def __init__(self, app: GameHost, *, rules: QuizRules, play: PlayHandle) -> None:
        super().__init__(app)
        self.rules = rules
        self.play = play
        self.selected: set[int] = set()
        self.timer: Countdown | None = None
        self._shown_at = app.clock.monotonic()
        self._announced = -1
        #: Where things go on the current screen (made in build(); derived from the rules'
        #: position, the language and the text size, which the redraw state already holds).
        self._spec: QuestionSpec | None = None
        self._question_layout: QuestionLayout | None = None
        self._feedback_layout: FeedbackLayout | None = None

    @property
    def kids(self) -> bool:
        """Kids' mode: pictures, sound, bigger targets."""
        return self.app.kids_visit

    # -- layout ----------------------------------------------------------------------------
    def build(self) -> None:
        """Header, then either the answer buttons or the feedback's next button."""
        ui = self.ui
        rules = self.rules
        self.progress = ProgressBar("progress", Rect(MARGIN, 232, 1100, 22), rules.index / rules.max_score)
        self.add(self.progress)
        self.add(Button("quit", Rect(1920 - MARGIN - 300, 140, 300, 100), ui.tr("quiz.quit"), self._quit, style="secondary",
                        text_size=ui.types.body))
        if rules.timer_seconds is not None:
            remaining = self.timer.remaining if self.timer is not None else rules.timer_seconds
            self.timer = Countdown("timer", Rect(1920 - MARGIN - 300 - 150, 138, 110, 110), rules.timer_seconds)
            self.timer.remaining = remaining
            self.add(self.timer)
        spec = self._spec = question_spec(ui, rules.current, kids=self.kids, audio=self._has_audio())
        if rules.answered:
            self._question_layout = None
            self._feedback_layout = layout_feedback(ui, spec)
            self._build_feedback()
        else:
            self._feedback_layout = None
            self._question_layout = layout_question(ui, spec)
            if self._has_audio():
                box = self._question_layout.prompt_box
                self.add(Button("listen", Rect(box.x + LISTEN_AT[0], box.y + LISTEN_AT[1], LISTEN_SIDE, LISTEN_SIDE),
                                ui.tr("quiz.listen"), self._speak, icon="speaker", icon_size=70, align="icon_top",
                                text_size=ui.types.small, padding_y=16))
            self._build_choices()

    def _build_choices(self) -> None:
        ui = self.ui
        item = self.rules.current
        layout = self._question_layout
        for index, choice in enumerate(item.choices):
            rect = layout.options[index]
            button = Button(
                f"option_{index + 1}", rect, self._choice_label(index), lambda i=index: self._tap_choice(i),
                style="option", align="left", text_size=layout.option_size, min_text_size=layout.option_size,
                reserve_mark=item.multiple, padding_y=layout.button_pad,
                **self._choice_picture(index, choice, layout.picture_side),
            )
            button.selected = index in self.selected
            self.add(button)
        if item.multiple:
            self.confirm = Button("confirm", layout.confirm, ui.tr("quiz.confirm"), self._confirm,
                                  enabled=bool(self.selected))
            self.add(self.confirm)

    def _choice_label(self, index: int) -> str:
        return choice_label(self.ui, self.rules.current, index, self.kids)

    def _choice_picture(self, index: int, choice: Choice, side: int) -> dict:
        if self.rules.current.question.type == "truefalse":
            return {"icon": "check" if choice.key == "true" else "cross", "icon_size": side}
        if choice.image:
            image = self.ui.image(choice.image, side, side)
            if image is not None:
                return {"image": image}
        if self.kids:
            return {"icon": KID_MARKERS[index % len(KID_MARKERS)], "icon_size": side}
        return {}

    def _build_feedback(self) -> None:
        ui = self.ui
        finished_next = self.rules.index + 1 >= self.rules.max_score
        label = ui.tr("quiz.finish" if finished_next else "quiz.next")
        self.add(Button("next", self._feedback_layout.next_button, label, self._next,
                        text_size=ui.types.heading))

    def _prompt(self):
        # The question's own audio, else assets/sounds/prompts/<id>.<zh|en>.ogg (screen/sound.py).
        from screen.sound import prompt_path

        question = self.rules.current.question
        return prompt_path(self.app.assets_dir, question.id, question.audio, self.ui.lang)

    def _has_audio(self) -> bool:
        return self.kids and not self.rules.answered and self._prompt() is not None

    # -- lifecycle -------------------------------------------------------------------------
    def enter(self) -> None:
        """Lay out and announce the first question."""
        super().enter()
        self._announce()

    def exit(self) -> None:
        """Stop any prompt still playing."""
        self.ui.sounds.stop()

    def _announce(self) -> None:
        if self._announced == self.rules.index:
            return
        self._announced = self.rules.index
        self._shown_at = self.app.clock.monotonic()
        self.app.log.emit("question", n=self.rules.index + 1, id=self.rules.current.question.id)
        if self._has_audio():
            self._speak()

    def _speak(self) -> None:
        path = self._prompt()
        if path is not None:
            self.ui.sounds.play_file(path)

    # -- input -----------------------------------------------------------------------------
    def _tap_choice(self, index: int) -> None:
        if self.rules.answered or self.rules.finished:
            return
        if self.rules.current.multiple:
            self.selected ^= {index}
            self.rebuild()
            return
        self._submit({index})

    def _confirm(self) -> None:
        if self.selected and not self.rules.answered:
            self._submit(set(self.selected))

    def _elapsed_ms(self) -> int:
        return max(0, round((self.app.clock.monotonic() - self._shown_at) * 1000))

    def _submit(self, indexes: set[int]) -> None:
        result = self.rules.answer(indexes, response_ms=self._elapsed_ms())
        self._after_answer(result)

    def _after_answer(self, result: AnswerResult) -> None:
        record = result.record
        self.app.record_answer(self.play, question_id=record.item_id, topic=record.topic,
                               correct=record.correct, chosen=record.chosen, response_ms=record.response_ms)
        self.ui.sounds.play("correct" if result.correct else "wrong")
        self.selected = set()
        self.rebuild()

    def _next(self) -> None:
        if not self.rules.answered:
            return
        if self.rules.advance():
            self.rebuild()
            self._announce()
        else:
            self.app.finish_round(self.play, self.rules.score, self.rules.max_score)

    def _quit(self) -> None:
        self.app.log.emit("round_quit", answered=len(self.rules.results))
        self.app.leave_round()

    def on_command(self, name: str) -> bool:
        """Digits choose an answer; Enter confirms or moves on."""
        if name.startswith("choose_") and not self.rules.answered:
            index = int(name.split("_")[1]) - 1
            if 0 <= index < len(self.rules.current.choices):
                self._tap_choice(index)
                return True
        if name == "activate":
            if self.rules.answered:
                self._next()
                return True
            if self.rules.current.multiple:
                self._confirm()
                return True
        if name == "back":
            self._quit()
            return True
        return False

    def process_action(self, action) -> bool:
        """Keyboard Enter on the feedback moves on even without focus."""
        if isinstance(action, Command) and action.name == "activate" and self._focused_widget() is None:
            return self.on_command("activate")
        return super().process_action(action)

    # -- time ------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        """Run the timer only while a question waits for its answer."""
        if self.timer is not None and self.rules.answered:
            return
        super().update(dt)
        if self.timer is not None and self.timer.remaining <= 0 and not self.rules.answered:
            self.app.log.emit("timeout", n=self.rules.index + 1)
            self._after_answer(self.rules.time_up(response_ms=self._elapsed_ms()))
            self.timer.reset()

    # -- drawing ---------------------------------------------------------------------------
    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self, self.rules.index, self.rules.answered, len(self.rules.results),
                           frozenset(self.selected))

    def draw_content(self, surface: pygame.Surface) -> None:
        """Progress text, the prompt, and the feedback card after an answer."""
        ui = self.ui
        item = self.rules.current
        topic = ui.tr(f"topic.{item.question.topic}")
        progress = ui.tr("quiz.progress", n=self.rules.index + 1, total=self.rules.max_score)
        header = ui.text.render(f"{topic} · {progress}", ui.types.body, theme.INK, bold=True)
        surface.blit(header, (MARGIN, 220 - header.get_height()))
        if self.timer is not None and not self.rules.answered:
            left = ui.text.render(ui.tr("quiz.seconds_left", seconds=self.timer.seconds_left), ui.types.small, theme.INK_SOFT)
            surface.blit(left, (self.timer.rect.x - left.get_width() - 20, self.timer.rect.centery - left.get_height() // 2))
        layout = self._feedback_layout if self.rules.answered else self._question_layout
        card(surface, layout.prompt_box, accent=theme.TOPIC_COLOURS.get(item.question.topic))
        # Measured in build(): this size fits the box, so nothing is cut (fit() stays a safety net).
        text_box = layout.prompt_text
        prompt = ui.text.fit(ui.pick(item.question.prompt.zh, item.question.prompt.en), layout.prompt_size, theme.INK,
                             text_box.width, text_box.height, layout.prompt_size, bold=True)
        surface.blit(prompt, (text_box.x, text_box.y + (text_box.height - prompt.get_height()) // 2 + 4))
        if item.multiple and not self.rules.answered and layout.hint is not None:
            hint_box = layout.hint
            hint = ui.text.fit(ui.tr("quiz.choose_all"), ui.types.body, theme.INK_SOFT, hint_box.width, hint_box.height,
                               ui.floor("body"))
            surface.blit(hint, (hint_box.x, hint_box.centery - hint.get_height() // 2))
        if self.rules.answered and self.rules.last_result is not None:
            self._draw_feedback(surface, self.rules.last_result)

    def _draw_feedback(self, surface: pygame.Surface, result: AnswerResult) -> None:
        ui = self.ui
        layout = self._feedback_layout
        good = result.correct
        box = layout.card
        card(surface, box, fill=theme.OK_TINT if good else theme.BAD_TINT)
        pygame.draw.rect(surface, theme.OK_GREEN if good else theme.BAD_RED, box, 6, border_radius=32)
        icon_side = layout.verdict_icon
        x, y = layout.verdict_at
        surface.blit(pictogram("check" if good else "cross", icon_side), (x, y))
        verdict_key = "quiz.correct" if good else ("quiz.timeout" if result.timed_out else "quiz.wrong")
        x += icon_side + 36
        verdict = ui.text.fit(ui.tr(verdict_key), ui.types.title, theme.OK_GREEN if good else theme.BAD_RED,
                              layout.next_button.x - 30 - x, icon_side, ui.types.heading, bold=True)
        surface.blit(verdict, (x, y + (icon_side - verdict.get_height()) // 2))
        item = result.item
        if self.kids and item.question.type != "truefalse":
            correct = item.correct_indexes[0]
            picture = self._choice_picture(correct, item.choices[correct], KIDS_PICTURE)
            image = picture.get("image") or pictogram(picture.get("icon", "star"), KIDS_PICTURE)
            surface.blit(image, (box.x + 40, layout.answer_y + 10))
        spec = self._spec
        # Sizes measured in build() (games/quiz/layout.py): the words fit down to the card's edge.
        bottom = box.bottom - (layout.verdict_at[1] - box.y)
        right = ui.text.fit(spec.right_answer, layout.answer_size, theme.INK, layout.text_width,
                            layout.explanation_y - layout.answer_y, layout.answer_size, bold=True)
        surface.blit(right, (layout.text_x, layout.answer_y))
        explanation = ui.text.fit(spec.explanation, layout.explanation_size, theme.INK, layout.text_width,
                                  bottom - layout.explanation_y, layout.explanation_size)
        surface.blit(explanation, (layout.text_x, layout.explanation_y))
