"""Regenerate the screenshots of the offline pill: a kiosk enrolled with a sync server that is
away shows "离线，数据已保存" at the right of the top bar on every screen — here a resident's
quiz, zh-CN and en, normal and large text (``18-quiz-offline-<lang>[-large].png``).

Run: ``.venv/bin/python docs/kiosk/make_offline_screenshots.py`` (headless, under a minute). It
builds the demo database of ``make_screenshots.py``, enrols it as a kiosk replica (the server's
answer to the enrolment is made up here) and gives the kiosk a stand-in agent that reports
the server offline, so the pictures do not depend on network timing.
"""

from __future__ import annotations

import random
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from make_screenshots import NOW, OUT, _prepare

from kiosk.main import build_app, load_bundle, use_dummy_drivers
from safezone.sync.agent import SyncStatus


class _EnrolOnly:
    """Answers the enrolment as a server would; nothing else is asked of it."""

    def enrol(self, code: str):
        """A kiosk id, name and token for ``code``."""
        from safezone.sync.schemas import EnrolResponse

        return EnrolResponse(kiosk_id=uuid.UUID("01890000-0000-7000-8000-0000000000d0"),
                             kiosk_name="1号地块5栋架空层", token="t" * 40, server_time=NOW)


class _ServerAway:
    """A sync agent whose server does not answer: results wait in the outbox."""

    def status(self) -> SyncStatus:
        """Offline, with a few records waiting."""
        return _OFFLINE

    def start(self) -> None:
        """No thread: the status never changes."""

    def stop(self, timeout: float = 10.0) -> None:
        """Nothing to stop."""


_OFFLINE = SyncStatus(state="offline", pending=12, failures=3, last_error="connection refused")


def main() -> None:
    """Build the demo data, enrol it, play into a quiz and take the pictures."""
    use_dummy_drivers()
    from kiosk.clock import SimClock
    from kiosk.eventlog import EventLog
    from kiosk.robot import Robot
    from safezone.app_context import open_database
    from safezone.config import Settings
    from safezone.sync.agent import enrol_replica

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        bundle = load_bundle(settings, EventLog())
        codes = _prepare(settings, bundle)
        db = open_database(settings)
        enrol_replica(db, "https://safezone.example.org", "DOCS-CODE",
                      client_factory=lambda url, token: _EnrolOnly())
        db.dispose()
        clock = SimClock(NOW)
        built = build_app(settings, clock=clock, rng=random.Random(8), bundle=bundle,
                          sync_agent_factory=lambda database, settings: _ServerAway())
        app = built.app
        app.start()
        robot = Robot(app, clock)
        for lang in ("zh-CN", "en"):
            for large in (False, True):
                robot.scan(codes["adult"])
                if app.ui.lang != lang:
                    robot.tap("lang")
                if app.ui.large != large:
                    robot.tap("textsize")
                robot.tap("start")
                robot.tap("fire")
                if app.top.name == "games":
                    robot.tap("quiz")
                robot.wait(3)
                if app.top.name != "quiz" or app.sync_indicator is None or app.sync_indicator.shown is None:
                    raise SystemExit(f"expected the quiz with the offline pill, got {app.top.name}")
                name = f"18-quiz-offline-{'en' if lang == 'en' else 'zh'}{'-large' if large else ''}.png"
                app.screenshot(OUT / name)
                print("saved", name)
                robot.tap("quit")  # back to the greeting
                robot.tap("done")  # the visit ends: attract, default language and text size
        errors = app.log.of("error")
        built.close()
        if errors or robot.result.failure:
            raise SystemExit(f"screenshot run had problems: {errors} {robot.result.failure}")


if __name__ == "__main__":
    main()
