"""``init``, and the first-run helpers the launcher's ``safezone run`` builds on.

``run`` itself lives in :mod:`launcher.cli`, above both front ends: the core knows neither.
"""

from __future__ import annotations

import random
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


@click.command("init", help="Create or upgrade the database (keeps existing data).")
@pass_cli
def init_cmd(cli: CliContext) -> None:
    """Create the data folder and migrate the schema to the newest revision."""
    db = cli.database(migrate=True)
    db.dispose()
    click.echo(f"database ready: {cli.settings.resolved_database_url}")


def has_site(cli: CliContext) -> bool:
    """Whether the database (created or upgraded now) holds a community yet."""
    db = cli.database(migrate=True)
    try:
        with db.sessions() as session:
            return bool(session.scalar(select(func.count()).select_from(Site)))
    finally:
        db.dispose()


def print_demo_cards(cli: CliContext) -> None:
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
