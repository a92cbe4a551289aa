"""Putting a kiosk together from settings: database, content, backend, app; windowed or robot.

``safezone kiosk`` calls :func:`run_kiosk`; tests and the benchmark call :func:`build_app` and
drive the result with a :class:`kiosk.robot.Robot`.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.app import KioskApp, KioskOptions
from kiosk.backend import Backend, CoreBackend
from kiosk.clock import Clock, RealClock, SimClock
from kiosk.eventlog import EventLog
from kiosk.startup import KioskDatabase, SchemaProblem, load_content_cached, open_kiosk_database
from safezone.config import Settings
from safezone.content.bundle import ContentBundle


class KioskStartError(RuntimeError):
    """The kiosk cannot start (no display, unreadable script...); the message says what to do."""


def use_dummy_drivers() -> None:
    """Headless: SDL draws into memory and plays no sound (set before pygame opens anything)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def has_display() -> bool:
    """Whether a windowed kiosk can open on this machine."""
    if os.environ.get("SDL_VIDEODRIVER") not in (None, "", "x11", "wayland"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def load_bundle(settings: Settings, log: EventLog) -> ContentBundle:
    """Load the content; every problem goes to the log, valid items still load (never raises)."""
    try:
        # Parsing ~500 YAML items costs most of a second on a small PC; a validated copy is
        # kept in the data folder and reused while no content/asset file has changed.
        result = load_content_cached(settings.content_dir, settings.assets_dir, settings.data_dir / "cache")
    except NotADirectoryError as exc:
        log.emit("content_problem", message=str(exc))
        return ContentBundle()
    for problem in result.problems:
        log.emit("content_problem", message=str(problem))
    log.emit("content", questions=len(result.bundle.questions), tips=len(result.bundle.tips))
    return result.bundle


@dataclass
class BuiltKiosk:
    """An app with everything it was built from (so callers can close the database)."""

    app: KioskApp
    database: KioskDatabase | None
    log: EventLog
    clock: Clock


def build_app(
    settings: Settings,
    *,
    clock: Clock,
    rng: random.Random,
    options: KioskOptions | None = None,
    log: EventLog | None = None,
    backend: Backend | None = None,
    bundle: ContentBundle | None = None,
) -> BuiltKiosk:
    """Open the database and content and make the (not yet started) app."""
    log = log or EventLog()
    log.set_time_source(clock.monotonic)
    if bundle is None:
        bundle = load_bundle(settings, log)
    database = None
    if backend is None:
        # No migration here (``safezone init`` / ``make run`` migrate first): importing Alembic
        # alone costs more than the whole start-up budget. An old schema is a clear message.
        try:
            database = open_kiosk_database(settings)
        except SchemaProblem as exc:
            raise KioskStartError(str(exc)) from None
        backend = CoreBackend(database, bundle, on_record=lambda kind, details: log.emit("record", kind=kind, **details))
    app = KioskApp(backend, bundle, clock=clock, rng=rng, options=options or KioskOptions(), site_name=settings.site_name,
                   assets_dir=settings.assets_dir, log=log, data_dir=settings.data_dir)
    return BuiltKiosk(app=app, database=database, log=log, clock=clock)


def run_robot(
    settings: Settings,
    script: Path,
    *,
    screenshots: Path | None,
    log_path: Path | None,
    options: KioskOptions | None = None,
    seed: int = 1,
    start: datetime | None = None,
):
    """Run a robot script headless; returns the :class:`kiosk.robot.RobotResult`."""
    use_dummy_drivers()
    from kiosk.robot import Robot, ScriptError, parse_script

    try:
        steps = parse_script(script.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise KioskStartError(f"cannot read robot script {script}: {exc}") from None
    except ScriptError as exc:
        raise KioskStartError(f"{script}: {exc}") from None
    clock = SimClock(start or datetime.now(UTC))
    log = EventLog(log_path)
    built = build_app(settings, clock=clock, rng=random.Random(seed), options=options, log=log)
    try:
        built.app.start()
        robot = Robot(built.app, clock, screenshots)
        return robot.run(steps)
    finally:
        log.close()
        if built.database is not None:
            built.database.dispose()
        import pygame

        pygame.quit()


def run_windowed(settings: Settings, options: KioskOptions, *, log_path: Path | None = None) -> None:
    """The real kiosk: real clock, window or full screen, until the window is closed."""
    if not has_display():
        raise KioskStartError(
            "no display found (DISPLAY/WAYLAND_DISPLAY is not set); run the kiosk on the screen's "
            "machine, or use --headless --script FILE to drive it with the robot"
        )
    log = EventLog(log_path)
    built = build_app(settings, clock=RealClock(), rng=random.Random(), options=options, log=log)
    try:
        built.app.start()
        built.app.run()
    finally:
        log.close()
        if built.database is not None:
            built.database.dispose()
        import pygame

        pygame.quit()
