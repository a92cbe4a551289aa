"""The kiosk plays the content pack it pulled: at start-up, and a newer one between visits only."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from kiosk_fakes import StubAgent, StubReady, StubStatus, enrol_offline, write_test_content

from kiosk.clock import SimClock
from kiosk.eventlog import EventLog
from kiosk.main import BuiltKiosk, build_app, packs_dir
from kiosk.robot import Robot, parse_script
from safezone.app_context import Database
from safezone.config import Settings
from safezone.content.loader import load_content
from safezone.sync.export import build_content_pack
from safezone.sync.replica import install_content_pack
from safezone.sync.schemas import ContentPack

#: Only in the new pack: its tip and the wording of its fire questions.
NEW_TIP = "电动车不进楼，不在楼道充电。"
NEW_FIRE_PROMPT = "新版消防题"
#: Only in the content bundled with the kiosk (tests/kiosk/kiosk_fakes.py).
OLD_FIRE_PROMPT = "fire成人题"


def _new_content(root: Path) -> Path:
    """The kiosk's test content with one new tip and the fire questions reworded."""
    write_test_content(root)
    (root / "tips.yml").write_text(
        f"kind: tips\ntips:\n  - {{id: tip-new, topic: fire, text: {{zh: {NEW_TIP}, "
        "en: E-bikes stay outside; never charge them in the stairwell.}}\n", encoding="utf-8")
    fire = root / "questions" / "fire.yml"
    fire.write_text(fire.read_text(encoding="utf-8").replace(OLD_FIRE_PROMPT, NEW_FIRE_PROMPT),
                    encoding="utf-8")
    return root


@pytest.fixture
def kiosk_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with the small test content as the kiosk's bundled content."""
    return replace(settings, content_dir=write_test_content(tmp_path / "bundled"))


def _install(settings: Settings, content: Path) -> ContentPack:
    """What a sync round does with a pulled pack."""
    pack = build_content_pack(content)
    install_content_pack(pack, packs_dir(settings))
    return pack


def _build(settings: Settings, now: datetime, made: list[BuiltKiosk]) -> tuple[BuiltKiosk, Robot]:
    """A kiosk built as ``safezone kiosk`` builds it (content from disk), with a stand-in agent."""
    clock = SimClock(now)
    built = build_app(settings, clock=clock, rng=random.Random(3), log=EventLog(),
                      sync_agent_factory=lambda database, settings: StubAgent())
    made.append(built)
    built.app.start()
    built.start_sync()
    return built, Robot(built.app, clock, settings.data_dir / "shots")


def _run(robot: Robot, script: str) -> None:
    result = robot.run(parse_script(script))
    assert result.ok, result.failure


def _content_event(built: BuiltKiosk) -> dict:
    (event,) = built.log.of("content")
    return {k: v for k, v in event.items() if k != "t"}


def _fire_prompt(built: BuiltKiosk) -> str:
    assert built.app.top.name == "quiz"
    return built.app.top.rules.current.question.prompt.zh


def test_an_enrolled_kiosk_starts_on_its_pulled_content_pack(
        kiosk_settings: Settings, database: Database, now: datetime, tmp_path: Path, built_kiosks) -> None:
    pack = _install(kiosk_settings, _new_content(tmp_path / "server-content"))
    enrol_offline(database, now, "http://sync.example.invalid")
    built, robot = _build(kiosk_settings, now, built_kiosks)
    assert built.app.content_version == pack.version
    assert _content_event(built) == {"event": "content", "source": "pack", "version": pack.version,
                                     "questions": 52, "tips": 1}
    assert built.log.of("content_pack_problem") == []
    assert [tip.text.zh for tip in built.app.top.tips] == [NEW_TIP]
    _run(robot, "screenshot: attract-pack\ntap: guest\ntap: fire")
    assert NEW_FIRE_PROMPT in _fire_prompt(built)


def test_a_kiosk_without_a_server_ignores_content_packs(
        kiosk_settings: Settings, database: Database, now: datetime, tmp_path: Path, built_kiosks) -> None:
    _install(kiosk_settings, _new_content(tmp_path / "server-content"))
    built, _ = _build(kiosk_settings, now, built_kiosks)  # never enrolled: single machine
    assert built.app.content_version is None and built.sync_agent is None
    assert _content_event(built)["source"] == "bundled"
    assert "tip-new" not in built.app.bundle.tips


@pytest.mark.parametrize("damage", ["invalid_file", "folder_gone"])
def test_a_broken_pack_falls_back_to_the_bundled_content_and_says_why(
        kiosk_settings: Settings, database: Database, now: datetime, tmp_path: Path, built_kiosks,
        damage: str) -> None:
    pack = _install(kiosk_settings, _new_content(tmp_path / "server-content"))
    folder = packs_dir(kiosk_settings) / pack.version
    if damage == "invalid_file":
        (folder / "tips.yml").write_text("kind: tips\ntips: [\n", encoding="utf-8")
    else:
        shutil.rmtree(folder)
    enrol_offline(database, now, "http://sync.example.invalid")
    built, robot = _build(kiosk_settings, now, built_kiosks)
    assert built.app.content_version is None
    (problem,) = built.log.of("content_pack_problem")
    assert problem["version"] == pack.version
    assert ("tips.yml" if damage == "invalid_file" else "not a folder") in problem["message"]
    assert _content_event(built)["source"] == "bundled"
    assert built.log.of("content_problem") == []  # the bundled content itself is fine
    assert "tip-one" in built.app.bundle.tips
    _run(robot, "tap: guest\ntap: fire")
    assert OLD_FIRE_PROMPT in _fire_prompt(built)


def test_a_new_pack_is_switched_to_only_after_the_visit_ends(
        kiosk_settings: Settings, database: Database, now: datetime, tmp_path: Path, built_kiosks) -> None:
    enrol_offline(database, now, "http://sync.example.invalid")
    built, robot = _build(kiosk_settings, now, built_kiosks)
    app, agent = built.app, built.sync_agent
    assert isinstance(agent, StubAgent)
    bundled = app.bundle
    _run(robot, "tap: guest\ntap: fire")
    assert OLD_FIRE_PROMPT in _fire_prompt(built)

    # The agent installed and loaded a new pack while a guest is playing.
    new = load_content(_new_content(tmp_path / "server-content")).bundle
    agent.current = StubStatus("online", StubReady("v2", new))
    for _ in range(5):
        _run(robot, "tap: option_1\ntap: next")
        assert app.bundle is bundled and app.content_version is None
    _run(robot, "expect: results\ntap: again\ntap: fire")  # the same visit goes on
    assert OLD_FIRE_PROMPT in _fire_prompt(built)
    assert app.bundle is bundled and built.log.of("content_switch") == []

    # The visit ends: back on the attract screen the kiosk plays the new pack.
    _run(robot, "tap: quit\nwait: 0.1\nexpect: attract")  # a guest who quits leaves
    assert app.bundle is new and app.content_version == "v2"
    assert app.backend._bundle is new  # badges are awarded from the new pack too
    (switch,) = built.log.of("content_switch")
    assert (switch["version"], switch["previous"], switch["tips"]) == ("v2", None, 1)
    events = [e["event"] for e in built.log.events]
    assert events.index("content_switch") > max(i for i, e in enumerate(events) if e == "session_end")
    assert [tip.text.zh for tip in app.top.tips] == [NEW_TIP]
    _run(robot, "screenshot: attract-after-switch\ntap: guest\ntap: fire")
    assert NEW_FIRE_PROMPT in _fire_prompt(built)
    assert len(built.log.of("content_switch")) == 1  # offered again, but already played


def test_nothing_is_switched_on_the_identify_screen(
        kiosk_settings: Settings, database: Database, now: datetime, tmp_path: Path, built_kiosks) -> None:
    enrol_offline(database, now, "http://sync.example.invalid")
    built, robot = _build(kiosk_settings, now, built_kiosks)
    _run(robot, "tap: scan\nexpect: identify")
    new = load_content(_new_content(tmp_path / "server-content")).bundle
    built.sync_agent.current = StubStatus("online", StubReady("v2", new))  # type: ignore[union-attr]
    _run(robot, "wait: 1")
    assert built.app.content_version is None  # someone is about to scan a card
    _run(robot, "tap: back\nwait: 0.1\nexpect: attract")
    assert built.app.content_version == "v2"
