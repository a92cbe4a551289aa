"""``safezone run``: init, the demo community on first run, then the admin and (with a display)
the kiosk beside it. Registered as an entry point in ``pyproject.toml``."""

from __future__ import annotations

import threading

import click

from safezone.cli.context import CliContext
from safezone.cli.core_cmds import has_site, print_demo_cards

#: Days of synthetic kiosk history ``run`` invents so the dashboards have something to show.
DEFAULT_RUN_HISTORY_DAYS = 14
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command("run", help="Set up the demo community if needed and start the front ends.")
@click.option(
    "--history",
    "history_days",
    type=click.IntRange(min=0, max=365),
    default=DEFAULT_RUN_HISTORY_DAYS,
    show_default=True,
    help="Days of synthetic plays to invent on the first run (0: none).",
)
@click.option("--no-kiosk", is_flag=True, help="Only the admin, even when a display exists.")
@click.pass_context
def run_cmd(ctx: click.Context, history_days: int, no_kiosk: bool) -> None:
    """What ``make run`` calls: init, demo community on first run, then admin (+ kiosk)."""
    from admin.cli import build_admin_app
    from safezone.cli.community_cmd import DEFAULT_SEED, demo_data_cmd

    cli = ctx.find_object(CliContext)
    assert cli is not None
    if not has_site(cli):
        click.echo("首次运行：创建演示小区 / first run: creating the demo community 锦秀城三期")
        ctx.invoke(demo_data_cmd, seed=DEFAULT_SEED, history_days=history_days or None)
        print_demo_cards(cli)
    else:
        click.echo(f"database ready: {cli.settings.resolved_database_url}")

    settings = cli.settings
    loopback = settings.admin_host in LOOPBACK_HOSTS
    # On this machine's own loopback there is no network to protect the cookie from.
    app = build_admin_app(cli, http_cookies=loopback, behind_proxy=False)
    url = f"http://{settings.admin_host}:{settings.admin_port}/"

    from waitress import serve

    from kiosk.main import has_display

    if no_kiosk or not has_display():
        if not no_kiosk:
            click.echo(
                "没有显示器：终端未启动 / no display found, so the kiosk was not started. "
                "On the kiosk's screen run 'safezone kiosk --fullscreen'; headless, drive it with "
                "'safezone kiosk --headless --script FILE --screenshots DIR' (see README)."
            )
        click.echo(f"管理后台 / admin: {url}  (Ctrl+C to stop)")
        serve(app, host=settings.admin_host, port=settings.admin_port, threads=8, ident="safezone")
        return

    server = threading.Thread(
        target=serve,
        kwargs={"app": app, "host": settings.admin_host, "port": settings.admin_port,
                "threads": 8, "ident": "safezone"},
        daemon=True,
        name="admin",
    )
    server.start()
    click.echo(f"管理后台 / admin: {url}")
    click.echo("终端已启动，关闭窗口即退出 / kiosk started; close its window to stop everything")
    from kiosk.app import KioskOptions
    from kiosk.main import KioskStartError, run_windowed

    try:
        run_windowed(settings, KioskOptions())
    except KioskStartError as exc:
        raise click.ClickException(str(exc)) from None
