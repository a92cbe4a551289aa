"""Every string the kiosk shows, from gettext catalogs (Simplified Chinese and English).

Translators edit ``kiosk/locale/<locale>/LC_MESSAGES/kiosk.po`` (msgid = the key) and run
``python tools/i18n_import_table.py compile``. Scenes ask :func:`tr` for a key; nothing on
screen is written inline in a scene. Placeholders use
``str.format`` names, and a test checks both languages use the same ones.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safezone.catalogs import load_catalogs
from safezone.languages import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "STRINGS", "format_date", "other_language", "pick", "tr"]

#: Catalogs: ``kiosk/locale/<locale>/LC_MESSAGES/kiosk.po`` (msgid = key), compiled to ``.mo``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: key → {language tag: text}, read once from the compiled catalogs (no Babel import: cold start).
STRINGS: dict[str, dict[str, str]] = load_catalogs(LOCALE_DIR, "kiosk")

def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in.

    An unknown language falls back to Chinese; an unknown key raises ``KeyError`` (a programming
    error that the i18n tests catch before anyone sees it).
    """
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def pick(zh: str, en: str | None, lang: str) -> str:
    """Content text in ``lang``: the English version when asked for and present, else Chinese."""
    return en if lang == "en" and en else zh


def format_date(local: datetime, lang: str, with_time: bool = False) -> str:
    """A local date (and time) the way people read it in ``lang``, e.g. ``11月28日 星期六``.

    The pattern (``date.day``) and the weekday and month names (``date.weekday.1`` = Monday,
    ``date.month.1``) come from the catalog, so a new language needs no code. Babel is not
    used here: importing it and loading a locale costs ~0.4 s, more than the whole cold start.
    """
    key = "date.day_time" if with_time else "date.day"
    return tr(
        key, lang, month=local.month, day=local.day, weekday=tr(f"date.weekday.{local.isoweekday()}", lang),
        month_name=tr(f"date.month.{local.month}", lang), time=local.strftime("%H:%M"),
    )


def other_language(lang: str) -> str:
    """The language the toggle switches to."""
    return "en" if lang != "en" else "zh-CN"
