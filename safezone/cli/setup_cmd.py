"""``community``: set up a real community (site, plots, buildings, units) and import its register.

What the admin's 小区设置 page does, for people who prefer a terminal or a script. Each command
commits once at the end, so a refused or interrupted run writes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from safezone.cli.context import CliContext, pass_cli
from safezone.importing import (
    REGISTER_COLUMNS,
    ImportFileError,
    ImportRefused,
    apply_register,
    plan_register,
    read_table,
)
from safezone.services import community

#: Register rows shown in the preview.
PREVIEW_ROWS = 5


def _now() -> datetime:
    # The CLI is where the real clock enters; services get it passed in.
    return datetime.now(UTC)


def _plot_spec(text: str) -> tuple[int, list[int]]:
    plot, sep, numbers = text.partition(":")
    if not sep or not plot.strip().isdigit() or int(plot) < 1:
        raise click.BadParameter(f"{text!r}: write PLOT:BUILDINGS, e.g. 1:1-6 or 2:1,3,5")
    try:
        return int(plot), community.parse_building_numbers(numbers)
    except community.CommunityError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group("community", help="小区设置 / set up the community: site, plots, buildings, register.")
def community_group() -> None:
    """Commands that set up a real community (the demo has ``demo-data``)."""


@community_group.command("setup", help="创建或修改小区、地块、楼栋 / create or update the site and buildings.")
@click.option("--name", required=True, help="小区名称 / site name, e.g. 龙凤小区.")
@click.option("--name-en", default=None, help="English name (optional).")
@click.option("--target", "household_target", type=click.IntRange(min=0), default=None,
              help="应覆盖户数 / households reach is measured against (default: keep, or 0).")
@click.option("--plot", "plots", multiple=True, metavar="PLOT:BUILDINGS",
              help="地块及楼栋 / a plot and its buildings, e.g. --plot 1:1-6 --plot 2:1,3,5.")
@click.option("--units", type=click.IntRange(min=0, max=99), default=0, show_default=True,
              help="新楼栋的单元数 / units of each new building (0: not set).")
@pass_cli
def setup_cmd(cli: CliContext, name: str, name_en: str | None, household_target: int | None,
              plots: tuple[str, ...], units: int) -> None:
    """Create the site (or update its target) and make sure the given buildings exist."""
    layout: dict[int, list[int]] = {}
    for spec in plots:
        plot, numbers = _plot_spec(spec)
        layout.setdefault(plot, []).extend(numbers)
    db = cli.database(migrate=True)
    try:
        with db.sessions() as session:
            site = community.the_site(session)
            if site is not None and site.name != name.strip():
                raise click.ClickException(
                    f"数据库里已有小区“{site.name}”；一个数据库只设置一个小区 / this database "
                    f"already holds the site {site.name!r}; use --name {site.name!r} to change it"
                )
            target = household_target if household_target is not None else (
                site.household_target if site is not None else 0)
            try:
                site = community.ensure_site(session, name, target, name_en=name_en)
                community.ensure_buildings(session, site, layout, units=units)
            except community.CommunityError as exc:
                raise click.ClickException(str(exc)) from None
            rows = community.layout(session, site)
            session.commit()
            click.echo(f"{site.name}: 目标 target {site.household_target} 户 households, "
                       f"{len(rows)} 栋 buildings")
    finally:
        db.dispose()


@community_group.command("show", help="显示小区设置 / show the site, buildings and households.")
@pass_cli
def show_cmd(cli: CliContext) -> None:
    """Print the site and one line per building."""
    db = cli.database(migrate=True)
    try:
        with db.sessions() as session:
            site = community.the_site(session)
            if site is None:
                raise click.ClickException(
                    "还没有设置小区：运行 safezone community setup --name … --plot 1:1-6 / "
                    "no site yet: run safezone community setup --name ... --plot 1:1-6"
                )
            rows = community.layout(session, site)
            click.echo(f"{site.name}  目标 target: {site.household_target} 户")
            for row in rows:
                units = row.units or "-"
                click.echo(f"  {row.label}\t单元 units {units}\t{row.households} 户 households")
            click.echo(f"合计 total: {sum(r.households for r in rows)} 户 households")
    finally:
        db.dispose()


@community_group.command("register", help="导入住户台账 / import the household register (CSV/XLSX).")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file and show the preview.")
@pass_cli
def register_cmd(cli: CliContext, file: Path, dry_run: bool) -> None:
    """Check every row (地块, 楼栋, 单元, 门牌); write only a file without errors."""
    try:
        table = read_table(file, REGISTER_COLUMNS)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    db = cli.database(migrate=True)
    try:
        with db.sessions() as session:
            try:
                plan = plan_register(session, table)
            except ImportRefused as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(
                f"{file}: 编码 encoding {table.encoding}, {plan.total_rows} 行 rows, "
                f"{len(plan.new)} 新户 new, {plan.unchanged} 已有 unchanged, "
                f"{len(plan.errors)} 错误 errors"
            )
            for planned in plan.new[:PREVIEW_ROWS]:
                click.echo(f"  row {planned.row}: {planned.address}")
            if plan.errors:
                for error in plan.errors:
                    click.echo(error.format(str(file)), err=True)
                if plan.unknown_buildings:
                    click.echo(
                        "先设置楼栋：safezone community setup --name … --plot 地块:楼栋 / "
                        "set the buildings up first: safezone community setup --plot PLOT:BUILDINGS",
                        err=True,
                    )
                click.echo("未写入任何数据 / nothing was written", err=True)
                raise click.exceptions.Exit(1)
            if dry_run:
                click.echo("试运行，未写入 / dry run, nothing written")
                return
            created = apply_register(session, plan, now=_now(), actor_label="cli")
            session.commit()
    finally:
        db.dispose()
    click.echo(f"已新建 {created} 户 / {created} households created")
