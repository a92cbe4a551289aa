"""The ``safezone`` command line. Exit codes: 0 ok, 1 user error (clear message), 2 usage.

The core owns only its own commands (:data:`CORE_COMMANDS`). Front ends (the kiosk, the admin)
and the launcher above them (``run``) bring their commands as entry points in the group
:data:`ENTRY_POINT_GROUP`, declared in ``pyproject.toml``; the core never names them.

Every subcommand is imported only when it runs (or when ``--help`` lists them): the kiosk's
cold start must not pay for the PDF, import and admin code of the other commands.
"""

from __future__ import annotations

import importlib
from importlib import metadata
from pathlib import Path

import click

from safezone.cli.context import CliContext

#: Core command name → "module:attribute" of the click command implementing it.
CORE_COMMANDS: dict[str, str] = {
    "init": "safezone.cli.core_cmds:init_cmd",
    "content": "safezone.cli.content_cmd:content",
    "cards": "safezone.cli.cards_cmd:cards",
    "demo-data": "safezone.cli.community_cmd:demo_data_cmd",
    "residents": "safezone.cli.community_cmd:residents_group",
    "community": "safezone.cli.setup_cmd:community_group",
    "sync": "safezone.cli.sync_cmd:sync_cmd",
    "kiosks": "safezone.cli.sync_cmd:kiosks",
    "staff": "safezone.cli.staff_cmd:staff_group",
}

#: Entry-point group through which front ends register their commands.
ENTRY_POINT_GROUP = "safezone.commands"
#: The distribution whose own entry points are read first (one small file, no scan of the venv).
_DISTRIBUTION = "safezone"


def _own_entry_points() -> dict[str, metadata.EntryPoint]:
    """Commands registered by this distribution: read from its own metadata only (fast)."""
    try:
        points = metadata.distribution(_DISTRIBUTION).entry_points
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return {}
    return {ep.name: ep for ep in points if ep.group == ENTRY_POINT_GROUP}


def plugin_commands() -> dict[str, str]:
    """Every command registered in :data:`ENTRY_POINT_GROUP` by any installed distribution,
    as name → "module:attribute" (what :func:`importlib.metadata.entry_points` finds)."""
    return {ep.name: ep.value for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _target(name: str) -> str | None:
    """Where the command ``name`` lives: the core's table, this distribution, then any other."""
    if name in CORE_COMMANDS:
        return CORE_COMMANDS[name]
    own = _own_entry_points()
    if name in own:
        return own[name].value
    return plugin_commands().get(name)


class LazyGroup(click.Group):
    """A group whose subcommands are looked up (core table, then entry points) on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *CORE_COMMANDS, *plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        target = _target(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name.strip()), attribute.strip())
        assert isinstance(command, click.Command), f"{target} is not a click command"
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
