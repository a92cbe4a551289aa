"""``demo-data`` and ``residents import``: fill the database with the community.

Each command commits once at the end, so an interrupted or failed run writes nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.cli.context import CliContext, pass_cli
from safezone.content.bundle import ContentBundle
from safezone.demo import HOUSEHOLD_TARGET, DemoError, create_demo_community
from safezone.importing import (
    ImportFileError,
    ImportRefused,
    apply_import,
    plan_import,
    read_table,
)
from safezone.models import Role, Site
from safezone.services.staff import (
    create_staff_user,
    generate_one_time_password,
    user_by_username,
)

#: Seed used when none is given, so every fresh demo shows the same community.
DEFAULT_SEED = 1462
ADMIN_USERNAME = "admin"
#: Rows shown in the import preview.
PREVIEW_ROWS = 5


def _now() -> datetime:
    # The CLI is where the real clock enters; services get it passed in.
    return datetime.now(UTC)


@click.command(
    "demo-data", help="创建演示小区 锦秀城三期 / create the demo community (empty database only)."
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Random seed; the same seed gives the same residents.",
)
@click.option(
    "--history",
    "history_days",
    type=click.IntRange(min=1, max=3650),
    default=None,
    metavar="DAYS",
    help="Also invent DAYS days of kiosk plays and check-ins.",
)
@pass_cli
def demo_data_cmd(cli: CliContext, seed: int, history_days: int | None) -> None:
    """Create the demo community and an ``admin`` account with a one-time password."""
    db = cli.database(migrate=True)
    rng = random.Random(seed)
    now = _now()
    try:
        with db.sessions() as session:
            with click.progressbar(length=HOUSEHOLD_TARGET, label="居民 / residents") as bar:
                last = [0]

                def advance(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - last[0])
                    last[0] = done

                try:
                    summary = create_demo_community(session, rng=rng, now=now, progress=advance)
                except DemoError as exc:
                    raise click.ClickException(str(exc)) from None
            if not summary.created:
                click.echo(summary.message)
                return

            password: str | None = None
            if user_by_username(session, ADMIN_USERNAME) is None:
                password = generate_one_time_password()
                create_staff_user(
                    session,
                    username=ADMIN_USERNAME,
                    display_name="管理员",
                    role=Role.ADMIN,
                    password=password,
                    now=now,
                    must_change_password=True,
                    actor_label="cli",
                )

            plays = None
            if history_days is not None:
                plays = _generate_history(cli, session, days=history_days, rng=rng, now=now)
            session.commit()
    finally:
        db.dispose()

    click.echo(summary.message)
    click.echo(
        f"年龄 / ages: 老人 elders {summary.elders}, 成人 adults {summary.adults}, "
        f"儿童 children {summary.children}"
    )
    if plays is not None:
        click.echo(f"历史记录 / history: {plays} 次游戏 plays over {history_days} days")
    if password is not None:
        click.echo("")
        click.echo(f"管理员账号 / admin account: {ADMIN_USERNAME}")
        click.echo(f"一次性密码 / one-time password: {password}")
        click.echo(
            "首次登录需修改密码，此密码不会再显示 / change it at first login; it is not shown again."
        )
    else:
        click.echo(
            f"账号 {ADMIN_USERNAME} 已存在，未修改 / account {ADMIN_USERNAME} exists, unchanged"
        )


def _generate_history(
    cli: CliContext, session: Session, *, days: int, rng: random.Random, now: datetime
) -> int:
    """Call ``safezone.demo_history.generate_history`` with a progress bar."""
    try:
        from safezone.demo_history import generate_history
    except ImportError as exc:
        raise click.ClickException(f"--history is not available: {exc}") from None
    with click.progressbar(length=days, label="历史 / history") as bar:
        last = [0]

        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - last[0])
            last[0] = done

        return generate_history(session, days=days, rng=rng, now=now,
                                content_bundle=_content_bundle(cli), progress=advance)


def _content_bundle(cli: CliContext) -> ContentBundle | None:
    """The valid content items for realistic question ids; None when there is no content."""
    from safezone.content.loader import load_content

    try:
        result = load_content(cli.settings.content_dir, cli.settings.assets_dir)
    except NotADirectoryError:
        click.echo(
            f"没有内容文件夹 {cli.settings.content_dir}，历史记录使用内置题号 / "
            "no content folder; history uses built-in question ids",
            err=True,
        )
        return None
    if not result.ok:
        # Invented history only needs question ids; the kiosk reports content problems itself.
        click.echo(
            f"内容有 {len(result.problems)} 处问题，历史记录只用有效题目 / "
            f"content has {len(result.problems)} problems; history uses the valid items only",
            err=True,
        )
    return result.bundle


@click.group("residents", help="居民名单 / resident register.")
def residents_group() -> None:
    """Commands on the resident register."""


@residents_group.command("import", help="从 CSV/XLSX 导入居民 / import residents from CSV or XLSX.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file and show the preview.")
@pass_cli
def import_cmd(cli: CliContext, file: Path, dry_run: bool) -> None:
    """Check every row, print a preview and all errors; write only a file without errors."""
    try:
        table = read_table(file)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    db = cli.database(migrate=True)
    now = _now()
    try:
        with db.sessions() as session:
            site = session.scalars(
                select(Site).where(Site.name == cli.settings.site_name)
            ).one_or_none()
            try:
                plan = plan_import(session, table, site=site, now=now)
            except ImportRefused as exc:
                raise click.ClickException(str(exc)) from None

            click.echo(
                f"{file}: 编码 encoding {table.encoding}, {plan.total_rows} 行 rows, "
                f"{len(plan.adds)} 新增 add, {len(plan.updates)} 更新 change, "
                f"{plan.unchanged} 不变 unchanged, {len(plan.new_household_keys)} 新户 new households, "
                f"{len(plan.errors)} 错误 errors"
            )
            for planned in plan.adds[:PREVIEW_ROWS]:
                click.echo(
                    f"  row {planned.row}: {planned.full_name} ({planned.nickname}) "
                    f"{planned.address} {planned.age_group.value}"
                )
            for planned in plan.updates[:PREVIEW_ROWS]:
                click.echo(
                    f"  row {planned.row}: {planned.full_name} {planned.address} "
                    f"更新 change: {', '.join(planned.changes)}"
                )
            if plan.errors:
                for error in plan.errors:
                    click.echo(error.format(str(file)), err=True)
                click.echo("未写入任何数据 / nothing was written", err=True)
                raise click.exceptions.Exit(1)
            if dry_run:
                click.echo("试运行，未写入 / dry run, nothing written")
                return
            result = apply_import(session, plan, now=now, actor_label="cli")
            session.commit()
    finally:
        db.dispose()
    click.echo(
        f"已导入 {result.residents} 位居民，新建 {result.households_created} 户，更新 {result.updated} 位 / "
        f"imported {result.residents} residents, {result.households_created} new households, "
        f"{result.updated} updated"
    )


#: Commands the root group registers.
COMMANDS: list[click.Command] = [demo_data_cmd, residents_group]
