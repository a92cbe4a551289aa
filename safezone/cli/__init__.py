"""The ``safezone`` command line. Exit codes: 0 ok, 1 user error (clear message), 2 usage."""

from __future__ import annotations

from pathlib import Path

import click

from safezone.cli.core_cmds import init_cmd, run_cmd
from safezone.cli.cards_cmd import cards
from safezone.cli.community_cmd import COMMANDS as COMMUNITY_COMMANDS
from safezone.cli.content_cmd import content
from safezone.cli.context import CliContext
from safezone.cli.kiosk_cmd import kiosk_cmd


@click.group(help="safezone — 社区安全教育互动终端与活动管理 / safety-education kiosk and admin.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Settings file (TOML). Default: $SAFEZONE_CONFIG or ./safezone.toml if present.",
)
@click.version_option(package_name="safezone")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None) -> None:
    """Root group: stores the settings file choice; settings load lazily per command."""
    ctx.obj = CliContext(config_file=config_file)


cli.add_command(init_cmd)
cli.add_command(run_cmd)
cli.add_command(content)
cli.add_command(cards)
cli.add_command(kiosk_cmd)
for _command in COMMUNITY_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="safezone")
