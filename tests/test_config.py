"""Settings come from defaults, a TOML file and SAFEZONE_* variables, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from safezone.config import ConfigError, Settings, load_settings


def test_defaults_without_file_or_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.data_dir == Path("var")
    assert settings.resolved_database_url.endswith("/var/safezone.db")
    assert settings.resolved_database_url.startswith("sqlite:///")


def test_toml_then_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "safezone.toml"
    config.write_text(
        '[safezone]\nsite_name = "测试小区"\nlanguage = "en"\nadmin_port = 8080\n'
        'data_dir = "/srv/sz"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"SAFEZONE_ADMIN_PORT": "9000"})
    assert settings.site_name == "测试小区"
    assert settings.language == "en"
    assert settings.admin_port == 9000
    assert settings.data_dir == Path("/srv/sz")


def test_database_url_from_environment() -> None:
    url = "postgresql+psycopg://u@127.0.0.1/db"
    settings = load_settings(environ={"SAFEZONE_DATABASE_URL": url})
    assert settings.resolved_database_url == url


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site_name = ", "invalid TOML"),
        ("colour = 'red'", "unknown setting 'colour'"),
        ("admin_port = 'abc'", "whole number"),
        ("language = 'fr'", "must be one of"),
        ("data_dir = ''", "non-empty path"),
    ],
)
def test_bad_toml_is_named(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(config, environ={})
    assert str(config) in str(info.value)


def test_non_utf8_toml(tmp_path: Path) -> None:
    config = tmp_path / "gbk.toml"
    config.write_bytes('site_name = "锦秀城"'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_settings(config, environ={})


def test_missing_file_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_bad_environment_variable_named() -> None:
    with pytest.raises(ConfigError, match="SAFEZONE_LANGUAGE"):
        load_settings(environ={"SAFEZONE_LANGUAGE": "klingon"})


def test_config_file_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "x.toml"
    config.write_text('site_name = "甲"', encoding="utf-8")
    assert load_settings(environ={"SAFEZONE_CONFIG": str(config)}).site_name == "甲"
