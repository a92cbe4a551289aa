"""The quiz on screen: question, shuffled answers, feedback with icon + words + sound.

Each answer is written through the backend the moment its feedback appears, so what the
player saw as done is on disk. Adults with a card may get a relaxed timer; elders, kids,
guests and large-text users never do. Kids see pictures (the option's image, or a big shape)
and hear the spoken prompt when the content ships one.
"""

from __future__ import annotations

import pygame

from games.quiz.rules import AnswerResult, Choice, QuizRules
from kiosk import theme
from kiosk.backend import BackendError, PlayRef
from kiosk.input import Command
from kiosk.pictograms import KID_MARKERS, pictogram
from kiosk.scene import MARGIN, Scene, card
from kiosk.widgets import Button, Countdown, ProgressBar

Rect = pygame.Rect
LETTERS = "ABCDEF"
_PROMPT = Rect(MARGIN, 270, 1920 - 2 * MARGIN, 250)
_OPTIONS_TOP = 550
_BOTTOM = 1050
# After an answer the prompt shrinks so the explanation has room.
_PROMPT_SMALL = Rect(MARGIN, 270, 1920 - 2 * MARGIN, 180)
_FEEDBACK = Rect(MARGIN, 475, 1920 - 2 * MARGIN, 575)
_NEXT = Rect(_FEEDBACK.right - 40 - 440, _FEEDBACK.y + 30, 440, 130)


class QuizScene(Scene):
    """One quiz round from first question to the last feedback."""

    name = "quiz"

    def __init__(self, app, *, rules: QuizRules, play: PlayRef) -> None:
        super().__init__(app)
        self.rules = rules
        self.play = play
        self.selected: set[int] = set()
        self.timer: Countdown | None = None
        self._shown_at = app.clock.monotonic()
        self._announced = -1

    @property
    def kids(self) -> bool:
        """Kids' mode: pictures, sound, bigger targets."""
        return bool(self.app.visit and self.app.visit.kids)

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
        if self._has_audio():
            self.add(Button("listen", Rect(_PROMPT.x + 30, _PROMPT.y + 40, 170, 170), ui.tr("quiz.listen"), self._speak,
                            icon="speaker", icon_size=90, align="icon_top", text_size=ui.types.small))
        if rules.answered:
            self._build_feedback()
        else:
            self._build_choices()

    def _build_choices(self) -> None:
        ui = self.ui
        item = self.rules.current
        count = len(item.choices)
        multiple = item.multiple
        area_bottom = _BOTTOM - (150 if multiple else 0)
        cols = 2 if count > 1 else 1
        rows = (count + cols - 1) // cols
        gap = 30
        width = (1920 - 2 * MARGIN - gap * (cols - 1)) // cols
        height = min(300 if (self.kids or count <= 2) else 230, (area_bottom - _OPTIONS_TOP - gap * (rows - 1)) // rows)
        for index, choice in enumerate(item.choices):
            row, col = divmod(index, cols)
            rect = Rect(MARGIN + col * (width + gap), _OPTIONS_TOP + row * (height + gap), width, height)
            button = Button(
                f"option_{index + 1}", rect, self._choice_label(index, choice),
                lambda i=index: self._tap_choice(i), style="option", align="left",
                text_size=ui.types.title if (self.kids or item.question.type == "truefalse") else ui.types.button,
                **self._choice_picture(index, choice, height),
            )
            button.selected = index in self.selected
            self.add(button)
        if multiple:
            self.confirm = Button("confirm", Rect(1920 - MARGIN - 460, _BOTTOM - 130, 460, 130), ui.tr("quiz.confirm"),
                                  self._confirm, enabled=bool(self.selected))
            self.add(self.confirm)

    def _choice_label(self, index: int, choice: Choice) -> str:
        text = self.ui.pick(choice.zh, choice.en)
        if self.rules.current.question.type == "truefalse":
            return self.ui.tr("quiz.true" if choice.key == "true" else "quiz.false")
        return text if self.kids else f"{LETTERS[index]}. {text}"

    def _choice_picture(self, index: int, choice: Choice, height: int) -> dict:
        side = max(60, min(height - 40, 200 if self.kids else 120))
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
        self.add(Button("next", _NEXT, label, self._next,
                        text_size=ui.types.heading))

    def _prompt(self):
        # The question's own audio, else assets/sounds/prompts/<id>.<zh|en>.ogg (kiosk/sound.py).
        from kiosk.sound import prompt_path

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
        try:
            self.app.backend.record_answer(
                self.play, question_id=record.item_id, topic=record.topic, correct=record.correct,
                now=self.app.clock.now(), chosen=record.chosen, response_ms=record.response_ms,
            )
        except BackendError as exc:
            self.app.log.emit("error", kind="backend", message=str(exc))
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
        visit = self.app.visit
        if visit is not None and visit.player is not None:
            self.app.greet(visit.player)
        else:
            self.app.go_attract("quit")

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
        """What the drawing depends on (kiosk/redraw.py): unchanged means the last frame stays."""
        from kiosk.redraw import scene_state

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
        box = _PROMPT_SMALL if self.rules.answered else _PROMPT
        card(surface, box, accent=theme.TOPIC_COLOURS.get(item.question.topic))
        text_x = box.x + (240 if self._has_audio() else 50)
        width = box.right - 50 - text_x
        size = ui.types.title if self.kids else ui.types.heading
        if self.rules.answered:
            size = ui.types.body
        # The recap above the feedback may go down to the 36 px floor so it never gets cut.
        prompt = ui.text.fit(ui.pick(item.question.prompt.zh, item.question.prompt.en), size, theme.INK,
                             width, box.height - 40, theme.NORMAL_TYPE.small if self.rules.answered else ui.types.small,
                             bold=True)
        surface.blit(prompt, (text_x, box.y + (box.height - prompt.get_height()) // 2 + 4))
        if item.multiple and not self.rules.answered:
            hint = ui.text.fit(ui.tr("quiz.choose_all"), ui.types.body, theme.INK_SOFT, 1200, 130, ui.types.small)
            surface.blit(hint, (MARGIN, _BOTTOM - 65 - hint.get_height() // 2))
        if self.rules.answered and self.rules.last_result is not None:
            self._draw_feedback(surface, self.rules.last_result)

    def _draw_feedback(self, surface: pygame.Surface, result: AnswerResult) -> None:
        ui = self.ui
        good = result.correct
        card(surface, _FEEDBACK, fill=theme.OK_TINT if good else theme.BAD_TINT)
        pygame.draw.rect(surface, theme.OK_GREEN if good else theme.BAD_RED, _FEEDBACK, 6, border_radius=32)
        inner = _FEEDBACK.inflate(-80, -60)
        icon_side = 130
        surface.blit(pictogram("check" if good else "cross", icon_side), (inner.x, inner.y))
        verdict_key = "quiz.correct" if good else ("quiz.timeout" if result.timed_out else "quiz.wrong")
        verdict = ui.text.render(ui.tr(verdict_key), ui.types.title, theme.OK_GREEN if good else theme.BAD_RED, bold=True)
        x = inner.x + icon_side + 36
        surface.blit(verdict, (x, inner.y + (icon_side - verdict.get_height()) // 2))
        item = result.item
        joiner = "; " if ui.lang == "en" else "、"
        answer_text = joiner.join(self._choice_label(i, item.choices[i]) for i in item.correct_indexes)
        right_y = inner.y + icon_side + 16
        picture_w = 0
        if self.kids and item.question.type != "truefalse":
            correct = item.correct_indexes[0]
            picture = self._choice_picture(correct, item.choices[correct], 220)
            image = picture.get("image") or pictogram(picture.get("icon", "star"), 180)
            surface.blit(image, (inner.x, right_y + 10))
            picture_w = image.get_width() + 40
        right = ui.text.fit(ui.tr("quiz.right_answer", answer=answer_text), ui.types.body, theme.INK,
                            inner.width - picture_w, ui.lines(ui.types.body, 3 if item.multiple else 2, True),
                            theme.NORMAL_TYPE.small, bold=True)
        surface.blit(right, (inner.x + picture_w, right_y))
        right_y += right.get_height() + 16
        explanation = ui.text.fit(ui.pick(item.question.explanation.zh, item.question.explanation.en),
                                  ui.types.heading if self.kids else ui.types.body, theme.INK,
                                  inner.width - picture_w, inner.bottom - right_y,
                                  ui.types.small)
        surface.blit(explanation, (inner.x + picture_w, right_y))
