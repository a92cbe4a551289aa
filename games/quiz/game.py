"""Registering the quiz: how a round is drawn from content, and which scene shows it."""

from __future__ import annotations

import random
from typing import Any

from games.base import GameType, RoundSetup
from games.quiz.rules import QuizRules
from safezone.content.bundle import ContentBundle
from safezone.content.selection import select_questions


class QuizGame(GameType):
    """Multiple-choice and true/false questions from one topic's bank."""

    name = "quiz"
    content_kind = "questions"

    @classmethod
    def new_round(cls, bundle: ContentBundle, setup: RoundSetup, rng: random.Random) -> QuizRules | None:
        """Draw ``setup.count`` questions (unseen first) and shuffle each one's options."""
        questions = select_questions(
            bundle, setup.topic, setup.audience, setup.difficulty_max, setup.count, rng,
            exclude_ids=setup.exclude_ids, disabled_ids=setup.disabled_ids,
        )
        if not questions:
            return None
        return QuizRules(questions, rng, timer_seconds=setup.timer_seconds)

    @classmethod
    def view_class(cls) -> Any:
        """:class:`games.quiz.view.QuizScene`."""
        from games.quiz.view import QuizScene

        return QuizScene
