"""Settings: one object, read from a TOML file and ``SAFEZONE_*`` environment variables.

Precedence (later wins): built-in defaults, the TOML file, environment variables. Nothing is
read at import time; call :func:`load_settings`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from safezone.languages import LANGUAGES

#: Where the repository (and so content/ and assets/) lives; the package sits at its top.
REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_CONFIG_NAME = "safezone.toml"


class ConfigError(Exception):
    """A settings file or variable is malformed; the message names the file/variable and the fix."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with sensible defaults for the embedded single-machine set-up."""

    #: Folder for the SQLite database, exports and logs.
    data_dir: Path = Path("var")
    #: SQLAlchemy URL; empty means SQLite in ``data_dir/safezone.db``.
    database_url: str = ""
    #: Community name shown on the kiosk, the admin and printed cards.
    site_name: str = "锦秀城三期"
    #: Default language, ``zh-CN`` or ``en``.
    language: str = "zh-CN"
    #: Folder with question banks, scenes and tips.
    content_dir: Path = field(default_factory=lambda: REPO_ROOT / "content")
    #: Folder with fonts, images and sounds.
    assets_dir: Path = field(default_factory=lambda: REPO_ROOT / "assets")
    #: Secret for admin sessions; generated into ``data_dir`` when empty.
    secret_key: str = ""
    #: The community office's service phone, printed on cards (and for the kiosk to show);
    #: empty: cards say to tell the staff instead.
    service_phone: str = ""
    #: Address the admin listens on.
    admin_host: str = "127.0.0.1"
    admin_port: int = 5000
    #: Redis URL (``redis://host:6379/0``) for admin sessions shared by several servers; empty:
    #: sessions live in the database, which every admin process already shares.
    session_redis_url: str = ""
    #: Roadshow check-in opens this many minutes before the start (and closes at the end of the
    #: event's local day); enforced by ``safezone.services.roadshows.check_in``.
    checkin_opens_minutes: int = 120

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file inside ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'safezone.db').resolve()}"


_ENV_PREFIX = "SAFEZONE_"


def _coerce(name: str, raw: object, source: str) -> object:
    """Turn a raw TOML/env value into the type of the settings field ``name``."""
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds[name]
    if kind == "Path":
        if not isinstance(raw, str) or not raw:
            raise ConfigError(f"{source}: '{name}' must be a non-empty path string")
        return Path(raw).expanduser()
    if kind == "int":
        try:
            if isinstance(raw, bool) or not isinstance(raw, int | str):
                raise TypeError(raw)
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{source}: '{name}' must be a whole number, got {raw!r}") from None
    if not isinstance(raw, str):
        raise ConfigError(f"{source}: '{name}' must be a string, got {raw!r}")
    if name == "language" and raw not in LANGUAGES:
        raise ConfigError(f"{source}: 'language' must be one of {', '.join(LANGUAGES)}, got {raw!r}")
    return raw


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build the settings from an optional TOML file and the environment.

    ``config_file`` defaults to ``$SAFEZONE_CONFIG`` or ``./safezone.toml`` when that exists.
    Unknown keys are errors (a typo must not silently fall back to a default).
    """
    env = os.environ if environ is None else environ
    known = {f.name for f in fields(Settings)}
    values: dict[str, object] = {}

    if config_file is None and env.get("SAFEZONE_CONFIG"):
        config_file = Path(env["SAFEZONE_CONFIG"])
    if config_file is None and Path(DEFAULT_CONFIG_NAME).is_file():
        config_file = Path(DEFAULT_CONFIG_NAME)
    if config_file is not None:
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{config_file}: settings file not found") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{config_file}: not UTF-8 text; save it as UTF-8") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_file}: invalid TOML: {exc}") from None
        section = data.get("safezone", data)
        if not isinstance(section, dict):
            raise ConfigError(f"{config_file}: [safezone] must be a table")
        for key, raw in section.items():
            if key not in known:
                raise ConfigError(
                    f"{config_file}: unknown setting '{key}' (known: {', '.join(sorted(known))})"
                )
            values[key] = _coerce(key, raw, str(config_file))

    for key in known:
        env_name = _ENV_PREFIX + key.upper()
        if env_name in env:
            values[key] = _coerce(key, env[env_name], env_name)

    return replace(Settings(), **values)  # type: ignore[arg-type]
