"""``safezone cards``: issue, print, verify and revoke QR cards from the command line.

Exit codes: 0 done, 1 refused with a clear message (nothing written), 2 usage error.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from safezone.cards.codes import FORMAT_REASONS, CardCodeError, check_format, grouped
from safezone.cards.printing import (
    card_address,
    find_building,
    issue_and_print,
    parse_building_spec,
    printable_card,
    residents_for_cards,
)
from safezone.cards.service import (
    CardCheck,
    CardError,
    active_card,
    identify,
    issue_card,
    revoke_card,
)
from safezone.cards.sheets import write_card_sheets
from safezone.cli.context import CliContext, pass_cli
from safezone.models import Resident
from safezone.private_files import create_private

#: Who the audit log names for changes made here.
ACTOR = "cli"

_PDF = click.Path(dir_okay=False, writable=True, path_type=Path)


def _now() -> datetime:
    """The clock of the command line (the boundary where real time enters)."""
    return datetime.now(UTC)


def _resident(session: Session, resident_id: int) -> Resident:
    """The resident with ``resident_id``, or a user error naming the id."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise click.ClickException(f"no resident with id {resident_id}")
    return resident


def _partial(out: Path) -> Path:
    """Where a PDF is written before the transaction commits (same folder: rename is atomic)."""
    return out.with_name(f".{out.name}.{os.getpid()}.pending")


def _write_then_commit(session: Session, out: Path, write: Callable[[Path], int]) -> int:
    """Run ``write(path)`` to a pending file, commit, then move it to ``out``.

    The order makes "the PDF exists" and "the cards are issued" happen together: a failed write
    commits nothing, a failed commit leaves no PDF (and an older ``out`` untouched).
    """
    if not out.parent.is_dir():
        raise click.ClickException(f"cannot write {out}: folder {out.parent} does not exist")
    pending = _partial(out)
    try:
        try:
            create_private(pending)  # every card's code is on the sheet: owner only
            pages = write(pending)
        except OSError as exc:
            raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
        _commit(session)
        os.replace(pending, out)
    finally:
        pending.unlink(missing_ok=True)
    return pages


def _commit(session: Session) -> None:
    """Commit, turning a database failure (locked, disconnected) into a user error."""
    try:
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        cause = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"could not save to the database: {cause}") from None


@click.group("cards", help="QR cards: issue, print A4 sheets, verify and revoke / 居民卡片管理。")
def cards() -> None:
    """Command group for card management."""


@cards.command("issue", help="Issue a new card to one resident (the old card stops working).")
@click.option("--resident", "resident_id", type=int, required=True, help="Resident id.")
@click.option(
    "--out",
    type=_PDF,
    default=None,
    help="Write the card as a one-card PDF sheet. Without it the code is shown once on screen.",
)
@pass_cli
def issue_cmd(cli: CliContext, resident_id: int, out: Path | None) -> None:
    """Issue a card; print it to ``--out`` or show its code once (it is never stored)."""
    db = cli.database()
    try:
        with db.sessions() as session:
            resident = _resident(session, resident_id)
            try:
                issued = issue_card(session, resident, now=_now(), actor_label=ACTOR)
            except CardError as exc:
                raise click.ClickException(str(exc)) from None
            if out is not None:
                card = printable_card(resident, issued.code, cli.settings.service_phone)
                _write_then_commit(session, out, lambda path: write_card_sheets([card], path))
                click.echo(
                    f"issued card {issued.card.id} to resident {resident.id} "
                    f"({resident.nickname}, {card_address(resident)}); printed to {out}"
                )
                return
            _commit(session)
            click.echo(
                f"issued card {issued.card.id} to resident {resident.id} "
                f"({resident.nickname}, {card_address(resident)})"
            )
            click.echo(f"code (shown once, not stored): {grouped(issued.code)}")
    finally:
        db.dispose()


def _building_spec(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Reject a --building value of the wrong shape as a usage error (exit 2)."""
    if value is not None:
        try:
            parse_building_spec(value)
        except ValueError:
            raise click.BadParameter(
                "use plot-building like 1-5, or a building id like 12"
            ) from None
    return value


@cards.command(
    "print",
    help="Issue and print cards as A4 PDF sheets (10 per page). By default for residents "
    "without an active card; --reissue replaces everyone's card in scope. Nothing is issued "
    "unless the PDF is written completely.",
)
@click.option("--out", type=_PDF, required=True, help="PDF file to write.")
@click.option(
    "--building",
    callback=_building_spec,
    default=None,
    help="Only this building: plot-building like 1-5 (1号地块5栋), or a building id.",
)
@click.option("--reissue", is_flag=True, help="Also residents who have a card (it is revoked).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N cards.")
@pass_cli
def print_cmd(
    cli: CliContext, out: Path, building: str | None, reissue: bool, limit: int | None
) -> None:
    """Choose residents, issue their cards and write the sheets, in one transaction."""
    db = cli.database()
    try:
        with db.sessions() as session:
            building_id = None
            if building is not None:
                found = find_building(session, building)
                if found is None:
                    raise click.ClickException(f"no building {building}")
                building_id = found.id
            residents = residents_for_cards(
                session, building_id=building_id, include_carded=reissue, limit=limit
            )
            if not residents:
                hint = "" if reissue else " (everyone has an active card; use --reissue to replace)"
                raise click.ClickException(f"no residents to print cards for{hint}")

            def write(path: Path) -> int:
                with click.progressbar(length=len(residents), label="printing cards") as bar:
                    done = 0

                    def advance(count: int, total: int) -> None:
                        nonlocal done
                        bar.update(count - done)
                        done = count

                    try:
                        return issue_and_print(
                            session,
                            residents,
                            path,
                            now=_now(),
                            actor_label=ACTOR,
                            progress=advance,
                            service_phone=cli.settings.service_phone,
                        )
                    except (CardError, CardCodeError) as exc:
                        raise click.ClickException(str(exc)) from None

            pages = _write_then_commit(session, out, write)
            click.echo(
                f"printed {len(residents)} card{'s' if len(residents) != 1 else ''} on {pages} "
                f"page{'s' if pages != 1 else ''} to {out}"
            )
    finally:
        db.dispose()


@cards.command("verify", help="Check a card code: whose card is it, and does it still work?")
@click.argument("code")
@pass_cli
def verify_cmd(cli: CliContext, code: str) -> None:
    """Exit 0 and show the holder for a working card; exit 1 with the reason otherwise."""
    db = cli.database()
    try:
        with db.sessions() as session:
            check = identify(session, code)
            resident = check.resident
            if check.ok and resident is not None and check.card is not None:
                click.echo(
                    f"ok: card {check.card.id} · resident {resident.id} · {resident.nickname} · "
                    f"{card_address(resident)}"
                )
                return
            detail = _staff_detail(code, check)
            raise click.ClickException(f"{check.reason}: {detail}")
    finally:
        db.dispose()


def _staff_detail(code: str, check: CardCheck) -> str:
    """Why ``code`` was refused, for staff: precise, in English, with ids."""
    if check.reason in FORMAT_REASONS:
        try:
            check_format(code)
        except CardCodeError as exc:
            return str(exc)
    if check.reason == "unknown":
        return "well-formed, but no card with this code was issued in this database"
    card, resident = check.card, check.resident
    if card is not None and resident is not None:
        when = f" on {card.revoked_at.date().isoformat()}" if card.revoked_at else ""
        why = card.revoked_reason or "resident anonymised"
        return f"card {card.id} of resident {resident.id} was revoked{when} ({why})"
    return check.message("en")


@cards.command("revoke", help="Stop a resident's card from working (lost, stolen, moved out).")
@click.option("--resident", "resident_id", type=int, required=True, help="Resident id.")
@click.option("--reason", default="revoked by staff", show_default=True, help="Why (logged).")
@pass_cli
def revoke_cmd(cli: CliContext, resident_id: int, reason: str) -> None:
    """Revoke the resident's active card and record why."""
    db = cli.database()
    try:
        with db.sessions() as session:
            resident = _resident(session, resident_id)
            card = active_card(session, resident.id)
            if card is None:
                raise click.ClickException(f"resident {resident_id} has no active card")
            try:
                revoke_card(session, card, reason=reason, now=_now(), actor_label=ACTOR)
            except CardError as exc:
                raise click.ClickException(str(exc)) from None
            _commit(session)
            click.echo(f"revoked card {card.id} of resident {resident.id} ({reason.strip()})")
    finally:
        db.dispose()
