"""Shared CLI state: settings and database opened on first use, errors turned into exit 1."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from safezone.app_context import Database, open_database
from safezone.config import ConfigError, Settings, load_settings
from safezone.db.engine import DatabaseError
from safezone.db.migrate import SchemaOutdated


@dataclass
class CliContext:
    """Lazily loaded settings and database for one CLI invocation."""

    config_file: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """Settings, loaded once; a bad settings file is a user error (exit 1)."""
        if self._settings is None:
            try:
                self._settings = load_settings(self.config_file)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings

    def database(self, *, migrate: bool = False) -> Database:
        """Open the database; missing/outdated schema or unwritable path is a user error."""
        try:
            return open_database(self.settings, migrate=migrate)
        except (DatabaseError, SchemaOutdated) as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(
                f"cannot use data folder {self.settings.data_dir}: {exc.strerror}"
            ) from None


pass_cli = click.make_pass_decorator(CliContext)
