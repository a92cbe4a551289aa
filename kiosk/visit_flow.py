"""The visit, step by step: identify → greet → choose a topic (and a game) → play → results.

A visit is whoever stands at the kiosk now (a card holder, a guest, a child); it ends on the
attract loop. Every step that moves a visit on is a method here, and there is one way to start a
round — :meth:`VisitFlow.choose`: the greeting's "today's challenge" asks for the quiz, the topic
screen lets the games on offer decide. The app (kiosk/app.py) keeps the loop and the scene stack;
this module decides which scene comes next and what is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from games.base import RoundSetup
from kiosk.backend import BackendError, Player, PlayRef, exclude_for
from kiosk.visit import GUEST, KIDS, Visit, visit_for
from safezone.content.disabled import DisabledListError, read_disabled

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class VisitFlow:
    """The current visit and the steps that move it on; scenes call these (``app.flow``)."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        #: Who is at the kiosk now; None on the attract loop.
        self.visit: Visit | None = None

    # -- where a visit starts and ends ----------------------------------------------------------
    def go_attract(self, reason: str) -> None:
        """End any visit and show the attract loop; language and text size go back to default."""
        from kiosk.scenes.attract import AttractScene

        app = self.app
        had_visit = self.visit is not None
        self.visit = None
        if app.started:
            app.ui.sounds.stop()
            app.ui.lang = app.options.language
            app.ui.large = False
        if had_visit or reason not in ("start",):
            app.log.emit("session_end", reason=reason)
        app.replace(AttractScene(app))

    def show_identify(self, reason: str | None = None) -> None:
        """The scan-your-card screen, optionally explaining why the last scan failed."""
        from kiosk.scenes.identify import IdentifyScene

        self.app.replace(IdentifyScene(self.app, problem=reason))

    def greet(self, player: Player) -> None:
        """Start a card holder's visit."""
        from kiosk.scenes.greeting import GreetingScene

        self.visit = visit_for(player)
        self.app.replace(GreetingScene(self.app))

    def start_guest(self) -> None:
        """A guest visit: nothing personal, no points."""
        from kiosk.scenes.topics import TopicScene

        self.visit = Visit(mode=GUEST)
        self.app.replace(TopicScene(self.app))

    def start_kids(self) -> None:
        """A kids' visit without a card."""
        from kiosk.scenes.topics import TopicScene

        self.visit = Visit(mode=KIDS)
        self.app.replace(TopicScene(self.app))

    def show_topics(self) -> None:
        """Back to the topic choice for the current visit."""
        from kiosk.scenes.topics import TopicScene

        if self.visit is None:
            self.go_attract(reason="no_visit")
            return
        self.app.replace(TopicScene(self.app))

    def step_back(self, reason: str = "back") -> None:
        """One step back from a choice: a card holder to the greeting, anyone else to attract."""
        visit = self.visit
        if visit is not None and visit.player is not None:
            self.greet(visit.player)
        else:
            self.go_attract(reason)

    # -- choosing ------------------------------------------------------------------------------
    def available_topics(self) -> tuple[str, ...]:
        """The topics players may choose: the content's (in its order), only the roadshow's
        in event mode."""
        topics = tuple(self.app.bundle.questions_by_topic)
        event = self.app.event
        if event is not None and event.topics:
            return tuple(t for t in topics if t in event.topics)
        return topics

    def today_topic(self) -> str:
        """Today's challenge topic: the topics take turns by local day."""
        from safezone.services.localtime import local_day

        topics = self.available_topics()
        return topics[local_day(self.app.clock.now()).toordinal() % len(topics)]

    def disabled_questions(self) -> frozenset[str]:
        """Questions staff switched off or reported as wrong (报告题目有误) in the admin.

        Read per round so a change applies at once.
        """
        app = self.app
        disabled: frozenset[str] = frozenset()
        if app.data_dir is not None:
            try:
                disabled = read_disabled(app.data_dir)
            except DisabledListError as exc:
                # A damaged list must not stop residents from playing: log it, ask the rest.
                app.log.emit("error", kind="DisabledListError", message=str(exc))
        withdrawn = getattr(app.backend, "withdrawn_question_ids", None)  # test doubles lack it
        if withdrawn is not None:
            try:
                disabled |= withdrawn()
            except BackendError as exc:
                # The round's own writes need the same database and will say so; log this one.
                app.log.emit("error", kind="backend", message=str(exc))
        return disabled

    def round_setup(self, topic: str) -> RoundSetup:
        """How the next round for the current visit is drawn."""
        app = self.app
        visit = self.visit or Visit(mode=GUEST)
        now = app.clock.now()
        disabled = self.disabled_questions()
        if visit.kids:
            return RoundSetup(topic=topic, audience="kids", difficulty_max=2,
                              count=app.options.kids_round_size, timer_seconds=None,
                              exclude_ids=exclude_for(app.backend, visit.resident_id, now),
                              disabled_ids=disabled)
        timed = visit.mode == "resident" and not visit.elder and not app.ui.large
        return RoundSetup(
            topic=topic, audience="adult", difficulty_max=2 if visit.elder else 3,
            count=app.options.round_size,
            timer_seconds=app.options.adult_timer_seconds if timed else None,
            exclude_ids=exclude_for(app.backend, visit.resident_id, now),
            disabled_ids=disabled,
        )

    def choose(self, topic: str, game: str | None = None) -> str | None:
        """The one way to start a round: ``topic`` with ``game``, or — without one — the game
        the content offers (the only playable one at once, several: the game choice screen).
        Returns a notice key when nothing can start (the caller shows it)."""
        from games.registry import playable_games
        from kiosk.scenes.games import GameChoiceScene

        app = self.app
        if game is None:
            try:
                setup = self.round_setup(topic)
            except BackendError:
                return "scan.unavailable"
            names = playable_games(app.bundle, setup)
            app.log.emit("games_offered", topic=topic, games=names)
            if not names:
                return "topics.empty"
            if len(names) > 1:
                app.replace(GameChoiceScene(app, topic, names))
                return None
            game = names[0]
        return self._start_round(topic, game)

    def _start_round(self, topic: str, kind: str) -> str | None:
        """Draw a round and start its session; returns a problem key when it cannot start."""
        # The games (rules, content selection) are imported at the first round, not before the
        # attract screen's first frame (start-up time).
        from games.registry import game_type

        app = self.app
        if self.visit is None:
            self.go_attract(reason="no_visit")
            return None
        game = game_type(kind)
        try:
            setup = self.round_setup(topic)
        except BackendError:
            return "scan.unavailable"
        rules = game.new_round(app.bundle, setup, app.rng)
        if rules is None:
            app.log.emit("round_empty", topic=topic)
            return "topics.empty"
        mode = "kids" if self.visit.kids else self.visit.mode
        event = app.event
        try:
            play = app.backend.start_play(
                mode=mode, game_type=game.name, topic=topic, now=app.clock.now(),
                resident_id=self.visit.resident_id, language=app.ui.lang, content_id=rules.content_id,
                **({"roadshow_id": event.id} if event is not None else {}),
            )
        except BackendError as exc:
            app.log.emit("error", kind="backend", message=str(exc))
            return "scan.unavailable"
        app.log.emit("round", topic=topic, game=game.name, questions=rules.max_score,
                     timer=setup.timer_seconds, session_id=str(play.id))
        app.replace(game.view_class()(app, rules=rules, play=play))
        return None

    # -- playing (what the game host protocol forwards here) -------------------------------------
    def record_answer(self, play: PlayRef, *, question_id: str, topic: str, correct: bool,
                      chosen: Sequence[str], response_ms: int | None) -> None:
        """Write one step of a round now, in its own transaction; a database problem is logged
        and the game goes on."""
        app = self.app
        try:
            app.backend.record_answer(play, question_id=question_id, topic=topic, correct=correct,
                                      now=app.clock.now(), chosen=list(chosen), response_ms=response_ms)
        except BackendError as exc:
            app.log.emit("error", kind="backend", message=str(exc))

    def finish_round(self, play: PlayRef, score: int, max_score: int, *, game: str = "quiz") -> None:
        """Finish the session and show the results (``game``: the game type, for the score's wording)."""
        from kiosk.scenes.results import ResultsScene

        app = self.app
        try:
            outcome = app.backend.finish_play(play, score=score, max_score=max_score, now=app.clock.now())
        except BackendError as exc:
            app.log.emit("error", kind="backend", message=str(exc))
            outcome = None
        if outcome is not None and self.visit is not None:
            self.visit = self.visit.with_balance(outcome.balance, outcome.new_badges)
        app.ui.sounds.play("badge" if outcome is not None and outcome.new_badges else "finish")
        ranking = app.backend.building_ranking(limit=6)
        app.replace(ResultsScene(app, score=score, max_score=max_score, outcome=outcome, ranking=ranking, game=game))

    def leave_round(self) -> None:
        """A round stopped unfinished: back to the greeting (card holders) or the attract loop."""
        self.step_back("quit")
