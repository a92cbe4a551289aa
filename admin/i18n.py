"""UI language: zh-CN first, English second, from gettext catalogs through Flask-Babel.

Every UI string lives in ``admin/translations/<locale>/LC_MESSAGES/messages.po`` with the
message key as msgid (``t("residents.plot_n", n=1)``); translators edit the ``.po`` files and
run ``python tools/i18n_import_table.py compile``. The language is kept in the session;
``?lang=en`` / ``?lang=zh-CN`` on any page switches it. Dates and numbers in templates are
formatted for that language by Babel (the ``number`` and ``date`` filters).
"""

from __future__ import annotations

from pathlib import Path

import flask_babel
from flask import Flask, request, session

from admin.state import state
from safezone.catalogs import load_catalogs
from safezone.languages import LANGUAGES, gettext_locale

LANGS = LANGUAGES
#: Where Flask-Babel finds the catalogs (its default folder name, under the admin package).
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
#: Every message key, read once from the compiled catalogs (an unknown key fails loudly).
MESSAGE_KEYS: frozenset[str] = frozenset(load_catalogs(TRANSLATIONS_DIR, "messages"))


def message_table() -> dict[str, dict[str, str]]:
    """key → {language tag: text} of every admin message (for tests and translators' checks)."""
    return load_catalogs(TRANSLATIONS_DIR, "messages")


def current_lang() -> str:
    """The language of this request: the session's choice, else the site default."""
    lang = session.get("lang")
    if lang in LANGS:
        return str(lang)
    return state().settings.language


def t(key: str, **values: object) -> str:
    """The UI text for ``key`` in the current language, with ``{name}`` fields filled in.

    An unknown key is a programming error, so it fails loudly instead of showing the key.
    """
    if key not in MESSAGE_KEYS:
        raise KeyError(key)
    text = flask_babel.gettext(key)
    return text.format(**values) if values else text


def t_or(text: str) -> str:
    """Translate ``text`` when it is a message key (form errors), otherwise return it as is."""
    return t(text) if text in MESSAGE_KEYS else text


def bilingual(text: str) -> str:
    """Pick this request's half of a core message written as ``中文 / English``."""
    zh, sep, en = text.partition(" / ")
    if not sep:
        return text
    return en if current_lang() == "en" else zh


def _select_locale() -> str:
    return gettext_locale(current_lang())


def _switch_language() -> None:
    lang = request.args.get("lang")
    if lang in LANGS:
        session["lang"] = lang


def init_app(app: Flask) -> None:
    """Install Flask-Babel, the language switch and the ``t``/``t_or``/``lang`` template helpers."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    flask_babel.Babel(app, locale_selector=_select_locale)
    app.before_request(_switch_language)
    app.jinja_env.globals.update(t=t, t_or=t_or, current_lang=current_lang)
    app.jinja_env.filters.update(number=flask_babel.format_decimal)
