"""``safezone kiosk``: the touchscreen kiosk, windowed, full screen, or headless with a robot.

The kiosk owns this command; ``pyproject.toml`` registers it in the ``safezone.commands``
entry-point group, so the core CLI finds it without naming the kiosk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from safezone.cli.context import CliContext, pass_cli


def _parse_size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"expected WIDTHxHEIGHT such as 1920x1080, got {value!r}") from None
    if width < 320 or height < 180:
        raise click.BadParameter(f"{value} is too small; the kiosk needs at least 320x180")
    return width, height


def _parse_start(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected an ISO time such as 2026-11-28T09:30+08:00, got {value!r}") from None
    if start.tzinfo is None:
        raise click.BadParameter("the start time needs a time zone, e.g. 2026-11-28T09:30+08:00")
    return start


@click.command("kiosk", help="Start the touchscreen kiosk (or drive it headless with a robot script).")
@click.option("--headless", is_flag=True, help="No window, no sound: SDL's dummy drivers (needs --script).")
@click.option("--script", "script", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Robot script to run (see kiosk/README.md).")
@click.option("--screenshots", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the robot's screenshot steps.")
@click.option("--log", "log_path", type=click.Path(path_type=Path, dir_okay=False),
              help="JSON-lines event log (default with --script: robot.jsonl in the screenshots folder or data folder).")
@click.option("--fullscreen", is_flag=True, help="Use the whole screen (the kiosk set-up).")
@click.option("--size", default="1920x1080", show_default=True, help="Window size WIDTHxHEIGHT (scaled from 1920x1080).")
@click.option("--camera", "camera", is_flag=False, flag_value="auto", default=None, metavar="[DEVICE]",
              help="Also scan cards with a camera: the first one found, or DEVICE (a number or a path "
                   "such as /dev/video2). Needs the 'camera' extra (zxing-cpp).")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed for robot runs.")
@click.option("--start", "start", default=None, help="Simulated start time for robot runs (ISO, with zone).")
@pass_cli
def kiosk_cmd(cli: CliContext, headless: bool, script: Path | None, screenshots: Path | None,
              log_path: Path | None, fullscreen: bool, size: str, camera: str | None, seed: int,
              start: str | None) -> None:
    """Run the kiosk; robot failures and start-up problems exit with status 1 and a message."""
    from kiosk.app import KioskOptions
    from kiosk.main import KioskStartError, run_robot, run_windowed

    if camera is not None and not camera.strip():
        raise click.BadParameter("give a camera number or device path, or --camera alone for the first camera",
                                 param_hint="--camera")
    if camera is not None and script is not None:
        raise click.UsageError("--camera is for the real kiosk; a robot script scans with 'scan:' steps")
    options = KioskOptions(window_size=_parse_size(size), fullscreen=fullscreen and not headless, camera=camera)
    settings = cli.settings
    if headless and script is None:
        raise click.UsageError("--headless needs --script FILE (there is nobody to touch a headless kiosk)")
    try:
        if script is not None:
            if log_path is None:
                log_path = (screenshots or settings.data_dir) / "robot.jsonl"
            result = run_robot(settings, script, screenshots=screenshots, log_path=log_path, options=options,
                               seed=seed, start=_parse_start(start))
            if not result.ok:
                raise click.ClickException(f"robot failed: {result.failure} (log: {log_path})")
            click.echo(f"robot ok: {result.steps_done} steps, log {log_path}")
            return
        run_windowed(settings, options, log_path=log_path)
    except KioskStartError as exc:
        raise click.ClickException(str(exc)) from None
