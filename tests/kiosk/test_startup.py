"""Fast start-up: the kiosk opens the database without migrating and reuses validated content."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from kiosk_fakes import write_test_content
from sqlalchemy import text

from kiosk.startup import (
    SchemaProblem,
    load_content_cached,
    migration_revisions,
    open_kiosk_database,
)
from safezone.app_context import open_database
from safezone.config import Settings
from safezone.fonts import font_path
from screen.text import TextRenderer


def test_current_schema_opens(settings: Settings) -> None:
    open_database(settings, migrate=True).dispose()
    db = open_kiosk_database(settings)
    with db.sessions() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
    db.dispose()


def test_empty_database_asks_for_init(settings: Settings) -> None:
    with pytest.raises(SchemaProblem, match="safezone init"):
        open_kiosk_database(settings)


def test_old_schema_asks_for_upgrade_and_unknown_schema_for_update(settings: Settings) -> None:
    db = open_database(settings, migrate=True)
    revisions, heads = migration_revisions()
    older = min(revisions - heads)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": older})
    with pytest.raises(SchemaProblem, match="older .*safezone init"):
        open_kiosk_database(settings)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaProblem, match="newer than this program"):
        open_kiosk_database(settings)
    db.dispose()


def test_revisions_come_from_the_migration_files() -> None:
    from safezone.db.migrate import head_revision

    _, heads = migration_revisions()
    assert heads == {head_revision()}


def test_content_cache_is_reused_and_invalidated(tmp_path: Path) -> None:
    root = write_test_content(tmp_path / "content")
    assets = tmp_path / "assets"
    assets.mkdir()
    cache = tmp_path / "cache"
    first = load_content_cached(root, assets, cache)
    assert (cache / "content.pickle").is_file()
    second = load_content_cached(root, assets, cache)
    assert second.bundle.questions.keys() == first.bundle.questions.keys()
    # An edited file is seen: a broken file shows up as a problem at once.
    victim = min(root.rglob("*.yml"))
    victim.write_text("- id: [broken\n", encoding="utf-8")
    third = load_content_cached(root, assets, cache)
    assert third.problems and third.problems != first.problems


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    root = write_test_content(tmp_path / "content")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "content.pickle").write_bytes(b"not a pickle")
    result = load_content_cached(root, tmp_path, cache)
    assert result.bundle.questions and not result.problems


def test_missing_content_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        load_content_cached(tmp_path / "nope", tmp_path, tmp_path / "cache")


def test_text_cache_is_bounded_by_bytes() -> None:
    pygame.font.init()
    renderer = TextRenderer(font_path(), font_path(bold=True), cache_bytes=2_000_000)
    for index in range(400):
        renderer.render(f"安全提示 {index} " * 4, 72, (0, 0, 0))
    assert 0 < renderer.cached_bytes <= 2_000_000
    assert renderer.renders == 400
