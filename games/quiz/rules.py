"""Quiz rules: pure, pygame-free, deterministic for a seeded ``rng``.

A round is a list of questions. Each question's options are shuffled once when the round is
made (true/false questions always show "true" then "false", so the two big buttons never swap
places under a finger). The player answers with the indexes of the choices as shown; the round
records which content option ids were chosen, so statistics speak about the content, not about
screen positions. One point per fully correct answer: for a multiple-choice question that means
exactly the set of correct options.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from games.base import GameRules, StepRecord
from safezone.content.schema import Question


class QuizError(ValueError):
    """An answer the current state does not allow (already answered, no such choice...)."""


@dataclass(frozen=True)
class Choice:
    """One answer as displayed: its stable key, texts, optional picture, and whether it is right."""

    key: str
    zh: str
    en: str | None
    image: str | None
    correct: bool


@dataclass(frozen=True)
class QuizItem:
    """A question with its choices in display order."""

    question: Question
    choices: tuple[Choice, ...]

    @property
    def multiple(self) -> bool:
        """Several choices may be right: the player toggles and confirms."""
        return self.question.type == "multiple"

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        """Display indexes of the right choices."""
        return tuple(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class AnswerResult:
    """The verdict on one answer, with everything the feedback screen and the record need."""

    item: QuizItem
    chosen_indexes: tuple[int, ...]
    correct: bool
    timed_out: bool
    response_ms: int | None

    @property
    def record(self) -> StepRecord:
        """What the kiosk writes for this answer."""
        return StepRecord(
            item_id=self.item.question.id,
            topic=self.item.question.topic,
            correct=self.correct,
            chosen=[self.item.choices[i].key for i in self.chosen_indexes],
            response_ms=self.response_ms,
        )


def _choices(question: Question, rng: random.Random) -> tuple[Choice, ...]:
    if question.type == "truefalse":
        return (
            Choice("true", "对", "True", None, question.answer is True),
            Choice("false", "错", "False", None, question.answer is False),
        )
    choices = [
        Choice(option.id or f"option-{index + 1}", option.text.zh, option.text.en, option.image, option.correct)
        for index, option in enumerate(question.options)
    ]
    rng.shuffle(choices)
    return tuple(choices)


class QuizRules(GameRules):
    """One quiz round: questions, the current position, and the answers given so far."""

    def __init__(
        self, questions: Sequence[Question], rng: random.Random, timer_seconds: float | None = None
    ) -> None:
        if not questions:
            raise QuizError("a quiz round needs at least one question")
        if timer_seconds is not None and timer_seconds <= 0:
            raise QuizError(f"timer must be positive seconds or None, got {timer_seconds}")
        self.items: tuple[QuizItem, ...] = tuple(QuizItem(q, _choices(q, rng)) for q in questions)
        self.timer_seconds = timer_seconds
        self.index = 0
        self.results: list[AnswerResult] = []

    @property
    def current(self) -> QuizItem:
        """The question on screen (the last one once finished)."""
        return self.items[min(self.index, len(self.items) - 1)]

    @property
    def answered(self) -> bool:
        """True while the current question's feedback is showing."""
        return len(self.results) > self.index

    @property
    def finished(self) -> bool:
        """Every question answered and the last feedback dismissed."""
        return self.index >= len(self.items)

    @property
    def score(self) -> int:
        """Correct answers so far."""
        return sum(r.correct for r in self.results)

    @property
    def max_score(self) -> int:
        """One point per question."""
        return len(self.items)

    @property
    def last_result(self) -> AnswerResult | None:
        """The most recent verdict."""
        return self.results[-1] if self.results else None

    def answer(self, indexes: Collection[int], response_ms: int | None = None) -> AnswerResult:
        """Answer the current question with display ``indexes``.

        Raises :class:`QuizError` when the round is over, the question is already answered,
        nothing is chosen, an index does not exist, or a single-answer question gets several.
        """
        self._require_open()
        chosen = tuple(sorted(set(indexes)))
        item = self.current
        if not chosen:
            raise QuizError("choose at least one answer")
        if any(not 0 <= i < len(item.choices) for i in chosen):
            raise QuizError(f"no such choice among {len(item.choices)}: {list(chosen)}")
        if not item.multiple and len(chosen) != 1:
            raise QuizError("this question takes exactly one answer")
        correct = chosen == item.correct_indexes
        return self._store(AnswerResult(item, chosen, correct, False, _ms(response_ms)))

    def time_up(self, response_ms: int | None = None) -> AnswerResult:
        """The timer ran out: the question counts as not answered correctly."""
        self._require_open()
        return self._store(AnswerResult(self.current, (), False, True, _ms(response_ms)))

    def advance(self) -> bool:
        """Leave the feedback of the current question; False when the round is over."""
        if self.finished:
            raise QuizError("the round is already over")
        if not self.answered:
            raise QuizError("answer the question before moving on")
        self.index += 1
        return not self.finished

    def _require_open(self) -> None:
        if self.finished:
            raise QuizError("the round is already over")
        if self.answered:
            raise QuizError("this question is already answered")

    def _store(self, result: AnswerResult) -> AnswerResult:
        self.results.append(result)
        return result


def _ms(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QuizError(f"response time must be whole milliseconds >= 0, got {value!r}")
    return value
