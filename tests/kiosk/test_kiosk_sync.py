"""The kiosk with a sync server: agent thread, kiosk id on records, the honest offline indicator."""

from __future__ import annotations

import random
import socket
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from kiosk_fakes import KIOSK_ID, StubAgent, StubStatus, enrol_offline
from sqlalchemy import func, select

from kiosk.clock import SimClock
from kiosk.eventlog import EventLog
from kiosk.main import BuiltKiosk, KioskStartError, build_app
from kiosk.robot import Robot, parse_script
from kiosk.startup import KioskDatabase
from kiosk.sync_status import RIGHT, SyncIndicator
from safezone.app_context import Database
from safezone.config import Settings
from safezone.content.bundle import ContentBundle
from safezone.models import PlaySession
from safezone.sync.models import SyncOutbox
from screen.scene import TOP_BAR

#: The pill's colour (theme.SUNNY): present in the top bar only while the indicator shows.
SUNNY = (255, 214, 120)
#: Inside the pill's right end, whatever its message: it always ends at ``RIGHT``.
PILL_PROBE = (RIGHT - 10, 64)


def _closed_port() -> int:
    """A local port nobody listens on (bound, then released): connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sync_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "safezone-sync"]


def _build(settings: Settings, bundle: ContentBundle, now: datetime, made: list[BuiltKiosk], **kwargs) -> tuple[BuiltKiosk, Robot]:
    clock = SimClock(now)
    built = build_app(settings, clock=clock, rng=random.Random(5), bundle=bundle, log=EventLog(), **kwargs)
    made.append(built)
    built.app.start()
    built.start_sync()
    return built, Robot(built.app, clock, Path("/tmp/safezone-kiosk-sync"))


def _run(robot: Robot, script: str) -> None:
    result = robot.run(parse_script(script))
    assert result.ok, result.failure


def _pill_shown(built: BuiltKiosk, *, force: bool = True) -> bool:
    """Whether the pill is on the canvas; ``force=False`` looks at the last frame as the app
    drew it (redraw on change), without drawing again."""
    if force:
        built.app.draw(force=True)
    return tuple(built.app.canvas.get_at(PILL_PROBE))[:3] == SUNNY


def test_unreachable_server_shows_offline_and_keeps_every_result(
        settings: Settings, database: Database, test_bundle: ContentBundle, now: datetime, built_kiosks) -> None:
    enrol_offline(database, now, f"http://127.0.0.1:{_closed_port()}")
    built, robot = _build(settings, test_bundle, now, built_kiosks)
    agent = built.sync_agent
    assert agent is not None and len(_sync_threads()) == 1
    deadline = time.monotonic() + 10
    while agent.status().state != "offline":  # the real agent, refused by a closed port
        assert time.monotonic() < deadline, agent.status()
        time.sleep(0.02)
    _run(robot, "wait: 1\nexpect: attract\nscreenshot: kiosk-offline-zh")
    assert built.app.sync_indicator is not None and built.app.sync_indicator.shown == "sync.offline"
    assert built.log.of("sync_status")[-1] == {"t": built.log.of("sync_status")[-1]["t"], "event": "sync_status",
                                               "shown": "sync.offline", "state": "offline"}
    assert _pill_shown(built)
    _run(robot, "tap: lang\nscreenshot: kiosk-offline-en")
    assert _pill_shown(built)
    # Play offline: the session carries this kiosk's id and waits in the outbox.
    _run(robot, "tap: guest\ntap: fire\n" + "tap: option_1\ntap: next\n" * 5 + "expect: results")
    with database.sessions() as session:
        play = session.scalars(select(PlaySession)).one()
        queued = session.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.record_id == play.id))
    assert play.kiosk_id == KIOSK_ID and queued >= 1
    built.close()
    built_kiosks.remove(built)
    assert _sync_threads() == []  # stopped cleanly on exit
    assert [e["action"] for e in built.log.of("sync")] == ["enrolled", "started", "stopped"]


def test_indicator_follows_the_agent_and_is_silent_when_online(
        settings: Settings, database: Database, test_bundle: ContentBundle, now: datetime, built_kiosks) -> None:
    enrol_offline(database, now, "http://sync.example.invalid")
    stub = StubAgent("online")
    built, robot = _build(settings, test_bundle, now, built_kiosks,
                          sync_agent_factory=lambda db, s: stub)
    assert stub.started == 1 and _sync_threads() == []
    _run(robot, "wait: 1")
    assert built.app.sync_indicator.shown is None and not _pill_shown(built)
    for state, shown in (("syncing", None), ("offline", "sync.offline"), ("revoked", "sync.refused"),
                         ("online", None)):
        stub.current = StubStatus(state)
        _run(robot, "wait: 0.1")  # no input: the frame loop alone picks the change up
        assert built.app.sync_indicator.shown == shown, state
        assert _pill_shown(built) is (shown is not None), state
    assert [e["shown"] for e in built.log.of("sync_status")] == ["sync.offline", "sync.refused", None]
    built.close()
    built_kiosks.remove(built)
    assert stub.stopped == 1


def _check_pill(built: BuiltKiosk, robot: Robot, stub: StubAgent, screen: str) -> None:
    """On this screen the pill shows while the stand-in agent is offline, clear of the toggles
    and every other touch target, and goes away (and comes back) with the agent's state, each
    time in the next frame drawn by redraw-on-change alone (no forced draw, no input)."""
    app = built.app
    assert app.top.name == screen
    assert _pill_shown(built, force=False), screen
    pill = app.sync_indicator.rect(app.ui)
    assert pill is not None and pill.top >= 0 and pill.bottom <= TOP_BAR, screen
    covered = [w.id for w in app.top.widgets if w.visible and pill.colliderect(w.rect)]
    assert covered == [], f"the pill covers {covered} on {screen}"
    # An unchanged pill costs no frame (a scene without draw_state is redrawn every frame anyway).
    still = hasattr(app.top, "draw_state")
    assert app.draw() is not still, screen
    stub.current = StubStatus("online")
    _run(robot, "wait: 0.1")
    assert not _pill_shown(built, force=False), screen
    stub.current = StubStatus("offline")
    _run(robot, "wait: 0.1")
    assert _pill_shown(built, force=False), screen
    assert app.draw() is not still, screen


def test_pill_on_every_screen_while_offline_gone_when_online(
        settings: Settings, database: Database, games_bundle: ContentBundle, now: datetime, built_kiosks) -> None:
    enrol_offline(database, now, "http://sync.example.invalid")
    stub = StubAgent("offline")
    built, robot = _build(settings, games_bundle, now, built_kiosks, sync_agent_factory=lambda db, s: stub)
    _run(robot, "wait: 0.1")
    _check_pill(built, robot, stub, "attract")
    _run(robot, "tap: guest\nexpect: topics")
    _check_pill(built, robot, stub, "topics")
    _run(robot, "tap: fire\nexpect: games")
    _check_pill(built, robot, stub, "games")
    # Every game screen, the ones with cached pictures (hazard hunt's base, the drag games'
    # still layer) too: the pill is part of what they cache.
    for game in ("quiz", "hazard_hunt", "sort", "sequence"):
        _run(robot, f"tap: {game}\nexpect: {game}\nwait: 0.5")
        _check_pill(built, robot, stub, game)
        _run(robot, "tap: quit\nexpect: attract\ntap: guest\ntap: fire\nexpect: games")
    _run(robot, "tap: back\ntap: back\nexpect: attract\ntap: kids\ntap: traffic\ntap: crossing\nexpect: crossing\nwait: 0.5")
    _check_pill(built, robot, stub, "crossing")
    _run(robot, "tap: quit\nexpect: attract\ntap: guest\ntap: fire\ntap: quiz\nexpect: quiz\ntap: lang")
    assert built.app.ui.lang == "en"
    _check_pill(built, robot, stub, "quiz")
    assert [e["shown"] for e in built.log.of("sync_status")][:3] == ["sync.offline", None, "sync.offline"]


def test_parked_records_are_logged_once_per_change_never_shown(
        settings: Settings, database: Database, test_bundle: ContentBundle, now: datetime, built_kiosks) -> None:
    enrol_offline(database, now, "http://sync.example.invalid")
    stub = StubAgent("online")
    built, robot = _build(settings, test_bundle, now, built_kiosks, sync_agent_factory=lambda db, s: stub)
    _run(robot, "wait: 0.5")
    assert built.log.of("sync_parked") == []  # nothing parked: nothing logged
    refused = "session 0189…: 422 invalid_record — answers[0].chosen: too many choices"
    for status in (StubStatus("syncing"), StubStatus("online", parked=3, refusal=refused),
                   StubStatus("syncing", parked=3, refusal=refused),  # same count: no new entry
                   StubStatus("offline", parked=3, refusal=refused),
                   StubStatus("online", parked=5, refusal="2 refused units kept on this kiosk; latest: …"),
                   StubStatus("online")):  # retried and accepted
        stub.current = status
        _run(robot, "wait: 0.5\ntap: guest\ntap: back")  # many frames, a scene change or two
        assert built.app.sync_indicator.shown == ("sync.offline" if status.state == "offline" else None)
    logged = [(e["count"], e["reason"]) for e in built.log.of("sync_parked")]
    assert logged == [(3, refused), (5, "2 refused units kept on this kiosk; latest: …"), (0, None)]


def test_without_a_server_no_agent_no_thread_no_indicator(
        settings: Settings, database: Database, test_bundle: ContentBundle, now: datetime, built_kiosks) -> None:
    built, robot = _build(settings, test_bundle, now, built_kiosks)
    assert built.sync_agent is None and built.app.sync_indicator is None
    assert _sync_threads() == [] and built.log.of("sync") == []
    _run(robot, "tap: guest\ntap: fire\nexpect: quiz")
    assert built.app.top_bar_state() is None and not _pill_shown(built)  # a single machine: no pill
    _run(robot, "tap: option_1\ntap: next\n" * 5 + "expect: results")
    with database.sessions() as session:
        assert session.scalars(select(PlaySession)).one().kiosk_id is None
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 0  # no triggers installed


def test_a_broken_status_never_takes_the_kiosk_down() -> None:
    def broken():
        raise RuntimeError("agent gone")

    changes: list[tuple[str | None, str]] = []
    indicator = SyncIndicator(broken, on_change=lambda shown, state: changes.append((shown, state)))
    assert indicator.refresh() is None and changes == []


def test_enrolled_kiosk_on_a_non_sqlite_database_is_a_clear_start_error(
        settings: Settings, database: Database, test_bundle: ContentBundle, now: datetime, monkeypatch) -> None:
    enrol_offline(database, now, "http://sync.example.invalid")
    from safezone.sync import outbox

    def refuse(engine):
        raise outbox.OutboxError("a kiosk replica is a SQLite database; the server needs no outbox")

    monkeypatch.setattr(outbox, "prepare_replica", refuse)
    disposed: list[KioskDatabase] = []
    original = KioskDatabase.dispose
    monkeypatch.setattr(KioskDatabase, "dispose", lambda self: (disposed.append(self), original(self)))
    with pytest.raises(KioskStartError, match="cannot sync this kiosk's database: a kiosk replica is a SQLite"):
        build_app(settings, clock=SimClock(now), rng=random.Random(1), bundle=test_bundle, log=EventLog())
    assert len(disposed) == 1  # nothing left open half-way
