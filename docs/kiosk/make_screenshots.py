"""Regenerate the kiosk screenshots in this folder: every screen, zh-CN and en, adult, kids, large text.

Run: ``.venv/bin/python docs/kiosk/make_screenshots.py`` (headless, about a minute). It builds a
throw-away demo database (the demo community, two weeks of play history, two roadshows, card
holders), then drives the real kiosk with the robot and saves ``<screen>-<lang>[-large].png``.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from kiosk.main import build_app, load_bundle, use_dummy_drivers

OUT = Path(__file__).resolve().parent
#: Saturday 28 November 2026, 10:15 in the community.
NOW = datetime(2026, 11, 28, 2, 15, tzinfo=UTC)


def _prepare(settings, bundle) -> dict[str, str]:
    from sqlalchemy import select

    from safezone.app_context import open_database
    from safezone.cards.service import issue_card
    from safezone.demo import create_demo_community
    from safezone.demo_history import generate_history
    from safezone.models import AgeGroup, Resident
    from safezone.services.roadshows import create_event

    db = open_database(settings, migrate=True)
    codes: dict[str, str] = {}
    with db.sessions() as session:
        create_demo_community(session, rng=random.Random(1), now=NOW - timedelta(days=30))
        generate_history(session, days=14, rng=random.Random(2), now=NOW - timedelta(hours=1), content_bundle=bundle)
        for group in (AgeGroup.ADULT, AgeGroup.ELDER, AgeGroup.CHILD):
            resident = session.scalars(select(Resident).where(Resident.age_group == group).order_by(Resident.id)).first()
            codes[group.value] = issue_card(session, resident, now=NOW, rng=random.Random(hash(group.value) & 0xFFFF)).code
        create_event(session, title="消防安全路演：灭火器怎么用", title_en="Fire roadshow: using an extinguisher",
                     place="1号地块5栋架空层", starts_at=NOW + timedelta(days=7), ends_at=NOW + timedelta(days=7, hours=2),
                     topics=["fire"], now=NOW)
        create_event(session, title="防诈骗讲座：守好老人的钱袋子", title_en="Scam talk: keeping savings safe",
                     place="社区活动中心", starts_at=NOW + timedelta(days=12, hours=5),
                     ends_at=NOW + timedelta(days=12, hours=7), topics=["cyber"], now=NOW)
        session.commit()
    db.dispose()
    return codes


def save_shot(app, name: str) -> None:
    """Save the screen as ``OUT/<name>-<zh|en>[-large].png`` (language and text size from the app)."""
    suffix = ("-en" if app.ui.lang == "en" else "-zh") + ("-large" if app.ui.large else "")
    app.screenshot(OUT / f"{name}{suffix}.png")
    print("saved", f"{name}{suffix}.png")


def switch_to(app, robot, lang: str, large: bool) -> None:
    """Tap the language and text-size toggles until the kiosk shows ``lang`` at ``large``."""
    if app.ui.lang != lang:
        robot.tap("lang")
    if app.ui.large != large:
        robot.tap("textsize")


def main() -> None:
    """Build the data and take every screenshot."""
    use_dummy_drivers()
    from kiosk.clock import SimClock
    from kiosk.eventlog import EventLog
    from kiosk.robot import Robot
    from safezone.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        bundle = load_bundle(settings, EventLog())
        codes = _prepare(settings, bundle)
        clock = SimClock(NOW)
        built = build_app(settings, clock=clock, rng=random.Random(8), bundle=bundle)
        app = built.app
        app.start()
        robot = Robot(app, clock)

        def shot(name: str) -> None:
            save_shot(app, name)

        def setting(lang: str, large: bool) -> None:
            switch_to(app, robot, lang, large)

        def answer(correct: bool) -> None:
            item = app.top.rules.current
            indexes = list(item.correct_indexes) if correct else [
                next(i for i in range(len(item.choices)) if i not in item.correct_indexes)]
            for index in indexes:
                robot.tap(f"option_{index + 1}")
            if item.multiple:
                robot.tap("confirm")

        def choose_topic(topic: str, choice_shot: str | None = None) -> None:
            # A topic with more than one game fitting it shows the game choice first: take the quiz.
            robot.tap(topic)
            if app.top.name == "games":
                if choice_shot is not None:
                    shot(choice_shot)
                robot.tap("quiz")
            if app.top.name != "quiz":
                raise SystemExit(f"no quiz after tapping {topic!r} (top scene: {app.top.name})")

        def find_multiple() -> bool:
            return app.top.rules.current.multiple

        for lang in ("zh-CN", "en"):
            for large in (False, True):
                full = not large
                setting(lang, large)
                shot("01-attract")
                robot.tap("scan")
                setting(lang, large)
                if full:
                    shot("02-identify")
                robot.scan("SZ23456789ABCDEF")
                setting(lang, large)
                if full:
                    shot("03-identify-problem")
                robot.scan(codes["adult"])
                setting(lang, large)
                shot("04-greeting")
                robot.tap("start")
                shot("05-topics")
                choose_topic("fire", "05b-game-choice")
                robot.wait(3)
                shot("06-quiz")
                answer(True)
                shot("07-feedback-right")
                robot.tap("next")
                answer(False)
                if full:
                    shot("08-feedback-wrong")
                robot.tap("next")
                while app.top.name == "quiz" and not find_multiple():
                    if not app.top.rules.answered:
                        answer(True)
                    robot.tap("next")
                if app.top.name == "quiz" and find_multiple() and full:
                    robot.tap("option_1")
                    shot("09-quiz-multiple")
                while app.top.name == "quiz":
                    if not app.top.rules.answered:
                        app.top.selected = set()
                        answer(True)
                    robot.tap("next")
                shot("10-results")
                if full:
                    robot.tap("again")
                    robot.wait(61)
                    shot("11-idle")
                    robot.wait(30)
                else:
                    robot.tap("done")
                # Kids' zone (no card).
                setting(lang, large)
                robot.tap("kids")
                shot("12-kids-topics")
                choose_topic("traffic", "12b-kids-game-choice")
                shot("13-kids-quiz")
                answer(True)
                shot("14-kids-feedback")
                while app.top.name == "quiz":
                    if not app.top.rules.answered:
                        answer(True)
                    robot.tap("next")
                shot("15-kids-results")
                robot.tap("done")
                if full:
                    setting(lang, large)
                    robot.tap("guest")
                    setting(lang, large)
                    shot("16-guest-topics")
                    choose_topic("cyber")
                    while app.top.name == "quiz":
                        if not app.top.rules.answered:
                            answer(random.Random(len(app.top.rules.results)).random() < 0.7)
                        robot.tap("next")
                    shot("17-guest-results")
                    robot.tap("done")
        errors = app.log.of("error")
        built.database.dispose()
        if errors or robot.result.failure:
            raise SystemExit(f"screenshot run had problems: {errors} {robot.result.failure}")


if __name__ == "__main__":
    main()
