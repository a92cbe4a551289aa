"""``safezone sync`` (kiosk: one sync round) and ``safezone kiosks`` (server: enrolment codes,
revocation). Exit codes: 0 done, 1 refused or offline with a clear message — or records the
server refused for good are parked on this kiosk — 2 usage error."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import click
from sqlalchemy import select

from safezone.cli.context import CliContext, pass_cli
from safezone.models import Kiosk
from safezone.services.localtime import LOCAL_TZ
from safezone.sync import tokens
from safezone.sync.agent import SyncAgent, SyncReport, enrol_replica
from safezone.sync.client import Offline, Refused, SyncError

ACTOR = "cli"
#: Parked units listed one per line; the rest is counted.
_PARKED_LINES = 10


def _now() -> datetime:
    """The command line's clock (where real time enters)."""
    return datetime.now(UTC)


def _local(instant: datetime) -> str:
    """An instant as the community's wall-clock time with its offset: ``2026-11-30 10:15+08:00``
    (staff read the admin pages in local time; the offset keeps it unambiguous on a UTC server)."""
    return instant.astimezone(LOCAL_TZ).isoformat(sep=" ", timespec="minutes")


_LIFETIME_HOURS = int(tokens.ENROLMENT_CODE_LIFETIME.total_seconds() // 3600)


@click.command("sync", help="Sync this kiosk with its server once: push records, pull roster, "
                            "roadshows and content / 与服务器同步一次。")
@click.option("--server", "server_url", default=None,
              help="Server URL, e.g. https://safezone.example.org (needed with --enrol-code).")
@click.option("--enrol-code", "code", default=None,
              help="One-time enrolment code from the admin (first sync only).")
@click.option("--content/--no-content", default=True, show_default=True,
              help="Also pull the content pack into DATA_DIR/content-packs.")
@click.option("--retry-parked", is_flag=True,
              help="Send the records the server refused before (parked) again, e.g. after "
                   "the server was fixed; still refused ones are parked again.")
@pass_cli
def sync_cmd(cli: CliContext, server_url: str | None, code: str | None, content: bool,
             retry_parked: bool) -> None:
    """Enrol when asked, then run one sync round and print what it did."""
    db = cli.database(migrate=True)
    try:
        if code is not None:
            if not server_url:
                raise click.UsageError("--enrol-code needs --server URL")
            try:
                kiosk = enrol_replica(db, server_url, code)
            except SyncError as exc:
                raise click.ClickException(f"enrolment failed: {exc.message}") from None
            click.echo(f"enrolled as kiosk {kiosk.id} ({kiosk.name})")
        settings = cli.settings
        agent = SyncAgent(db, packs_dir=settings.data_dir / "content-packs" if content else None,
                          assets_dir=settings.assets_dir)
        try:
            report = agent.sync_once(retry_parked=retry_parked)
        except Offline as exc:
            raise click.ClickException(f"{exc.message}; records stay queued") from None
        except Refused as exc:
            raise click.ClickException(f"server refused ({exc.status} {exc.error}): {exc.message}"
                                       ) from None
        except SyncError as exc:
            raise click.ClickException(exc.message) from None
        if report.unparked:
            click.echo(f"retried {report.unparked} parked unit(s) refused before")
        click.echo(f"pushed {report.sessions} sessions, {report.answers} answers, "
                   f"{report.other_records} other records in {report.batches} batches "
                   f"({report.new_on_server} new on the server); {report.pending_after} pending")
        click.echo(f"roster {'updated' if report.roster_changed else 'unchanged'}, "
                   f"{report.roadshows} roadshows, content {report.content_version or '-'}")
        if report.content_error:
            click.echo(f"content pack not installed: {report.content_error}", err=True)
        if report.clock_skew_seconds is not None and abs(report.clock_skew_seconds) > 120:
            click.echo(f"warning: this kiosk's clock is {report.clock_skew_seconds:+.0f} s off "
                       "the server's", err=True)
        if report.parked_units:
            _echo_parked(report)
            click.get_current_context().exit(1)
    finally:
        db.dispose()


def _echo_parked(report: SyncReport) -> None:
    """The records the server refused for good: kept here, not sent, with the server's reason."""
    units = report.parked_units
    click.echo(f"服务器拒收的记录已保留在本机 / {report.parked_after} record(s) in {len(units)} "
               f"unit(s) were refused by the server and are kept on this kiosk, not sent "
               f"({len(report.newly_parked)} refused in this run):", err=True)
    for unit in units[:_PARKED_LINES]:
        click.echo(f"  {unit.describe()}", err=True)
    if len(units) > _PARKED_LINES:
        click.echo(f"  … and {len(units) - _PARKED_LINES} more", err=True)
    click.echo("fix the cause (see the reasons), then run 'safezone sync --retry-parked'; the "
               "kiosk also retries them about once an hour", err=True)


@click.group("kiosks", help="Kiosks of a district: enrolment codes and revocation / 终端管理。")
def kiosks() -> None:
    """Command group for kiosk administration (run on the server)."""


@kiosks.command("enrol-code", help="Register a kiosk NAME (or re-enrol an existing one with "
                                   "--kiosk ID) and show its one-time enrolment code.")
@click.argument("name", required=False)
@click.option("--kiosk", "kiosk_id", type=click.UUID, default=None, help="Existing kiosk id.")
@pass_cli
def enrol_code_cmd(cli: CliContext, name: str | None, kiosk_id: uuid.UUID | None) -> None:
    """Show a one-time enrolment code (never stored; only its hash is)."""
    if (name is None) == (kiosk_id is None):
        raise click.UsageError("give either a NAME for a new kiosk or --kiosk ID")
    db = cli.database()
    try:
        with db.sessions() as session:
            try:
                if kiosk_id is not None:
                    kiosk = session.get(Kiosk, kiosk_id)
                    if kiosk is None:
                        raise click.ClickException(f"no kiosk with id {kiosk_id}")
                    ticket = tokens.new_enrolment_code(session, kiosk, now=_now(), actor_label=ACTOR)
                else:
                    ticket = tokens.create_kiosk(session, name or "", now=_now(), actor_label=ACTOR)
            except tokens.KioskError as exc:
                raise click.ClickException(str(exc)) from None
            session.commit()
            click.echo(f"kiosk {ticket.kiosk.id} ({ticket.kiosk.name})")
            click.echo(f"enrolment code (shown once, not stored): {ticket.grouped_code}")
            click.echo(f"expires {_local(ticket.expires_at)} ({_LIFETIME_HOURS} h); enrol the kiosk "
                       f"before then / 注册码 {_LIFETIME_HOURS} 小时内有效")
    finally:
        db.dispose()


@kiosks.command("revoke", help="Revoke kiosk ID: the sync API refuses its token from now on.")
@click.argument("kiosk_id", type=click.UUID)
@pass_cli
def revoke_cmd(cli: CliContext, kiosk_id: uuid.UUID) -> None:
    """Revoke a kiosk's token."""
    db = cli.database()
    try:
        with db.sessions() as session:
            try:
                kiosk = tokens.revoke_kiosk(session, kiosk_id, now=_now(), actor_label=ACTOR)
            except tokens.KioskError as exc:
                raise click.ClickException(str(exc)) from None
            session.commit()
            click.echo(f"revoked kiosk {kiosk.id} ({kiosk.name})")
    finally:
        db.dispose()


@kiosks.command("list", help="List kiosks with their last contact and pending enrolment code.")
@pass_cli
def list_cmd(cli: CliContext) -> None:
    """One line per kiosk: id, name, state, last seen (server clock) and, while an enrolment
    code is pending, when it expires (or that it has)."""
    db = cli.database()
    now = _now()
    try:
        with db.sessions() as session:
            for kiosk in session.scalars(select(Kiosk).order_by(Kiosk.created_at)):
                state = ("revoked" if kiosk.revoked_at else "enrolled" if kiosk.token_hash
                         else "waiting for enrolment")
                seen = kiosk.last_seen_at.isoformat(timespec="seconds") if kiosk.last_seen_at else "-"
                click.echo(f"{kiosk.id}  {kiosk.name}  {state}  last seen {seen}{_code_note(kiosk, now)}")
    finally:
        db.dispose()


def _code_note(kiosk: Kiosk, now: datetime) -> str:
    """The pending enrolment code's expiry for the list ('' when none is pending)."""
    expires = tokens.code_expires_at(kiosk)
    if expires is None:
        return ""
    if tokens.code_is_usable(kiosk, now=now):
        return f"  code expires {_local(expires)}"
    return f"  code expired {_local(expires)} (new one: safezone kiosks enrol-code --kiosk {kiosk.id})"


COMMANDS = (sync_cmd, kiosks)
