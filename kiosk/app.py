"""The kiosk application: window and scaling, the fixed-step loop, the scene stack and the flow.

The loop: read events → actions (input layer) → scenes; update at a fixed 60 Hz step however
long a frame took; draw the scenes onto the 1920×1080 design canvas; scale it to the window.
Time and randomness come in (``clock``, ``rng``): the robot drives the same app in simulated
time. Scene changes are queued and applied between frames, so a scene never replaces itself
half-way through handling an event.
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from games.base import RoundSetup
from games.registry import game_type
from kiosk import i18n, theme
from kiosk.backend import Backend, BackendError, EventInfo, Player, PlayRef, StaffRef, exclude_for
from kiosk.clock import Clock
from kiosk.eventlog import EventLog
from kiosk.input import Action, InputMapper, Scan, Viewport
from kiosk.scanner import ScannerReader
from kiosk.scene import Scene
from kiosk.sound import Sounds
from kiosk.sync_status import StatusLike, SyncIndicator
from kiosk.text import TextRenderer
from kiosk.ui import Ui
from kiosk.visit import GUEST, KIDS, Visit, visit_for
from safezone.content.bundle import ContentBundle
from safezone.content.disabled import DisabledListError, read_disabled
from safezone.content.schema import TOPICS
from safezone.fonts import font_path

if TYPE_CHECKING:
    from kiosk.camera_scan import CameraScanner


@dataclass(frozen=True)
class KioskOptions:
    """Behaviour a site may tune; the defaults follow DESIGN.md's kiosk conventions."""

    window_size: tuple[int, int] = theme.DESIGN_SIZE
    fullscreen: bool = False
    #: Questions per round for adults (5-10) and for kids (3-5).
    round_size: int = 5
    kids_round_size: int = 3
    #: Seconds per question for adult card holders; None turns the timer off for everyone.
    #: Elders, kids, guests and large-text users never get a timer.
    adult_timer_seconds: float | None = 30.0
    #: Seconds without input before "还在吗？", and its countdown.
    idle_after: float = 60.0
    idle_countdown: float = 20.0
    #: Seconds each tip stays on the attract screen.
    tip_seconds: float = 8.0
    sound: bool = True
    language: str = i18n.DEFAULT_LANGUAGE
    #: Fixed update step in seconds.
    step: float = 1 / 60
    #: Scan cards with a camera too: None (off, the default), ``auto`` (the first camera), a
    #: number or a device path (kiosk/camera_scan.py; ``safezone kiosk --camera [DEVICE]``).
    camera: str | None = None

    def __post_init__(self) -> None:
        if not 5 <= self.round_size <= 10:
            raise ValueError(f"round_size must be 5-10 questions, got {self.round_size}")
        if not 3 <= self.kids_round_size <= 5:
            raise ValueError(f"kids_round_size must be 3-5 questions, got {self.kids_round_size}")
        if self.language not in i18n.LANGUAGES:
            raise ValueError(f"language must be one of {i18n.LANGUAGES}, got {self.language!r}")
        width, height = self.window_size
        if width < 320 or height < 180:
            raise ValueError(f"window {width}x{height} is too small (at least 320x180)")
        if self.camera is not None and not self.camera.strip():
            raise ValueError("camera must be 'auto', a number or a device path, got an empty name")


def _camera_only(source: str) -> dict[str, str]:
    """The ``source`` field of scan log events, for camera scans only (scanner logs unchanged)."""
    return {"source": source} if source != "scanner" else {}


class KioskApp:
    """One kiosk: owns the display, the scene stack and the current visit."""

    def __init__(
        self,
        backend: Backend,
        bundle: ContentBundle,
        *,
        clock: Clock,
        rng: random.Random,
        options: KioskOptions | None = None,
        site_name: str = "锦秀城三期",
        assets_dir: Path | None = None,
        log: EventLog | None = None,
        data_dir: Path | None = None,
        content_version: str | None = None,
    ) -> None:
        self.backend = backend
        #: Data folder holding the admin's list of disabled questions (None: nothing disabled).
        self.data_dir = data_dir
        #: The content played; replaced only between visits (see :meth:`use_content`).
        self.bundle = bundle
        #: Version of the content pack played, or None for the content bundled with the kiosk.
        self.content_version = content_version
        #: Problems of the content played; None: those logged at start-up (kiosk/scenes/games.py).
        self.content_problems: list | None = None
        self.clock = clock
        self.rng = rng
        self.options = options or KioskOptions()
        self.site_name = site_name
        self.assets_dir = assets_dir or Path(__file__).resolve().parent.parent / "assets"
        self.log = log or EventLog()
        self.log.set_time_source(clock.monotonic)
        self.visit: Visit | None = None
        #: The offline indicator when a sync server is configured (set by kiosk/main.py), else
        #: None; refreshed every frame, drawn in every scene's top bar (Scene.draw_top_bar).
        self.sync_indicator: SyncIndicator | None = None
        #: The sync agent's status (set with the indicator): its ``content`` is a newer content
        #: pack, already loaded and checked in the agent's thread, to switch to between visits.
        self.sync_status: Callable[[], StatusLike] | None = None
        #: The camera's QR decoder thread when ``options.camera`` is set (kiosk/main.py starts
        #: and stops it); its codes are taken once a frame and scanned like the USB scanner's.
        self.camera: CameraScanner | None = None
        #: The roadshow this kiosk is switched to (event mode), or None.
        self.event: EventInfo | None = None
        self.stack: list[Scene] = []
        self.running = False
        self.last_activity = 0.0
        self._pending: list[Callable[[], None]] = []
        self._accumulator = 0.0
        self._started = False
        #: Bumped by every input, scene change and toggle; part of the redraw check.
        self._epoch = 0
        self._drawn: tuple | None = None

    # -- start-up ----------------------------------------------------------------------------
    def start(self) -> None:
        """Open the window, stop SDL text input (the scanner must not meet an IME), show attract."""
        pygame.display.init()
        pygame.font.init()
        flags = pygame.FULLSCREEN if self.options.fullscreen else 0
        size = (0, 0) if self.options.fullscreen else self.options.window_size
        self.window = pygame.display.set_mode(size, flags)
        pygame.display.set_caption(f"{self.site_name} · 安全体验区")
        pygame.key.stop_text_input()
        self.viewport = Viewport(self.window.get_size())
        self.canvas = self.window if self.viewport.identity else pygame.Surface(theme.DESIGN_SIZE).convert()
        self.input = InputMapper(self.viewport, ScannerReader())
        self.ui = Ui(
            text=TextRenderer(font_path(), font_path(bold=True)),
            sounds=Sounds(enabled=self.options.sound, on_play=lambda name: self.log.emit("sound", name=name),
                          assets_dir=self.assets_dir),
            assets_dir=self.assets_dir,
            lang=self.options.language,
        )
        self.background = self._make_background()
        self.veil = pygame.Surface(theme.DESIGN_SIZE, pygame.SRCALPHA).convert_alpha()
        self.veil.fill(theme.DIM)
        self.running = True
        self._started = True
        self.last_activity = self.clock.monotonic()
        self.go_attract(reason="start")
        self._apply_pending()

    def _make_background(self) -> pygame.Surface:
        surface = pygame.Surface(theme.DESIGN_SIZE).convert()
        surface.fill(theme.PAPER)
        pygame.draw.rect(surface, theme.PAPER_DEEP, pygame.Rect(0, 0, theme.DESIGN_SIZE[0], 128))
        pygame.draw.rect(surface, theme.SUNNY, pygame.Rect(0, 124, theme.DESIGN_SIZE[0], 8))
        return surface

    def site_title(self, separator: str = " · ") -> str:
        """Community name and zone name (or the roadshow, in event mode), as one line."""
        return separator.join(self.site_title_parts())

    def site_title_parts(self) -> tuple[str, str]:
        """The top bar's title in its two parts: the community's name, and the zone's or (in
        event mode) the roadshow's (laid out by Scene.top_bar_title)."""
        if self.event is not None:
            return self.site_name, self.ui.pick(self.event.title, self.event.title_en)
        return self.site_name, self.ui.tr("attract.welcome")

    def top_bar_state(self) -> str | None:
        """What the top bar shows besides the title and toggles: the sync pill's message key
        while an enrolled kiosk is offline, else None (part of every scene's redraw state)."""
        indicator = self.sync_indicator
        return indicator.shown if indicator is not None else None

    def available_topics(self) -> tuple[str, ...]:
        """The topics players may choose: the event's topics in event mode, else all four."""
        if self.event is not None and self.event.topics:
            return tuple(t for t in TOPICS if t in self.event.topics)
        return tuple(TOPICS)

    # -- the loop ----------------------------------------------------------------------------
    def frame(self, dt: float, draw: bool = True) -> None:
        """One frame: events, fixed-step updates for ``dt`` seconds, idle check, draw.

        ``draw=False`` skips painting (the robot fast-forwarding through a long wait).
        """
        now = self.clock.monotonic()
        for event in pygame.event.get():
            self._handle_event(event, now)
        for action in self.input.poll(now):
            self.dispatch(action)
        if self.camera is not None:
            for code in self.camera.take(now, self.log.emit):
                self.dispatch(Scan(code, source="camera"))
        self._accumulator += dt
        step = self.options.step
        while self._accumulator >= step - 1e-9:
            self._accumulator -= step
            if self.stack:
                self.stack[-1].update(step)
        self._check_idle()
        if self.sync_indicator is not None:
            # One status read a frame (a lock, no I/O); a change reaches every scene's redraw
            # state through top_bar_state().
            self.sync_indicator.refresh()
        self._switch_content_between_visits()
        self._apply_pending()
        if draw:
            self.draw()

    def run(self) -> None:
        """The real-time loop (windowed or fullscreen) until the window is closed.

        A scene error never takes the kiosk down: it is logged, the visit is dropped and the
        attract screen comes back.
        """
        ticker = pygame.time.Clock()
        while self.running:
            # A stalled frame (the machine was busy) must not replay seconds of updates at once.
            dt = min(ticker.tick(60) / 1000.0, 0.25)
            try:
                self.frame(dt)
            except Exception as exc:  # noqa: BLE001 - a public kiosk must keep running
                self.recover(exc)
            if self._drawn_now:
                pygame.display.flip()

    def recover(self, exc: BaseException) -> None:
        """Log an unexpected error and return to a clean attract screen."""
        self.log.emit("error", kind=exc.__class__.__name__, message=str(exc),
                      trace=traceback.format_exc(limit=6))
        self._pending.clear()
        self.stack.clear()
        self.visit = None
        self.go_attract(reason="error")
        self._apply_pending()

    def _handle_event(self, event: pygame.event.Event, now: float) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type in (pygame.WINDOWRESIZED, pygame.WINDOWSIZECHANGED):
            self._resize(self.window.get_size())
            return
        for action in self.input.translate(event, now):
            self.dispatch(action)

    def _resize(self, size: tuple[int, int]) -> None:
        self._epoch += 1
        self.viewport.resize(size)
        if self.viewport.identity:
            self.canvas = self.window
        elif self.canvas is self.window:
            self.canvas = pygame.Surface(theme.DESIGN_SIZE).convert()

    def dispatch(self, action: Action) -> None:
        """Give one action to the top scene; every action counts as someone being there."""
        self.last_activity = self.clock.monotonic()
        self._epoch += 1
        if not self.stack:
            return
        top = self.stack[-1]
        if isinstance(action, Scan):
            if top.accepts_scan:
                self.handle_scan(action.code, source=action.source)
                return
            if top.opaque:
                self.log.emit("scan_ignored", scene=top.name, length=len(action.code),
                              **_camera_only(action.source))
                return
        top.process_action(action)

    def _check_idle(self) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if not top.idle_watch:
            return
        if self.clock.monotonic() - self.last_activity >= self.options.idle_after:
            from kiosk.scenes.idle import IdleScene

            self.push(IdleScene(self))

    _drawn_now = True

    def draw(self, force: bool = False) -> bool:
        """Draw the visible scenes on the canvas and put it in the window.

        Skipped (False) when every visible scene reports an unchanged ``draw_state`` and nothing
        happened since the last frame: the window still shows that frame (see kiosk/redraw.py).
        """
        canvas = self.canvas
        first = 0
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].opaque:
                first = index
                break
        visible = self.stack[first:]
        key = self._frame_key(visible)
        if not force and key is not None and key == self._drawn:
            self._drawn_now = False
            return False
        self._drawn = key
        self._drawn_now = True
        for scene in visible:
            scene.draw(canvas)
        if canvas is not self.window:
            scaled = pygame.transform.smoothscale(canvas, self.viewport.scaled_size)
            self.window.fill((0, 0, 0))
            self.window.blit(scaled, (round(self.viewport.offset[0]), round(self.viewport.offset[1])))
        return True

    def _frame_key(self, visible: list[Scene]) -> tuple | None:
        states = []
        for scene in visible:
            draw_state = getattr(scene, "draw_state", None)
            if draw_state is None:
                return None
            states.append((id(scene), draw_state()))
        return (self._epoch, self.window.get_size(), tuple(states))

    def screenshot(self, path: Path) -> Path:
        """Save the design canvas (what the scenes drew, at 1920×1080) as a PNG."""
        self.draw(force=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.canvas, str(path))
        self.log.emit("screenshot", path=str(path), scene=self.top.name)
        return path

    # -- scene stack -------------------------------------------------------------------------
    @property
    def top(self) -> Scene:
        """The scene receiving input."""
        return self.stack[-1]

    def replace(self, scene: Scene) -> None:
        """Queue: leave every scene on the stack and show ``scene``."""

        def apply() -> None:
            while self.stack:
                self.stack.pop().exit()
            self.stack.append(scene)
            scene.enter()
            self.log.emit("scene", scene=scene.name)

        self._pending.append(apply)

    def push(self, scene: Scene) -> None:
        """Queue: show ``scene`` over the current one (overlays)."""

        def apply() -> None:
            self.stack.append(scene)
            scene.enter()
            self.log.emit("scene", scene=scene.name, overlay=True)

        self._pending.append(apply)

    def pop(self) -> None:
        """Queue: remove the top scene."""

        def apply() -> None:
            if len(self.stack) > 1:
                self.stack.pop().exit()
                self.log.emit("scene", scene=self.stack[-1].name, resumed=True)

        self._pending.append(apply)

    def _apply_pending(self) -> None:
        if self._pending:
            self._epoch += 1
        while self._pending:
            self._pending.pop(0)()

    # -- content updates ----------------------------------------------------------------------
    def _switch_content_between_visits(self) -> None:
        """Take the newer content pack the sync agent offers, only while nobody is playing: the
        attract screen alone on the stack, no visit, no scene change queued. A round in
        progress always finishes on the content it was drawn from."""
        if (self.sync_status is None or self.visit is not None or self._pending
                or len(self.stack) != 1 or self.stack[0].name != "attract"):
            return
        try:
            ready = getattr(self.sync_status(), "content", None)
        except Exception:  # noqa: BLE001 — a broken status must never take the kiosk down
            return
        if ready is not None and ready.version != self.content_version:
            self.use_content(ready.bundle, ready.version)

    def use_content(self, bundle: ContentBundle, version: str | None) -> None:
        """Play ``bundle`` from the next visit on: one reference swap here (the bundle was
        loaded and validated elsewhere), the backend's too, and a fresh attract screen with
        the new tips."""
        from kiosk.scenes.attract import AttractScene

        previous = self.content_version
        self.bundle = bundle
        self.content_version = version
        # A pack is only offered when it loaded without a problem: no game is missing content.
        self.content_problems = []
        set_bundle = getattr(self.backend, "set_bundle", None)  # test doubles have none
        if set_bundle is not None:
            set_bundle(bundle)
        self.log.emit("content_switch", version=version, previous=previous,
                      questions=len(bundle.questions), tips=len(bundle.tips))
        if self._started and self.stack and self.stack[-1].name == "attract":
            self.replace(AttractScene(self))

    # -- settings toggles --------------------------------------------------------------------
    def toggle_language(self) -> None:
        """Switch zh-CN ↔ en on every scene."""
        self.ui.lang = i18n.other_language(self.ui.lang)
        self.log.emit("language", lang=self.ui.lang)
        for scene in self.stack:
            scene.rebuild()

    def toggle_text_size(self) -> None:
        """Switch normal ↔ large text on every scene."""
        self.ui.large = not self.ui.large
        self.log.emit("text_size", large=self.ui.large)
        for scene in self.stack:
            scene.rebuild()

    # -- the flow ----------------------------------------------------------------------------
    def go_attract(self, reason: str) -> None:
        """End any visit and show the attract loop; language and text size go back to default."""
        from kiosk.scenes.attract import AttractScene

        had_visit = self.visit is not None
        self.visit = None
        if self._started:
            self.ui.sounds.stop()
            self.ui.lang = self.options.language
            self.ui.large = False
        if had_visit or reason not in ("start",):
            self.log.emit("session_end", reason=reason)
        self.replace(AttractScene(self))

    def show_identify(self, reason: str | None = None) -> None:
        """The scan-your-card screen, optionally explaining why the last scan failed."""
        from kiosk.scenes.identify import IdentifyScene

        self.replace(IdentifyScene(self, problem=reason))

    def handle_scan(self, code: str, source: str = "scanner") -> None:
        """A card was scanned (USB scanner or camera) on a screen that accepts scans: identify
        and greet, or explain."""
        self.ui.sounds.play("scan")
        self.log.emit("scan", length=len(code), **_camera_only(source))
        try:
            outcome = self.backend.identify(code, self.clock.now())
        except BackendError as exc:
            self.log.emit("error", kind="backend", message=str(exc))
            self.show_identify("unavailable")
            return
        self.log.emit("identify", ok=outcome.ok, reason=outcome.reason)
        if outcome.ok and outcome.player is not None:
            if self.event is not None:
                self._event_check_in(outcome.player)
                return
            self.greet(outcome.player)
            return
        if outcome.reason == "unknown" and self._staff_scan(code):
            return
        self.show_identify(outcome.reason)

    # -- event mode ----------------------------------------------------------------------------
    def _staff_scan(self, code: str) -> bool:
        """A staff card (not a resident's) asks for the PIN; True when it was one."""
        identify_staff = getattr(self.backend, "identify_staff", None)
        if identify_staff is None:  # a backend without event mode (test doubles)
            return False
        try:
            staff = identify_staff(code)
        except BackendError as exc:
            self.log.emit("error", kind="backend", message=str(exc))
            return False
        if staff is None:
            return False
        self.log.emit("staff_card", staff_id=staff.staff_id)
        self.ask_staff_pin(staff)
        return True

    def ask_staff_pin(self, staff: StaffRef) -> None:
        """The PIN pad for a staff member who scanned their card (no visit is running)."""
        from kiosk.scenes.event_mode import StaffPinScene

        self.visit = None
        self.replace(StaffPinScene(self, staff))

    def enter_event(self, event: EventInfo, staff: StaffRef) -> None:
        """Switch to event mode for ``event``: its banner, its topics, plays tagged with it."""
        self.event = event
        self.log.emit("event_mode", on=True, event_id=str(event.id), staff_id=staff.staff_id)
        self.go_attract(reason="event_mode")

    def leave_event(self, staff: StaffRef) -> None:
        """Back to the everyday kiosk."""
        if self.event is not None:
            self.log.emit("event_mode", on=False, event_id=str(self.event.id), staff_id=staff.staff_id)
        self.event = None
        self.go_attract(reason="event_mode")

    def _event_check_in(self, player: Player) -> None:
        """In event mode a resident's scan also checks them in; already checked in: just play."""
        from kiosk.scenes.event_mode import CheckedInScene

        assert self.event is not None
        try:
            outcome = self.backend.check_in(self.event.id, player.resident_id, self.clock.now())  # type: ignore[attr-defined]
        except BackendError as exc:
            self.log.emit("error", kind="backend", message=str(exc))
            self.greet(player)
            return
        self.log.emit("checkin", status=outcome.status, points=outcome.points)
        if outcome.status != "checked_in":
            self.greet(player)
            return
        balance = player.balance + outcome.points
        player = Player(player.resident_id, player.nickname, player.building_label, player.age_group,
                        balance, player.badges)
        self.visit = visit_for(player)
        self.replace(CheckedInScene(self, player=player, points=outcome.points))

    def greet(self, player: Player) -> None:
        """Start a card holder's visit."""
        from kiosk.scenes.greeting import GreetingScene

        self.visit = visit_for(player)
        self.replace(GreetingScene(self))

    def start_guest(self) -> None:
        """A guest visit: nothing personal, no points."""
        from kiosk.scenes.topics import TopicScene

        self.visit = Visit(mode=GUEST)
        self.replace(TopicScene(self))

    def start_kids(self) -> None:
        """A kids' visit without a card."""
        from kiosk.scenes.topics import TopicScene

        self.visit = Visit(mode=KIDS)
        self.replace(TopicScene(self))

    def show_topics(self) -> None:
        """Back to the topic choice for the current visit."""
        from kiosk.scenes.topics import TopicScene

        if self.visit is None:
            self.go_attract(reason="no_visit")
            return
        self.replace(TopicScene(self))

    def today_topic(self) -> str:
        """Today's challenge topic: the four topics take turns by local day."""
        from safezone.services.localtime import local_day

        topics = self.available_topics()
        return topics[local_day(self.clock.now()).toordinal() % len(topics)]

    def disabled_questions(self) -> frozenset[str]:
        """Questions staff switched off or reported as wrong (报告题目有误) in the admin.

        Read per round so a change applies at once.
        """
        disabled: frozenset[str] = frozenset()
        if self.data_dir is not None:
            try:
                disabled = read_disabled(self.data_dir)
            except DisabledListError as exc:
                # A damaged list must not stop residents from playing: log it, ask the rest.
                self.log.emit("error", kind="DisabledListError", message=str(exc))
        withdrawn = getattr(self.backend, "withdrawn_question_ids", None)  # test doubles lack it
        if withdrawn is not None:
            try:
                disabled |= withdrawn()
            except BackendError as exc:
                # The round's own writes need the same database and will say so; log this one.
                self.log.emit("error", kind="backend", message=str(exc))
        return disabled

    def round_setup(self, topic: str) -> RoundSetup:
        """How the next round for the current visit is drawn."""
        visit = self.visit or Visit(mode=GUEST)
        now = self.clock.now()
        disabled = self.disabled_questions()
        if visit.kids:
            return RoundSetup(topic=topic, audience="kids", difficulty_max=2,
                              count=self.options.kids_round_size, timer_seconds=None,
                              exclude_ids=exclude_for(self.backend, visit.resident_id, now),
                              disabled_ids=disabled)
        timed = visit.mode == "resident" and not visit.elder and not self.ui.large
        return RoundSetup(
            topic=topic, audience="adult", difficulty_max=2 if visit.elder else 3,
            count=self.options.round_size,
            timer_seconds=self.options.adult_timer_seconds if timed else None,
            exclude_ids=exclude_for(self.backend, visit.resident_id, now),
            disabled_ids=disabled,
        )

    def start_round(self, topic: str, kind: str = "quiz") -> str | None:
        """Draw a round and start its session; returns a problem key when it cannot start."""
        if self.visit is None:
            self.go_attract(reason="no_visit")
            return None
        game = game_type(kind)
        try:
            setup = self.round_setup(topic)
        except BackendError:
            return "scan.unavailable"
        rules = game.new_round(self.bundle, setup, self.rng)
        if rules is None:
            self.log.emit("round_empty", topic=topic)
            return "topics.empty"
        mode = "kids" if self.visit.kids else self.visit.mode
        try:
            play = self.backend.start_play(
                mode=mode, game_type=game.name, topic=topic, now=self.clock.now(),
                resident_id=self.visit.resident_id, language=self.ui.lang, content_id=rules.content_id,
                **({"roadshow_id": self.event.id} if self.event is not None else {}),
            )
        except BackendError as exc:
            self.log.emit("error", kind="backend", message=str(exc))
            return "scan.unavailable"
        self.log.emit("round", topic=topic, game=game.name, questions=rules.max_score,
                      timer=setup.timer_seconds, session_id=str(play.id))
        self.replace(game.view_class()(self, rules=rules, play=play))
        return None

    def finish_round(self, play: PlayRef, score: int, max_score: int, *, game: str = "quiz") -> None:
        """Finish the session and show the results (``game``: the game type, for the score's wording)."""
        from kiosk.scenes.results import ResultsScene

        try:
            outcome = self.backend.finish_play(play, score=score, max_score=max_score, now=self.clock.now())
        except BackendError as exc:
            self.log.emit("error", kind="backend", message=str(exc))
            outcome = None
        if outcome is not None and self.visit is not None:
            self.visit = self.visit.with_balance(outcome.balance, outcome.new_badges)
        self.ui.sounds.play("badge" if outcome is not None and outcome.new_badges else "finish")
        ranking = self.backend.building_ranking(limit=6)
        self.replace(ResultsScene(self, score=score, max_score=max_score, outcome=outcome, ranking=ranking, game=game))
