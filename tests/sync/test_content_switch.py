"""A real kiosk, its real sync agent and a live server: a new content pack reaches the screen.

The agent pulls and installs the pack, loads it in its own thread and offers it in its status;
the kiosk switches to it on the attract screen, and starts on it after a restart.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pygame
import pytest
from sync_support import LiveServer, live_server, make_api_app, open_replica, write_small_content

from kiosk.clock import SimClock
from kiosk.eventlog import EventLog
from kiosk.main import BuiltKiosk, build_app
from kiosk.robot import Robot, parse_script
from safezone.app_context import Database
from safezone.config import Settings
from safezone.sync import replica, tokens
from safezone.sync.agent import SyncAgent, enrol_replica


@pytest.fixture
def server_content(tmp_path: Path) -> Path:
    """The content folder the server packs for its kiosks."""
    return write_small_content(tmp_path / "server-content", "服务器提示一")


@pytest.fixture
def server(settings: Settings, database: Database, clock, server_content: Path) -> Iterator[LiveServer]:
    """The admin app's sync API on a real HTTP port (SQLite server database)."""
    app = make_api_app(replace(settings, content_dir=server_content), clock)
    with live_server(app) as live:
        yield live
    app.extensions["safezone"].database.dispose()


@pytest.fixture
def kiosk_settings(server: LiveServer, database: Database, tmp_path: Path, now: datetime) -> Settings:
    """An enrolled kiosk's settings: its own data folder and bundled content."""
    with database.sessions() as session:
        ticket = tokens.create_kiosk(session, "1号地块5栋架空层", now=now, rng=random.Random(1))
        session.commit()
    kiosk = Settings(data_dir=tmp_path / "kiosk",
                     content_dir=write_small_content(tmp_path / "bundled", "本机自带提示"))
    db = open_replica(kiosk.data_dir)
    enrol_replica(db, server.url, ticket.code)
    db.dispose()
    return kiosk


@pytest.fixture
def kiosks() -> Iterator[list[BuiltKiosk]]:
    made: list[BuiltKiosk] = []
    yield made
    for built in made:
        built.close()
    pygame.quit()


def _start(settings: Settings, now: datetime, made: list[BuiltKiosk]) -> tuple[BuiltKiosk, SyncAgent]:
    built = build_app(settings, clock=SimClock(now), rng=random.Random(1), log=EventLog())
    made.append(built)
    built.app.start()  # the agent's thread is not started: the test runs its rounds
    assert isinstance(built.sync_agent, SyncAgent)
    return built, built.sync_agent


def _round(agent: SyncAgent) -> None:
    agent.run_round()
    assert agent.status().state == "online", agent.status()
    assert agent.status().last_error is None


def _tips(built: BuiltKiosk) -> list[str]:
    """The tips the attract screen rotates through, after one more frame."""
    robot = Robot(built.app, built.clock, built.app.data_dir / "shots")
    result = robot.run(parse_script("wait: 0.1\nexpect: attract"))
    assert result.ok, result.failure
    return [tip.text.zh for tip in built.app.top.tips]


def test_a_pulled_pack_is_played_at_once_and_after_a_restart(
        kiosk_settings: Settings, server_content: Path, now: datetime, kiosks) -> None:
    built, agent = _start(kiosk_settings, now, kiosks)
    assert built.app.content_version is None and _tips(built) == ["本机自带提示"]
    packs = kiosk_settings.data_dir / "content-packs"

    _round(agent)  # first pull: installed, loaded in the agent's thread, offered
    first = replica.current_pack_version(packs)
    assert first is not None and agent.status().content.version == first
    assert _tips(built) == ["服务器提示一"] and built.app.content_version == first

    _round(agent)  # unchanged on the server (304): nothing new offered
    assert agent.status().content.version == first
    assert len(built.log.of("content_switch")) == 1

    # Staff edit the content on the server: the next round brings it to the screen.
    write_small_content(server_content, "服务器提示二")
    _round(agent)
    second = replica.current_pack_version(packs)
    assert second not in (None, first)
    assert _tips(built) == ["服务器提示二"] and built.app.content_version == second
    assert [(e["previous"], e["version"]) for e in built.log.of("content_switch")] == [
        (None, first), (first, second)]

    # A content file the server packs but the kiosk cannot load: the kiosk keeps the last pack.
    (server_content / "tips.yml").write_text("kind: tips\ntips: [\n", encoding="utf-8")
    agent.run_round()
    assert agent.status().state == "online" and "tips.yml" in (agent.status().last_error or "")
    assert replica.current_pack_version(packs) == second and built.app.content_version == second

    # Restarted, the kiosk starts on the pack it played; the agent does not offer it again.
    built.close()
    kiosks.remove(built)
    built, agent = _start(kiosk_settings, now, kiosks)
    (event,) = built.log.of("content")
    assert (event["source"], event["version"]) == ("pack", second)
    assert _tips(built) == ["服务器提示二"]
    write_small_content(server_content, "服务器提示二")  # the server's content is fixed again
    _round(agent)
    assert agent.status().content is None and built.log.of("content_switch") == []
