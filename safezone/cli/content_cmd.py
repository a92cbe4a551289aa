"""``safezone content``: check the content files the kiosk will load."""

from __future__ import annotations

from pathlib import Path

import click

from safezone.content import load_content, summary

_REPO_ROOT = Path(__file__).resolve().parents[2]


@click.group(name="content", help="Check content files (questions, scenes, tips, badges).")
def content() -> None:
    """Commands about the YAML content under content/."""


@content.command(
    "validate",
    help="Validate every content file under DIR (default: the repo's content/ folder). "
    "Prints one 'path:line: message' per problem and exits 1, or a one-line summary.",
)
@click.argument(
    "directory",
    metavar="[DIR]",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--assets",
    "assets_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder that image and audio paths are relative to (default: the repo's assets/).",
)
@click.pass_context
def validate(ctx: click.Context, directory: Path | None, assets_dir: Path | None) -> None:
    """Report every problem in the content, or summarise it when there is none."""
    result = load_content(
        directory if directory is not None else _REPO_ROOT / "content",
        assets_dir if assets_dir is not None else _REPO_ROOT / "assets",
    )
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        files = len({p.path for p in result.problems})
        click.echo(f"{len(result.problems)} problem(s) in {files} file(s)", err=True)
        ctx.exit(1)
    click.echo(summary(result.bundle))
