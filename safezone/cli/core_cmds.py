"""``init`` and ``run``: create the database, and bring the whole system up."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

import click
from sqlalchemy import func, select

from safezone.cards.printing import printable_card, residents_for_cards
from safezone.cards.service import issue_cards
from safezone.cards.sheets import write_card_sheets
from safezone.cli.context import CliContext, pass_cli
from safezone.models import Site

#: Residents who get a printed demo card on the first ``run`` (one building's worth of sheets).
DEMO_CARD_COUNT = 10
#: Days of synthetic kiosk history ``run`` invents so the dashboards have something to show.
DEFAULT_RUN_HISTORY_DAYS = 14
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command("init", help="Create or upgrade the database (keeps existing data).")
@pass_cli
def init_cmd(cli: CliContext) -> None:
    """Create the data folder and migrate the schema to the newest revision."""
    db = cli.database(migrate=True)
    db.dispose()
    click.echo(f"database ready: {cli.settings.resolved_database_url}")


def _has_site(cli: CliContext) -> bool:
    db = cli.database(migrate=True)
    try:
        with db.sessions() as session:
            return bool(session.scalar(select(func.count()).select_from(Site)))
    finally:
        db.dispose()


def _print_demo_cards(cli: CliContext) -> None:
    """Issue a sheet of demo cards into the data folder so the kiosk can be tried at once.

    The codes exist only in that PDF and on screen now; the database keeps their hashes.
    """
    out = cli.settings.data_dir / "demo-cards.pdf"
    db = cli.database()
    try:
        with db.sessions() as session:
            residents = residents_for_cards(session, limit=DEMO_CARD_COUNT)
            if not residents:
                return
            issued = issue_cards(
                session, residents, now=datetime.now(UTC), rng=random.SystemRandom(),
                actor_label="cli",
            )
            write_card_sheets([printable_card(i.card.resident, i.code, cli.settings.service_phone)
                               for i in issued], out)
            session.commit()
            shown = [(i.card.resident.nickname, i.code) for i in issued[:3]]
    finally:
        db.dispose()
    click.echo(f"演示卡 / demo cards: {out} ({len(issued)} cards)")
    for nickname, code in shown:
        click.echo(f"  {nickname}: {code}  (type it at the kiosk, then Enter)")


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
    from safezone.cli.admin_cmd import build_admin_app
    from safezone.cli.community_cmd import DEFAULT_SEED, demo_data_cmd

    cli = ctx.find_object(CliContext)
    assert cli is not None
    if not _has_site(cli):
        click.echo("首次运行：创建演示小区 / first run: creating the demo community 锦秀城三期")
        ctx.invoke(demo_data_cmd, seed=DEFAULT_SEED, history_days=history_days or None)
        _print_demo_cards(cli)
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
