"""Refusals people read: a message key and the values it names, rendered by each front end.

The core never writes "中文 / English" strings for a person. It raises
``SafezoneError("store.out_of_stock", name=..., name_en=...)``; the admin renders it in the
request's language and the kiosk in the visitor's, with :meth:`SafezoneError.message`. The texts
are in the core's gettext catalog ``safezone/locale/<locale>/LC_MESSAGES/safezone.po`` (msgid =
the key), so a new language is a catalog, not code. ``str(exc)`` is the English text, for logs
and the command line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from safezone.catalogs import load_catalogs
from safezone.languages import DEFAULT_LANGUAGE

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "safezone"


@cache
def messages() -> dict[str, dict[str, str]]:
    """key → {language tag: text} of every core message (read once, on first use)."""
    return load_catalogs(LOCALE_DIR, DOMAIN)


def render(key: str, lang: str, **values: object) -> str:
    """The core message ``key`` in ``lang`` (default language when that one lacks it).

    A value that is a ``{"zh-CN": .., "en": ..}`` mapping (a name staff typed in two languages)
    is given in ``lang`` too. An unknown key raises ``KeyError``: a programming error the
    catalog tests catch.
    """
    texts = messages()[key]
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    filled = {name: _in_language(value, lang) for name, value in values.items()}
    return text.format(**filled) if filled else text


def _in_language(value: object, lang: str) -> object:
    if isinstance(value, dict):
        return value.get(lang) or value.get(DEFAULT_LANGUAGE) or ""
    return value


class SafezoneError(Exception):
    """A refused operation with a message for people: ``key`` plus the ``values`` it names."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(key)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (``zh-CN``, ``en``, or any language with a catalog)."""
        return render(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.message("en")


def localized(zh: str, en: str | None) -> dict[str, str]:
    """A value given in two languages (e.g. an item's ``name`` and ``name_en``), for
    :class:`SafezoneError` values: each language shows its own, English falls back to Chinese."""
    return {"zh-CN": zh, "en": en or zh}
