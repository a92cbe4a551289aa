"""``init`` and ``run``: create the database, and bring the whole system up."""

from __future__ import annotations

import click

from safezone.cli.context import CliContext, pass_cli


@click.command("init", help="Create or upgrade the database (keeps existing data).")
@pass_cli
def init_cmd(cli: CliContext) -> None:
    """Create the data folder and migrate the schema to the newest revision."""
    db = cli.database(migrate=True)
    db.dispose()
    click.echo(f"database ready: {cli.settings.resolved_database_url}")


@click.command("run", help="Set up the demo community if needed and start the front ends.")
@pass_cli
def run_cmd(cli: CliContext) -> None:
    """What ``make run`` calls: init, demo data on first run, then the front ends."""
    db = cli.database(migrate=True)
    db.dispose()
    click.echo(f"database ready: {cli.settings.resolved_database_url}")
