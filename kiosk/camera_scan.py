"""Card scanning with the kiosk's own camera (opt-in: ``safezone kiosk --camera [DEVICE]``).

A background thread reads frames from a :class:`FrameSource` a few times a second, shrinks
and greys them, and decodes QR codes with zxing-cpp. It never touches the app: decoded texts
and status changes wait in a small buffer that the app takes once a frame
(:meth:`CameraScanner.take`, on the UI thread), where each text becomes the same
:class:`screen.input.Scan` a USB scanner's burst becomes — identification, the greeting and
the "not a card" explanations are the scanner's. What is camera-only lives here:

* a code seen again within ``repeat_seconds`` of its last sighting is not scanned again (a
  card held up for a while is in dozens of frames; it must greet once, not every frame);
* the camera failing to open, or failing later, is one log event and the kiosk runs on; the
  thread retries every ``retry_seconds`` (a camera plugged back in comes back).

Frames live only in memory while being decoded; none is ever stored, drawn or logged, and the
decoded text is no more logged than a scanned one (its length only).
Without ``--camera`` none of this is imported or run: no thread, no per-frame work.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import pygame

#: Frames are shrunk to at most this width before decoding (a card held up fills much of it).
DECODE_WIDTH = 640
#: Size asked of the camera (most USB cameras offer it; small frames cost little to read).
CAPTURE_SIZE = (640, 480)


class CameraError(Exception):
    """The camera cannot be used; the message says why (logged, never shown to residents)."""


class FrameSource(Protocol):
    """Where frames come from: the camera (:class:`PygameCameraSource`) or a test's pictures.

    All three methods are called from the scanner's thread only.
    """

    def open(self) -> None:
        """Get ready to read; raise :class:`CameraError` (or anything) when that is impossible."""
        ...

    def read(self) -> pygame.Surface | None:
        """The latest frame, or None when there is none yet; raising means the source failed."""
        ...

    def close(self) -> None:
        """Release the device (called after a failure too)."""
        ...


def _device_name(device: str) -> str | int:
    """``auto`` → chosen at open; a bare number → that camera (``/dev/videoN`` on Linux)."""
    if device.isdigit():
        return f"/dev/video{device}" if sys.platform.startswith("linux") else int(device)
    return device


class PygameCameraSource:
    """Frames from pygame-ce's own ``pygame.camera`` (V4L2 on Linux, Media Foundation on
    Windows; no OpenCV needed). ``device`` is ``auto`` (the first camera found), a number, or
    a device path such as ``/dev/video2``."""

    def __init__(self, device: str = "auto", size: tuple[int, int] = CAPTURE_SIZE) -> None:
        self.device = device
        self.size = size
        self._camera: Any = None

    def open(self) -> None:
        """Start the camera; CameraError says which one and why it did not start."""
        try:
            import pygame.camera as pgcamera

            pgcamera.init()
            found = pgcamera.list_cameras()
        except Exception as exc:  # no camera support on this build/platform
            raise CameraError(f"pygame.camera is unavailable: {exc.__class__.__name__}: {exc}") from exc
        if self.device == "auto":
            if not found:
                raise CameraError("no camera found")
            device: str | int = found[0]
        else:
            device = _device_name(self.device)
        try:
            # pygame.camera.Camera is only the real class after init().
            camera = pgcamera.Camera(device, self.size, "RGB")
            camera.start()
        except Exception as exc:  # SystemError/pygame.error/OSError from drivers
            raise CameraError(f"cannot open camera {device}: {exc.__class__.__name__}: {exc}") from exc
        self._camera = camera

    def read(self) -> pygame.Surface | None:
        """The next frame from the driver (waits for it: a camera sends 15-30 a second)."""
        if self._camera is None:
            raise CameraError("camera is not open")
        return self._camera.get_image()

    def close(self) -> None:
        """Stop the camera (its light goes off)."""
        camera, self._camera = self._camera, None
        if camera is not None:
            with contextlib.suppress(Exception):  # an unplugged camera may fail to stop too
                camera.stop()


def greyscale_frame(surface: pygame.Surface, max_width: int = DECODE_WIDTH) -> tuple[bytes, int, int]:
    """(one byte per pixel, width, height) of ``surface``, shrunk to at most ``max_width``
    wide: a quarter of the pixels and a third of the bytes of a 720p colour frame to decode."""
    width, height = surface.get_size()
    if width > max_width:
        height = max(1, round(height * max_width / width))
        width = max_width
        surface = pygame.transform.scale(surface, (width, height))
    grey = pygame.transform.grayscale(surface)
    # grayscale() writes the same value into R, G and B: every third byte is the picture.
    return pygame.image.tobytes(grey, "RGB")[::3], width, height


Decoder = Callable[[bytes, int, int], list[str]]


def zxing_decoder() -> Decoder:
    """The zxing-cpp QR decoder (``pip install 'safezone[camera]'``); CameraError without it."""
    try:
        import zxingcpp
    except ImportError as exc:
        raise CameraError("zxing-cpp is not installed (pip install 'safezone[camera]')") from exc

    def decode(pixels: bytes, width: int, height: int) -> list[str]:
        view = zxingcpp.ImageView(memoryview(pixels).cast("B", (height, width)), width, height,
                                  zxingcpp.ImageFormat.Lum)
        return [found.text for found in zxingcpp.read_barcodes(view, formats=zxingcpp.BarcodeFormat.QRCode)]

    return decode


class CameraScanner:
    """The decoding thread and the buffer between it and the app (see the module docstring).

    ``interval``: least seconds between two decoded frames (4 a second by default);
    ``repeat_seconds``: how long after its last sighting a code stays ignored;
    ``retry_seconds``: wait before opening a camera again after it failed.
    """

    def __init__(self, source: FrameSource, *, interval: float = 0.25, repeat_seconds: float = 5.0,
                 retry_seconds: float = 30.0, decoder_factory: Callable[[], Decoder] = zxing_decoder,
                 device: str = "auto") -> None:
        self.source = source
        self.interval = interval
        self.repeat_seconds = repeat_seconds
        self.retry_seconds = retry_seconds
        self.device = device
        self._decoder_factory = decoder_factory
        #: ("code", text) and ("status", fields) from the thread, taken by the app. Bounded: a
        #: stalled UI must not let it grow (a dropped repeat of a held card is no loss).
        self._inbox: deque[tuple[str, Any]] = deque(maxlen=32)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: code → UI-clock time it was last seen (only codes seen within repeat_seconds).
        self._seen: dict[str, float] = {}
        #: Frames decoded so far (tests wait on it; a technician may read it).
        self.frames = 0

    # -- the app's side (UI thread) -------------------------------------------------------------
    def start(self) -> None:
        """Start the thread (opening the camera happens in it: start-up never waits)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="camera-scan", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and release the camera (a driver stuck in a read is left to die
        with the process: the thread is a daemon)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def take(self, now: float, emit: Callable[..., Any]) -> list[str]:
        """Codes to scan now (repeats within ``repeat_seconds`` of their last sighting left
        out); status changes go to ``emit`` (the event log's) on this thread."""
        codes: list[str] = []
        while self._inbox:
            kind, payload = self._inbox.popleft()
            if kind == "status":
                emit("camera", **payload)
                continue
            last = self._seen.get(payload)
            self._seen[payload] = now
            if last is None or now - last >= self.repeat_seconds:
                codes.append(payload)
        if len(self._seen) > 16:
            self._seen = {code: t for code, t in self._seen.items() if now - t < self.repeat_seconds}
        return codes

    # -- the thread -------------------------------------------------------------------------------
    def _status(self, **fields: Any) -> None:
        self._inbox.append(("status", fields))

    def _run(self) -> None:
        last_problem: str | None = None
        while not self._stop.is_set():
            try:
                decode = self._decoder_factory()
                self.source.open()
            except Exception as exc:  # noqa: BLE001 — no camera: the kiosk runs on without it
                problem = str(exc) or exc.__class__.__name__
                if problem != last_problem:  # once, not every retry
                    self._status(state="unavailable", device=self.device, reason=problem)
                    last_problem = problem
                self._close_source()
                self._stop.wait(self.retry_seconds)
                continue
            last_problem = None
            self._status(state="on", device=self.device)
            try:
                self._scan_frames(decode)
            except Exception as exc:  # noqa: BLE001 — unplugged, driver error: retry later
                self._status(state="failed", device=self.device,
                             reason=f"{exc.__class__.__name__}: {exc}")
                self._close_source()
                self._stop.wait(self.retry_seconds)
                continue
        self._close_source()

    def _scan_frames(self, decode: Decoder) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            surface = self.source.read()
            if surface is not None:
                pixels, width, height = greyscale_frame(surface)
                del surface  # nothing of the picture outlives its decoding
                for text in decode(pixels, width, height):
                    self._inbox.append(("code", text))
                self.frames += 1
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def _close_source(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken source must not end the thread
            self.source.close()
