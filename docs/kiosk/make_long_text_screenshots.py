"""Regenerate the screenshots of long words that must stay whole and clear of each other:

- ``19-sequence-results-<lang>[-large].png``: the sequence after "check" with misplaced cards,
  each with "应是第 N 步" / "Should be step N" in a column of its own (games/sequence/layout.py);
- ``25-event-long-title[-offline]-<lang>[-large].png``: event mode with a roadshow title as long
  as staff may type one (40 characters in Chinese, 80 in English) in the top bar, ending before
  the toggles and, offline, before the sync pill (screen/top_bar.py);
- ``26-attract-long-tip-en-large.png``: the attract screen in large English with its longest tip;
- ``27-event-attract-long-title-<lang>[-large].png``: the event's attract screen with that long
  title in its banner (two lines, never cut) and the event's longest tip
  (kiosk/scenes/attract_layout.py).

Run: ``.venv/bin/python docs/kiosk/make_long_text_screenshots.py`` (headless, under a minute).
It builds the demo database of ``make_screenshots.py`` plus a roadshow happening now and a
staff card, and drives the real kiosk with the robot.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from make_offline_screenshots import _OFFLINE
from make_screenshots import NOW, _prepare, save_shot, switch_to

from kiosk.main import build_app, load_bundle, use_dummy_drivers
from kiosk.scenes.attract_layout import TIP_WIDTH

PIN = "2580"
LONG_TITLE_ZH = "龙凤社区消防安全主题路演：电动自行车规范充电、楼道杂物清理与灭火器使用现场教学课"
LONG_TITLE_EN = "Fire safety roadshow: charging e-bikes safely, clearing stairwells, using a hose"


def main() -> None:
    """Build the data, then take the sequence's results and the long roadshow title."""
    use_dummy_drivers()
    from kiosk.clock import SimClock
    from kiosk.eventlog import EventLog
    from kiosk.robot import Robot
    from kiosk.sync_status import SyncIndicator
    from safezone.app_context import open_database
    from safezone.cards.codes import generate_code, hash_code
    from safezone.config import Settings
    from safezone.models.staff import Role
    from safezone.services.roadshows import create_event
    from safezone.services.staff import create_staff_user, hash_password

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        bundle = load_bundle(settings, EventLog())
        _prepare(settings, bundle)
        staff_code = generate_code(random.Random(5))
        db = open_database(settings)
        with db.sessions() as session:
            staff = create_staff_user(session, username="wangfang", display_name="王芳", role=Role.STAFF,
                                      password="demo password 2026", now=NOW)
            staff.staff_card_hash = hash_code(staff_code)
            staff.kiosk_pin_hash = hash_password(PIN)
            create_event(session, title=LONG_TITLE_ZH, title_en=LONG_TITLE_EN, place="1号地块5栋架空层",
                         starts_at=NOW - timedelta(minutes=45), ends_at=NOW + timedelta(hours=2),
                         topics=["fire", "home"], now=NOW - timedelta(days=3))
            session.commit()
        db.dispose()
        clock = SimClock(NOW)
        built = build_app(settings, clock=clock, rng=random.Random(8), bundle=bundle)
        app = built.app
        app.start()
        robot = Robot(app, clock)

        def shot(name: str) -> None:
            save_shot(app, name)

        def setting(lang: str, large: bool) -> None:
            switch_to(app, robot, lang, large)

        def longest_tip() -> None:
            # The tip taking the most room at the tip's size and width, shown now.
            scene = app.top
            assert scene.name == "attract"
            words = [app.ui.pick(tip.text.zh, tip.text.en) for tip in scene.tips]
            scene.tip_index = max(range(len(words)), key=lambda i: (
                app.ui.text.height_of(words[i], app.ui.types.heading, TIP_WIDTH), len(words[i])))

        setting("en", True)
        longest_tip()
        shot("26-attract-long-tip")
        robot.wait(90)  # back to the default language and text size
        # The sequence as a guest plays it, checked as dealt: the deal is never nearly right,
        # so some cards are misplaced.
        for lang, large in (("zh-CN", False), ("en", True)):
            robot.tap("guest")
            setting(lang, large)
            robot.tap("fire")
            robot.tap("sequence")
            robot.wait(0.5)
            robot.tap("check")
            robot.wait(0.5)
            if app.top.name != "sequence" or not app.top.result.misplaced:
                raise SystemExit(f"expected a checked sequence with misplaced cards, got {app.top.name}")
            shot("19-sequence-results")
            robot.tap("quit")
        # Event mode, switched to by the staff card and PIN; the event's topics screen.
        robot.scan(staff_code)
        for digit in PIN:
            robot.tap(f"pin_{digit}")
        robot.tap("pin_ok")
        robot.tap("event_1")
        for lang, large in (("zh-CN", False), ("en", True)):
            setting(lang, large)
            longest_tip()
            shot("27-event-attract-long-title")
            robot.wait(90)
        for offline, lang, large in ((False, "zh-CN", False), (False, "en", False),
                                     (True, "zh-CN", False), (True, "en", True)):
            # The offline pill as an enrolled kiosk shows it while its server is away (the
            # agent's status is all the pill reads; make_offline_screenshots.py enrols for real).
            app.sync_indicator = SyncIndicator(lambda: _OFFLINE) if offline else None
            robot.tap("guest")
            setting(lang, large)
            robot.wait(0.5)
            if app.top.name != "topics" or app.event is None:
                raise SystemExit(f"expected the event's topics, got {app.top.name}")
            shot("25-event-long-title" + ("-offline" if offline else ""))
            robot.tap("back")
            robot.wait(90)  # the visit ends: default language and text size
        errors = app.log.of("error")
        built.close()
        if errors or robot.result.failure:
            raise SystemExit(f"screenshot run had problems: {errors} {robot.result.failure}")


if __name__ == "__main__":
    main()
