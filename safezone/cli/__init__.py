"""The ``safezone`` command line. Exit codes: 0 ok, 1 user error (clear message), 2 usage.

Subcommands are imported only when they run (or when ``--help`` lists them): the kiosk's cold
start must not pay for the PDF, import and admin code of the other commands.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from safezone.cli.context import CliContext

#: Command name → "module:attribute" of the click command implementing it.
LAZY_COMMANDS: dict[str, str] = {
    "init": "safezone.cli.core_cmds:init_cmd",
    "run": "safezone.cli.core_cmds:run_cmd",
    "content": "safezone.cli.content_cmd:content",
    "cards": "safezone.cli.cards_cmd:cards",
    "demo-data": "safezone.cli.community_cmd:demo_data_cmd",
    "residents": "safezone.cli.community_cmd:residents_group",
    "community": "safezone.cli.setup_cmd:community_group",
    "kiosk": "safezone.cli.kiosk_cmd:kiosk_cmd",
    "admin": "safezone.cli.admin_cmd:admin_cmd",
    "sync": "safezone.cli.sync_cmd:sync_cmd",
    "kiosks": "safezone.cli.sync_cmd:kiosks",
    "staff": "safezone.cli.staff_cmd:staff_group",
}


class LazyGroup(click.Group):
    """A group whose subcommands are looked up in :data:`LAZY_COMMANDS` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in LAZY_COMMANDS:
            return command
        module_name, attribute = LAZY_COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        self.add_command(command, cmd_name)
        return command


@click.group(
    cls=LazyGroup,
    help="safezone — 社区安全教育互动终端与活动管理 / safety-education kiosk and admin.",
)
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="safezone")
