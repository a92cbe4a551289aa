"""Game frame time: continuous drags (and taps) in each game at 1920×1080 on the dummy driver.

Run ``python -m bench.bench_games``. For every game a round is started through the real kiosk
(the repository's content, an in-memory backend) and the robot keeps a card moving: a drag of
24 frames back and forth, released over nothing so the round never ends. Hazard hunt is a tap
game, so it gets taps plus the pulsing hint; crossing gets its traffic simulation and taps on
"walk". Target (issue 4): p95 ≤ 4 ms.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
FRAMES = 1200


@dataclass
class _Backend:
    """Just enough of the kiosk backend for a benchmark (nothing is stored)."""

    def recent_question_ids(self, resident_id, now):
        return set()

    def start_play(self, *, mode, game_type, topic, now, resident_id, language, content_id=None):
        import uuid

        from kiosk.backend import PlayRef

        return PlayRef(id=uuid.uuid4(), mode=mode, topic=topic, resident_id=resident_id)

    def record_answer(self, play, **_):
        import uuid

        return uuid.uuid4()

    def finish_play(self, play, *, score, max_score, now):
        from kiosk.backend import FinishOutcome

        return FinishOutcome(points_awarded=0, balance=None)

    def building_ranking(self, limit=6):
        return []

    def upcoming_roadshows(self, now, limit=3):
        return []

    def identify(self, raw, now):
        from kiosk.backend import IdentifyOutcome

        return IdentifyOutcome(ok=False, reason="unknown")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _start(mode: str, topic: str, game: str):
    from kiosk.app import KioskApp
    from kiosk.clock import SimClock
    from kiosk.eventlog import EventLog
    from kiosk.robot import Robot
    from safezone.content.loader import load_content

    bundle = load_content(Path(__file__).resolve().parents[1] / "content").bundle
    clock = SimClock(NOW)
    app = KioskApp(_Backend(), bundle, clock=clock, rng=random.Random(5), log=EventLog())
    app.start()
    robot = Robot(app, clock, draw_waits=True)  # every frame painted, as on the real screen
    robot.tap(mode)
    robot.tap(topic)
    if app.top.name == "games":
        robot.tap(game)
    if app.top.name != game:
        raise SystemExit(f"could not start {game} for {mode}/{topic} (top scene: {app.top.name})")
    return app, robot


def _drag_frames(robot, start, end, frames: int) -> None:
    """A slow continuous drag, one pointer move per frame, released over nothing."""
    robot.drag(start, end, steps=frames)


def bench_game(mode: str, topic: str, game: str) -> dict[str, float]:
    """Frame times for one game while the player keeps dragging (or tapping)."""
    import pygame

    app, robot = _start(mode, topic, game)
    robot.result.frame_times.clear()
    started = time.perf_counter()
    while len(robot.result.frame_times) < FRAMES:
        if game in ("sort", "sequence"):
            card = "card" if game == "sort" else "card_1"
            start = robot.point_of(card)
            _drag_frames(robot, start, (start[0] + 300, 60), 24)  # up to the header: over nothing
        elif game == "hazard_hunt":
            robot.tap_at(700 + random.random() * 500, 400 + random.random() * 300)
            robot.wait(0.5, 1 / 60)
            if app.top.name == game and app.top.find_widget("ok"):
                robot.tap("ok")
        else:
            robot.tap("walk")
            robot.wait(0.5, 1 / 60)
        if app.top.name != game:
            raise SystemExit(f"{game}: the round ended during the benchmark ({app.top.name})")
    frames = robot.result.frame_times
    elapsed = time.perf_counter() - started
    errors = app.log.of("error")
    pygame.quit()
    return {
        "frames": len(frames),
        "p50_ms": 1000 * _percentile(frames, 0.5),
        "p95_ms": 1000 * _percentile(frames, 0.95),
        "max_ms": 1000 * max(frames),
        "seconds": elapsed,
        "errors": len(errors),
    }


CASES = (
    ("guest", "fire", "hazard_hunt"),
    ("guest", "fire", "sort"),
    ("guest", "home", "sequence"),
    ("kids", "fire", "hazard_hunt"),
    ("kids", "fire", "sort"),
    ("kids", "traffic", "crossing"),
)


def reference_blit_ms() -> float:
    """Median time of one opaque 1920×1080 blit: how fast (or how loaded) this machine is."""
    import statistics

    import pygame

    pygame.display.init()
    screen = pygame.display.set_mode((1920, 1080))
    picture = pygame.Surface((1920, 1080)).convert()
    times = []
    for _ in range(200):
        started = time.perf_counter()
        screen.blit(picture, (0, 0))
        times.append(time.perf_counter() - started)
    pygame.quit()
    return 1000 * statistics.median(times)


def main() -> None:
    """Run every case and print p50/p95/max frame times."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    print(f"reference: one opaque 1920x1080 blit takes {reference_blit_ms():.2f} ms on this machine now")
    print(f"{'mode':6} {'game':12} {'frames':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  target p95 <= 4 ms")
    for mode, topic, game in CASES:
        figures = bench_game(mode, topic, game)
        verdict = "ok" if figures["p95_ms"] <= 4.0 else "OVER"
        print(f"{mode:6} {game:12} {figures['frames']:6d} {figures['p50_ms']:7.2f} {figures['p95_ms']:7.2f} "
              f"{figures['max_ms']:7.2f}  {verdict}{'  errors: ' + str(figures['errors']) if figures['errors'] else ''}")


if __name__ == "__main__":
    main()
