"""Card scanning with the kiosk's camera (kiosk/camera_scan.py), through a fake frame source:
pictures in, the same greeting / "not a card" a USB scan gets out; repeats ignored; a camera
that fails never stops the kiosk; the thread ends with the kiosk."""

from __future__ import annotations

import io
import queue
import random
import time
from collections.abc import Callable
from datetime import datetime

import click
import pygame
import pytest
import qrcode
from click.testing import CliRunner
from kiosk_db import make_card_holder
from kiosk_fakes import GOOD_CODE, KIOSK_START, FakeBackend

from kiosk.app import KioskOptions
from kiosk.camera_scan import CameraError, CameraScanner, greyscale_frame, zxing_decoder
from kiosk.cli import kiosk_cmd
from kiosk.clock import SimClock
from kiosk.eventlog import EventLog
from kiosk.main import BuiltKiosk, build_app
from kiosk.robot import Robot, parse_script
from safezone.app_context import Database
from safezone.cards.render import qr_png
from safezone.cli.context import CliContext
from safezone.config import Settings
from safezone.content.bundle import ContentBundle

FRAME_SIZE = (1280, 720)  # a 720p camera: shrunk to 640 wide before decoding


def _on_frame(picture: pygame.Surface, at: tuple[int, int] = (420, 160)) -> pygame.Surface:
    frame = pygame.Surface(FRAME_SIZE)
    frame.fill((118, 112, 104))  # a grey-brown room behind the card
    frame.blit(picture, at)
    return frame


def card_frame(code: str) -> pygame.Surface:
    """A camera frame with a real card's QR (the project's card rendering) held up in it."""
    return _on_frame(pygame.image.load(io.BytesIO(qr_png(code, box=10))))


def text_frame(text: str) -> pygame.Surface:
    """A camera frame with any QR (a poster's link, a test code the card rendering refuses)."""
    buffer = io.BytesIO()
    qrcode.make(text, box_size=10).save(buffer)
    buffer.seek(0)
    return _on_frame(pygame.image.load(buffer))


def blank_frame() -> pygame.Surface:
    """A camera frame with nothing to read."""
    return _on_frame(pygame.Surface((1, 1)))


class FakeFrames:
    """A frame source fed by the test: each shown picture is read once, in order."""

    def __init__(self, fail_open: str | None = None, fail_read_after: int | None = None) -> None:
        self.fail_open = fail_open
        self.fail_read_after = fail_read_after
        self.frames: queue.Queue[pygame.Surface] = queue.Queue()
        self.opened = 0
        self.closed = 0
        self.reads = 0

    def show(self, *frames: pygame.Surface) -> None:
        """Put frames in front of the camera."""
        for frame in frames:
            self.frames.put(frame)

    def open(self) -> None:
        """Open, or fail like a missing camera."""
        self.opened += 1
        if self.fail_open is not None:
            raise CameraError(self.fail_open)

    def read(self) -> pygame.Surface | None:
        """The next shown frame, None when nothing is shown; fails when told to."""
        if self.fail_read_after is not None and self.reads >= self.fail_read_after:
            self.fail_read_after = None  # fails once: the retry opens it again
            raise SystemError("VIDIOC_DQBUF: No such device")
        try:
            frame = self.frames.get(timeout=0.02)
        except queue.Empty:
            return None
        self.reads += 1
        return frame

    def close(self) -> None:
        """Count closes."""
        self.closed += 1


class CameraKiosk:
    """A built, started kiosk with a camera on a fake source, and a robot."""

    def __init__(self, built: BuiltKiosk, clock: SimClock, source: FakeFrames) -> None:
        self.built = built
        self.app = built.app
        self.camera = built.camera
        self.source = source
        self.robot = Robot(built.app, clock)

    def run(self, script: str) -> None:
        """Run robot steps; fail the test with the robot's message."""
        result = self.robot.run(parse_script(script))
        assert result.ok, result.failure

    def show(self, *frames: pygame.Surface) -> None:
        """Show frames to the camera, wait until the thread decoded them, run a few UI frames."""
        assert self.camera is not None
        target = self.camera.frames + len(frames)
        self.source.show(*frames)
        _wait_for(lambda: self.camera.frames >= target, "the camera thread to decode the frames")
        self.run("wait: 0.1")

    def events(self, kind: str) -> list[dict]:
        """Logged events of one kind."""
        return self.app.log.of(kind)


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


@pytest.fixture
def camera_kiosk(settings: Settings, test_bundle: ContentBundle, built_kiosks: list[BuiltKiosk]):
    """Factory: a kiosk started with ``camera='auto'`` on a FakeFrames source (fast thread);
    ``backend=None`` is the real backend on the settings' (migrated) database."""

    def make(source: FakeFrames | None = None, backend=None, now: datetime = KIOSK_START) -> CameraKiosk:
        source = source or FakeFrames()
        clock = SimClock(now)

        def factory(device: str) -> CameraScanner:
            assert device == "auto"
            return CameraScanner(source, interval=0.0, retry_seconds=0.05, device=device)

        built = build_app(settings, clock=clock, rng=random.Random(3), options=KioskOptions(camera="auto"),
                          log=EventLog(), backend=backend, bundle=test_bundle, camera_factory=factory)
        built_kiosks.append(built)
        built.app.start()
        built.start_camera()
        return CameraKiosk(built, clock, source)

    return make


def test_a_card_held_to_the_camera_greets_its_holder(camera_kiosk, database: Database, now: datetime) -> None:
    _, code, _ = make_card_holder(database, nickname="阿明", now=now)
    kiosk = camera_kiosk(now=now)  # the real backend on the test database
    kiosk.show(blank_frame(), blank_frame())
    kiosk.run("expect: attract")
    assert kiosk.events("scan") == []
    kiosk.show(card_frame(code))
    kiosk.run("expect: greeting")
    assert kiosk.app.visit is not None and kiosk.app.visit.player.nickname == "阿明"
    assert kiosk.events("identify")[-1]["ok"] is True
    (scan,) = kiosk.events("scan")
    assert scan["length"] == 16 and scan["source"] == "camera"
    # Neither the code nor any picture reaches the log.
    assert code not in repr(kiosk.app.log.events)
    assert kiosk.events("camera")[0]["state"] == "on"


def test_a_qr_that_is_not_a_card_gets_the_scanners_explanation(camera_kiosk, database: Database,
                                                               now: datetime) -> None:
    kiosk = camera_kiosk(now=now)
    kiosk.show(text_frame("https://weixin.qq.com/g/AbCdEf123"))
    kiosk.run("expect: identify")
    assert kiosk.events("identify")[-1] == {**kiosk.events("identify")[-1], "ok": False, "reason": "character"}
    assert kiosk.app.top.problem == "character"
    kiosk.run("tap: guest\nexpect: topics")  # the kiosk carries on as after a bad USB scan


def test_a_card_held_up_greets_once_until_it_was_away_a_while(camera_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = camera_kiosk(backend=fake_backend)
    held = text_frame(GOOD_CODE)
    kiosk.show(held, held, held)  # three frames of the same card: one scan
    kiosk.run("expect: greeting")
    assert fake_backend.identified == [GOOD_CODE]
    for _ in range(4):  # still held up, 2 s apart: never rescanned (each sighting extends the window)
        kiosk.run("wait: 2")
        kiosk.show(held)
    assert fake_backend.identified == [GOOD_CODE]
    kiosk.run("wait: 5.5")  # taken away for longer than repeat_seconds (5 s)
    kiosk.show(held)
    assert fake_backend.identified == [GOOD_CODE, GOOD_CODE]
    assert len(kiosk.events("scan")) == 2


def test_a_camera_that_will_not_open_is_logged_and_the_kiosk_runs_on(camera_kiosk) -> None:
    source = FakeFrames(fail_open="no camera found")
    kiosk = camera_kiosk(source=source, backend=FakeBackend())
    _wait_for(lambda: source.opened >= 3, "the retries")
    kiosk.run("wait: 0.1\nexpect: attract\ntap: guest\nexpect: topics")
    # Once, not once per retry.
    assert kiosk.events("camera") == [{**kiosk.events("camera")[0], "state": "unavailable",
                                       "device": "auto", "reason": "no camera found"}]


def test_a_camera_that_fails_while_running_comes_back(camera_kiosk, fake_backend: FakeBackend) -> None:
    source = FakeFrames(fail_read_after=1)
    kiosk = camera_kiosk(source=source, backend=fake_backend)
    kiosk.show(blank_frame())
    _wait_for(lambda: source.opened >= 2, "the camera to be opened again")
    kiosk.show(text_frame(GOOD_CODE))
    kiosk.run("expect: greeting")
    states = [e["state"] for e in kiosk.events("camera")]
    assert states == ["on", "failed", "on"]
    assert "No such device" in kiosk.events("camera")[1]["reason"]


def test_a_missing_decoder_is_logged_like_a_missing_camera(settings, test_bundle, built_kiosks) -> None:
    def no_zxing():
        raise CameraError("zxing-cpp is not installed (pip install 'safezone[camera]')")

    source = FakeFrames()
    built = build_app(settings, clock=SimClock(KIOSK_START), rng=random.Random(1),
                      options=KioskOptions(camera="auto"), log=EventLog(), backend=FakeBackend(),
                      bundle=test_bundle,
                      camera_factory=lambda device: CameraScanner(source, decoder_factory=no_zxing,
                                                                  retry_seconds=60))
    built_kiosks.append(built)
    built.app.start()
    built.start_camera()
    robot = Robot(built.app, built.clock)  # type: ignore[arg-type]
    _wait_for(lambda: len(built.camera._inbox) > 0, "the camera's status")  # type: ignore[union-attr]
    assert robot.run(parse_script("wait: 0.1\nexpect: attract")).ok
    (event,) = built.log.of("camera")
    assert event["state"] == "unavailable" and "safezone[camera]" in event["reason"]
    assert source.opened == 0


def test_the_camera_thread_stops_with_the_kiosk(camera_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = camera_kiosk(backend=fake_backend)
    kiosk.show(blank_frame())
    assert kiosk.camera.running
    kiosk.built.close()
    assert not kiosk.camera.running
    assert kiosk.source.closed >= 1
    assert kiosk.events("camera")[-1] == {**kiosk.events("camera")[-1], "state": "stopped", "running": False}


def test_without_the_option_there_is_no_camera(settings, test_bundle, built_kiosks) -> None:
    built = build_app(settings, clock=SimClock(KIOSK_START), rng=random.Random(1), log=EventLog(),
                      backend=FakeBackend(), bundle=test_bundle,
                      camera_factory=lambda device: pytest.fail("no camera without --camera"))
    built_kiosks.append(built)
    assert built.camera is None and built.app.camera is None


def test_frames_are_shrunk_and_greyed_before_decoding() -> None:
    pixels, width, height = greyscale_frame(text_frame(GOOD_CODE))
    assert (width, height) == (640, 360) and len(pixels) == 640 * 360
    assert zxing_decoder()(pixels, width, height) == [GOOD_CODE]
    small = pygame.Surface((320, 240))
    assert greyscale_frame(small)[1:] == (320, 240)  # never enlarged


@pytest.mark.parametrize(("args", "camera"), [([], None), (["--camera"], "auto"), (["--camera", "2"], "2"),
                                              (["--camera", "/dev/video4", "--fullscreen"], "/dev/video4")])
def test_the_camera_option(args: list[str], camera: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    seen: list[KioskOptions] = []
    monkeypatch.setattr("kiosk.main.run_windowed", lambda settings, options, log_path=None: seen.append(options))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(kiosk_cmd, args, obj=CliContext(),
                                env={"SAFEZONE_DATA_DIR": str(tmp_path), "SAFEZONE_CONFIG": ""})
    assert result.exit_code == 0, result.output
    assert seen[0].camera == camera


def test_the_camera_is_not_for_robot_scripts(tmp_path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("expect: attract\n", encoding="utf-8")
    result = CliRunner().invoke(kiosk_cmd, ["--camera", "--headless", "--script", str(script)], obj=CliContext())
    assert result.exit_code == click.UsageError.exit_code
    assert "--camera is for the real kiosk" in result.output
    with pytest.raises(ValueError, match="camera must be"):
        KioskOptions(camera=" ")
