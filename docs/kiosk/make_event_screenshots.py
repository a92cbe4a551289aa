"""Regenerate the event-mode screenshots: staff PIN pad, event choice, the event's attract screen
with its live leaderboard, the check-in confirmation (zh-CN and en).

Run: ``.venv/bin/python docs/kiosk/make_event_screenshots.py`` (headless, under a minute).
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from make_screenshots import NOW, _prepare, save_shot

from kiosk.main import build_app, load_bundle, use_dummy_drivers

PIN = "2580"


def main() -> None:
    """Build the demo data plus a roadshow happening now, then drive event mode."""
    use_dummy_drivers()
    from sqlalchemy import select

    from kiosk.clock import SimClock
    from kiosk.eventlog import EventLog
    from kiosk.robot import Robot
    from safezone.app_context import open_database
    from safezone.cards.codes import generate_code, hash_code
    from safezone.config import Settings
    from safezone.models import PlayMode, Resident
    from safezone.models.staff import Role
    from safezone.services.play import finish_session, start_session
    from safezone.services.roadshows import create_event
    from safezone.services.staff import create_staff_user, hash_password

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        bundle = load_bundle(settings, EventLog())
        codes = _prepare(settings, bundle)
        staff_code = generate_code(random.Random(5))
        db = open_database(settings)
        with db.sessions() as session:
            staff = create_staff_user(session, username="wangfang", display_name="王芳", role=Role.STAFF,
                                      password="demo password 2026", now=NOW)
            staff.staff_card_hash = hash_code(staff_code)
            staff.kiosk_pin_hash = hash_password(PIN)
            event = create_event(session, title="消防安全路演：灭火器怎么用", title_en="Fire roadshow: using an extinguisher",
                                 place="1号地块5栋架空层", starts_at=NOW - timedelta(minutes=45),
                                 ends_at=NOW + timedelta(hours=2), topics=["fire", "home"], now=NOW - timedelta(days=3))
            # A few players already on the board.
            players = session.scalars(select(Resident).order_by(Resident.id).offset(40).limit(5)).all()
            for index, resident in enumerate(players):
                play = start_session(session, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire",
                                     now=NOW - timedelta(minutes=30 - index), resident_id=resident.id,
                                     roadshow_id=event.id)
                finish_session(session, play, score=5 - index % 3, max_score=5, now=NOW - timedelta(minutes=28 - index))
            session.commit()
        db.dispose()
        clock = SimClock(NOW)
        built = build_app(settings, clock=clock, rng=random.Random(8), bundle=bundle)
        app = built.app
        app.start()
        robot = Robot(app, clock)

        def shot(name: str) -> None:
            save_shot(app, name)  # normal text throughout: ``-zh`` / ``-en``

        for lang in ("zh-CN", "en"):
            if app.ui.lang != lang:
                robot.tap("lang")
            robot.scan(staff_code)
            for digit in PIN[:3]:
                robot.tap(f"pin_{digit}")
            shot("20-staff-pin")
            robot.tap(f"pin_{PIN[3]}")
            robot.tap("pin_ok")
            shot("21-event-choice")
            robot.tap("event_1")
            if lang != app.ui.lang:
                robot.tap("lang")
            robot.wait(1)
            shot("22-event-attract")
            robot.scan(codes["adult"])
            shot("23-event-checked-in")
            robot.tap("continue")
            robot.tap("start")
            shot("24-event-topics")
            robot.tap("done") if app.top.find_widget("done") else robot.tap("back")
            robot.wait(90)
            # Leave event mode so the next language starts from the everyday kiosk.
            robot.scan(staff_code)
            for digit in PIN:
                robot.tap(f"pin_{digit}")
            robot.tap("pin_ok")
            robot.tap("leave_event")
            # The check-in is done: the second language's scan shows "already" (greeting directly),
            # so the en check-in screenshot uses the elder's card instead.
            codes["adult"] = codes["elder"]
        built.database.dispose()


if __name__ == "__main__":
    main()
