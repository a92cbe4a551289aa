"""``safezone staff kiosk-access USERNAME``: a staff card and PIN for switching kiosk event mode."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import click

from safezone.cli.context import CliContext, pass_cli

PIN_MIN, PIN_MAX = 4, 8


def check_pin(pin: str) -> str:
    """The PIN if it is 4-8 digits (the kiosk's pad has digits only); else a clear error."""
    if not pin.isdigit() or not pin.isascii():
        raise click.BadParameter("the PIN must be digits only (the kiosk shows a number pad)")
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        raise click.BadParameter(f"the PIN must be {PIN_MIN}-{PIN_MAX} digits, got {len(pin)}")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise click.BadParameter("choose a PIN that is not all one digit or a simple run (1234, 4321)")
    return pin


@click.group("staff", help="工作人员 / staff accounts.")
def staff_group() -> None:
    """Staff commands."""


@staff_group.command("kiosk-access", help="Issue a staff card (code printed once) and set the kiosk PIN.")
@click.argument("username")
@click.option("--pin", prompt="Kiosk PIN (4-8 digits)", hide_input=True, confirmation_prompt=True,
              help="The PIN typed at the kiosk after scanning the staff card.")
@pass_cli
def kiosk_access_cmd(cli: CliContext, username: str, pin: str) -> None:
    """Store the hash of a new staff card code and of the PIN; print the code once."""
    from sqlalchemy import select

    from safezone.cards.codes import generate_code, grouped, hash_code
    from safezone.models.staff import StaffUser
    from safezone.services import audit
    from safezone.services.staff import hash_password

    pin = check_pin(pin)
    db = cli.database()
    try:
        with db.sessions() as session:
            staff = session.scalar(select(StaffUser).where(StaffUser.username == username))
            if staff is None:
                raise click.ClickException(f"no staff account named {username!r}")
            if not staff.active:
                raise click.ClickException(f"staff account {username!r} is disabled")
            code = generate_code(secrets.SystemRandom())
            replaced = staff.staff_card_hash is not None
            staff.staff_card_hash = hash_code(code)
            staff.kiosk_pin_hash = hash_password(pin)
            audit.record(session, action="staff.kiosk_access", actor_label="cli", now=datetime.now(UTC),
                         target_type="staff_user", target_id=staff.id, details={"replaced_card": replaced})
            session.commit()
    finally:
        db.dispose()
    click.echo(f"staff card for {username}: {grouped(code)}")
    click.echo("Print it as a QR code now (safezone.cards.render) — it is not stored and will not be shown again."
               + (" The previous staff card no longer works." if replaced else ""))
