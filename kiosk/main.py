"""Putting a kiosk together from settings: database, content, backend, app; windowed or robot.

``safezone kiosk`` calls :func:`run_kiosk`; tests and the benchmark call :func:`build_app` and
drive the result with a :class:`kiosk.robot.Robot`.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kiosk.app import KioskApp, KioskOptions
from kiosk.backend import Backend, CoreBackend
from kiosk.clock import Clock, RealClock, SimClock
from kiosk.eventlog import EventLog
from kiosk.startup import KioskDatabase, SchemaProblem, load_content_cached, open_kiosk_database
from kiosk.sync_status import StatusLike, SyncIndicator
from safezone.config import Settings
from safezone.content.bundle import ContentBundle
from safezone.content.loader import LoadResult, Problem

if TYPE_CHECKING:
    from kiosk.camera_scan import CameraScanner


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
    """Load the content bundled with the kiosk (``settings.content_dir``); every problem goes
    to the log, valid items still load (never raises)."""
    return load_bundled_content(settings, log).bundle


def load_bundled_content(settings: Settings, log: EventLog) -> LoadResult:
    """:func:`load_bundle` with the problems kept (the kiosk leaves out a game whose content
    file failed to load: ``KioskApp.content_problems``)."""
    try:
        # Parsing ~500 YAML items costs most of a second on a small PC; a validated copy is
        # kept in the data folder and reused while no content/asset file has changed.
        result = load_content_cached(settings.content_dir, settings.assets_dir, settings.data_dir / "cache")
    except NotADirectoryError as exc:
        log.emit("content_problem", message=str(exc))
        return LoadResult(ContentBundle())
    for problem in result.problems:
        log.emit("content_problem", message=str(problem))
    log.emit("content", source="bundled", version=None, questions=len(result.bundle.questions),
             tips=len(result.bundle.tips))
    return result


def packs_dir(settings: Settings) -> Path:
    """Where ``safezone sync`` and the sync agent install the content packs they pull."""
    return settings.data_dir / "content-packs"


def pack_loader(settings: Settings) -> Callable[[Path], LoadResult]:
    """Loads a content pack folder (assets from ``settings.assets_dir``), through a cache of
    its own so the pack loaded by the agent at run time starts the next kiosk quickly."""
    cache = settings.data_dir / "cache" / "pack"
    return lambda folder: load_content_cached(folder, settings.assets_dir, cache)


def load_pack(settings: Settings, log: EventLog) -> tuple[ContentBundle, str] | None:
    """(content, version) of the pulled pack ``<data>/content-packs/current`` when it loads
    without a single problem; else None, the reason logged as ``content_pack_problem``, and the
    kiosk plays its bundled content. Never raises."""
    from safezone.sync.replica import current_pack_version

    packs = packs_dir(settings)
    try:
        version = current_pack_version(packs)
    except OSError as exc:
        log.emit("content_pack_problem", version=None, message=str(exc))
        return None
    if version is None:
        return None  # nothing pulled yet
    try:
        result = pack_loader(settings)(packs / version)
    except Exception as exc:  # noqa: BLE001 — a link to nowhere, an unreadable folder: play on
        log.emit("content_pack_problem", version=version, message=f"{exc.__class__.__name__}: {exc}")
        return None
    if not result.ok:
        # A pack is all or nothing: half a pack would mix two versions of the questions.
        log.emit("content_pack_problem", version=version, problems=len(result.problems),
                 message=str(result.problems[0]))
        return None
    log.emit("content", source="pack", version=version, questions=len(result.bundle.questions),
             tips=len(result.bundle.tips))
    return result.bundle, version


def load_startup_content(settings: Settings, log: EventLog, *,
                         enrolled: bool) -> tuple[ContentBundle, str | None, list[Problem]]:
    """(content, pack version, its problems) the kiosk starts with: an enrolled kiosk's pulled
    content pack when it loads cleanly (no problems), else the bundled content (version None).
    Never raises."""
    if enrolled:
        loaded = load_pack(settings, log)
        if loaded is not None:
            return (*loaded, [])
    result = load_bundled_content(settings, log)
    return result.bundle, None, result.problems


class SyncAgentLike(Protocol):
    """What the kiosk needs of ``safezone.sync.agent.SyncAgent`` (tests pass a stand-in)."""

    def status(self) -> StatusLike:
        """The latest status, without I/O; its optional ``content`` (version + bundle) is a
        newer content pack ready to play (see ``KioskApp._switch_content_between_visits``)."""
        ...

    def start(self) -> None:
        """Run sync rounds in a background thread."""
        ...

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread after its current round."""
        ...


#: Makes the sync agent of an enrolled replica: ``factory(database, settings)``.
SyncAgentFactory = Callable[[KioskDatabase, Settings], SyncAgentLike]


def default_sync_agent(database: KioskDatabase, settings: Settings) -> SyncAgentLike:
    """The real agent, pulling content packs where ``safezone sync`` puts them and loading a
    new one in its own thread, ready for the kiosk to switch to between visits."""
    from safezone.sync.agent import SyncAgent

    return SyncAgent(database, packs_dir=packs_dir(settings),  # type: ignore[arg-type]
                     assets_dir=settings.assets_dir, content_loader=pack_loader(settings))


#: Makes the camera's scanner for a device name (``auto``, a number, a path); tests pass fakes.
CameraFactory = Callable[[str], "CameraScanner"]


def default_camera(device: str) -> CameraScanner:
    """The real camera through pygame.camera, decoded by zxing-cpp (imported only when the
    kiosk is started with a camera)."""
    from kiosk.camera_scan import CameraScanner, PygameCameraSource

    return CameraScanner(PygameCameraSource(device), device=device)


@dataclass
class BuiltKiosk:
    """An app with everything it was built from (so callers can close the database)."""

    app: KioskApp
    database: KioskDatabase | None
    log: EventLog
    clock: Clock
    #: The background sync agent when this replica is enrolled with a server (not yet started).
    sync_agent: SyncAgentLike | None = None
    #: The camera's QR thread when the kiosk was built with ``KioskOptions.camera`` (not yet started).
    camera: CameraScanner | None = None

    def start_camera(self) -> None:
        """Start the camera thread (after ``app.start()``); nothing without ``--camera``. A
        camera that does not open is logged (``camera``, ``unavailable``); the kiosk runs on."""
        if self.camera is not None:
            self.camera.start()

    def start_sync(self) -> None:
        """Start the sync thread (after ``app.start()``); nothing without a server."""
        if self.sync_agent is not None:
            self.sync_agent.start()
            self.log.emit("sync", action="started")

    def close(self) -> None:
        """Stop the camera thread, the sync thread (it finishes its round: nothing half-sent)
        and close the database."""
        if self.camera is not None:
            self.camera.stop()
            self.log.emit("camera", state="stopped", running=self.camera.running)
        if self.sync_agent is not None:
            self.sync_agent.stop()
            self.log.emit("sync", action="stopped")
        if self.database is not None:
            self.database.dispose()


def prepare_sync(database: KioskDatabase, settings: Settings, log: EventLog,
                 factory: SyncAgentFactory | None = None) -> tuple[uuid.UUID | None, SyncAgentLike | None]:
    """(kiosk id, agent) when ``safezone sync --server URL --enrol-code CODE`` enrolled this
    replica, else (None, None): then the kiosk runs exactly as on a single machine.

    Installs the outbox triggers first (``prepare_replica``), so every record this run writes
    is queued for the server in its own transaction.
    """
    from sqlalchemy import select

    from safezone.sync.models import SyncState

    # Fast path for the single-machine kiosk: an empty sync state means never enrolled, and
    # importing the sync agent (HTTP client, pydantic schemas) would cost ~0.4 s of start-up.
    with database.sessions() as session:
        if session.scalar(select(SyncState.key).limit(1)) is None:
            return None, None
    from safezone.sync.agent import configured_kiosk_id
    from safezone.sync.outbox import OutboxError, prepare_replica

    kiosk_id = configured_kiosk_id(database)  # type: ignore[arg-type]
    if kiosk_id is None:
        return None, None
    try:
        requeued = prepare_replica(database.engine)
    except OutboxError as exc:
        raise KioskStartError(f"cannot sync this kiosk's database: {exc}") from None
    log.emit("sync", action="enrolled", kiosk_id=str(kiosk_id), requeued=requeued)
    return kiosk_id, (factory or default_sync_agent)(database, settings)


def build_app(
    settings: Settings,
    *,
    clock: Clock,
    rng: random.Random,
    options: KioskOptions | None = None,
    log: EventLog | None = None,
    backend: Backend | None = None,
    bundle: ContentBundle | None = None,
    sync_agent_factory: SyncAgentFactory | None = None,
    camera_factory: CameraFactory | None = None,
) -> BuiltKiosk:
    """Open the database and content and make the (not yet started) app.

    An enrolled replica also gets its sync agent (``BuiltKiosk.start_sync`` starts it), the
    offline indicator, and plays its pulled content pack (see :func:`load_startup_content`);
    a newer pack the agent loads later is switched to between visits (``KioskApp``).
    ``sync_agent_factory`` replaces the real agent in tests. With ``options.camera`` the app
    also gets a camera scanner (``BuiltKiosk.start_camera`` starts it; ``camera_factory``
    replaces the real camera in tests).
    """
    log = log or EventLog()
    log.set_time_source(clock.monotonic)
    database = None
    agent: SyncAgentLike | None = None
    kiosk_id: uuid.UUID | None = None
    if backend is None:
        # No migration here (``safezone init`` / ``make run`` migrate first): importing Alembic
        # alone costs more than the whole start-up budget. An old schema is a clear message.
        try:
            database = open_kiosk_database(settings)
        except SchemaProblem as exc:
            raise KioskStartError(str(exc)) from None
        try:
            kiosk_id, agent = prepare_sync(database, settings, log, sync_agent_factory)
        except BaseException:
            database.dispose()
            raise
    content_version: str | None = None
    problems: list[Problem] | None = None
    if bundle is None:
        bundle, content_version, problems = load_startup_content(settings, log, enrolled=kiosk_id is not None)
    if backend is None:
        assert database is not None
        backend = CoreBackend(database, bundle, kiosk_id=kiosk_id,
                              on_record=lambda kind, details: log.emit("record", kind=kind, **details))
    app = KioskApp(backend, bundle, clock=clock, rng=rng, options=options or KioskOptions(), site_name=settings.site_name,
                   assets_dir=settings.assets_dir, log=log, data_dir=settings.data_dir,
                   content_version=content_version)
    app.content_problems = problems
    if agent is not None:
        # The log tells a technician when the kiosk went offline and when the server refused
        # records for good (parked: kept here, not sent) — once per change, not per frame.
        app.sync_indicator = SyncIndicator(
            agent.status, on_change=lambda shown, state: log.emit("sync_status", shown=shown, state=state),
            on_parked=lambda count, reason: log.emit("sync_parked", count=count, reason=reason))
        # The same status carries a newer content pack, loaded and checked in the agent's thread.
        app.sync_status = agent.status
    camera = None
    if app.options.camera is not None:
        camera = (camera_factory or default_camera)(app.options.camera)
        app.camera = camera
    return BuiltKiosk(app=app, database=database, log=log, clock=clock, sync_agent=agent, camera=camera)


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
        built.start_sync()
        robot = Robot(built.app, clock, screenshots)
        return robot.run(steps)
    finally:
        built.close()
        log.close()
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
        built.start_sync()
        built.start_camera()
        built.app.run()
    finally:
        built.close()
        log.close()
        import pygame

        pygame.quit()
