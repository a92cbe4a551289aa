"""Supported languages: the one module that lists the locales safezone speaks.

Settings, the play service, the sync schemas, the kiosk and the admin all take their list from
here. Adding a language (繁體中文, ``zh-Hant``) starts by adding it to :data:`Language`; then
each front end gets a catalog and the content its texts (see the README's translator section).
"""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["zh-CN", "en"]
#: Every supported locale, the default first.
LANGUAGES: tuple[Language, ...] = get_args(Language)
#: What a kiosk or the admin speaks until someone chooses.
DEFAULT_LANGUAGE: Language = "zh-CN"


def is_language(value: object) -> bool:
    """Whether ``value`` is a supported locale tag."""
    return value in LANGUAGES


#: Our language tags → gettext locale folder names (``kiosk/locale/zh_Hans_CN/LC_MESSAGES/...``).
GETTEXT_LOCALES: dict[Language, str] = {"zh-CN": "zh_Hans_CN", "en": "en"}


def gettext_locale(tag: str) -> str:
    """The gettext / Babel locale name of a language tag (``zh-CN`` → ``zh_Hans_CN``, as Babel parses it); an unknown
    tag gets the default language's."""
    return GETTEXT_LOCALES.get(tag, GETTEXT_LOCALES[DEFAULT_LANGUAGE])  # type: ignore[call-overload]
