"""Kiosk fixtures: a test content bundle, a fake backend, and a started app with its robot."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pygame
import pytest
from kiosk_fakes import KIOSK_START, FakeBackend, write_games_content, write_test_content

from kiosk.app import KioskApp, KioskOptions
from kiosk.clock import SimClock
from kiosk.eventlog import EventLog
from kiosk.main import BuiltKiosk
from kiosk.robot import Robot, parse_script
from safezone.content.bundle import ContentBundle
from safezone.content.loader import load_content


@pytest.fixture(scope="session")
def test_bundle(tmp_path_factory: pytest.TempPathFactory) -> ContentBundle:
    """The small content bundle of tests/kiosk/kiosk_fakes.py (loaded once)."""
    root = write_test_content(tmp_path_factory.mktemp("content"))
    result = load_content(root)
    assert result.problems == []
    return result.bundle


@pytest.fixture(scope="session")
def games_bundle(tmp_path_factory: pytest.TempPathFactory) -> ContentBundle:
    """Questions plus one item for each game (tests/kiosk/kiosk_fakes.py, loaded once)."""
    result = load_content(write_games_content(tmp_path_factory.mktemp("games")))
    assert result.problems == []
    return result.bundle


@pytest.fixture
def fake_backend() -> FakeBackend:
    """A fresh in-memory backend."""
    return FakeBackend()


class Driven:
    """A started app, its simulated clock, and a robot to drive it."""

    def __init__(self, app: KioskApp, clock: SimClock, robot: Robot) -> None:
        self.app = app
        self.clock = clock
        self.robot = robot

    def run(self, script: str) -> None:
        """Run script lines; fail the test with the robot's message if a step fails."""
        result = self.robot.run(parse_script(script))
        assert result.ok, result.failure

    @property
    def scene(self) -> str:
        """Name of the scene on top."""
        return self.app.top.name

    def events(self, kind: str) -> list[dict]:
        """Logged events of one kind."""
        return self.app.log.of(kind)


@pytest.fixture
def make_kiosk(test_bundle: ContentBundle, fake_backend: FakeBackend, tmp_path: Path) -> Iterator[Callable[..., Driven]]:
    """Factory: start a kiosk on the dummy driver (options and backend may be overridden)."""
    started: list[KioskApp] = []

    def make(options: KioskOptions | None = None, backend=None, bundle: ContentBundle | None = None,
             seed: int = 7, screenshots: Path | None = None) -> Driven:
        clock = SimClock(KIOSK_START)
        app = KioskApp(backend or fake_backend, bundle or test_bundle, clock=clock, rng=random.Random(seed),
                       options=options or KioskOptions(), log=EventLog())
        app.start()
        started.append(app)
        return Driven(app, clock, Robot(app, clock, screenshots or tmp_path / "shots"))

    yield make
    pygame.quit()


@pytest.fixture
def built_kiosks() -> Iterator[list[BuiltKiosk]]:
    """Closes every kiosk a test built with ``kiosk.main.build_app`` and added to this list
    (stops its agent, disposes its database)."""
    made: list[BuiltKiosk] = []
    yield made
    for built in made:
        built.close()
    pygame.quit()
