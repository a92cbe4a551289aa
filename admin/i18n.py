"""UI language: zh-CN first, English second. Every UI string lives in :data:`MESSAGES`.

The language is kept in the session; ``?lang=en`` / ``?lang=zh-CN`` on any page switches it.
"""

from __future__ import annotations

from flask import Flask, request, session

from admin.messages import MESSAGES
from admin.state import state
from safezone.languages import LANGUAGES

LANGS = LANGUAGES


def current_lang() -> str:
    """The language of this request: the session's choice, else the site default."""
    lang = session.get("lang")
    if lang in LANGS:
        return lang
    return state().settings.language


def t(key: str, **values: object) -> str:
    """The UI text for ``key`` in the current language, with ``{name}`` fields filled in.

    An unknown key is a programming error, so it fails loudly instead of showing the key.
    """
    zh, en = MESSAGES[key]
    text = en if current_lang() == "en" else zh
    return text.format(**values) if values else text


def t_or(text: str) -> str:
    """Translate ``text`` when it is a message key (form errors), otherwise return it as is."""
    return t(text) if text in MESSAGES else text


def bilingual(text: str) -> str:
    """Pick this request's half of a core message written as ``中文 / English``."""
    zh, sep, en = text.partition(" / ")
    if not sep:
        return text
    return en if current_lang() == "en" else zh


def _switch_language() -> None:
    lang = request.args.get("lang")
    if lang in LANGS:
        session["lang"] = lang


def init_app(app: Flask) -> None:
    """Install the language switch and the ``t``/``t_or``/``lang`` template helpers."""
    app.before_request(_switch_language)
    app.jinja_env.globals.update(t=t, t_or=t_or, current_lang=current_lang)
