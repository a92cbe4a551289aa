"""The older kind of refusal: one message in Chinese and one in English, given inline.

Being replaced by :class:`safezone.errors.SafezoneError` (a message key and values, texts in
the core's catalog); the store service is converted, the rest follow. It subclasses
``SafezoneError`` so front ends can catch every refusal the same way and call ``message(lang)``.
"""

from __future__ import annotations

from safezone.errors import SafezoneError


class BilingualError(SafezoneError):
    """A refused operation whose message is shown to staff or residents in zh-CN or English."""

    def __init__(self, zh: str, en: str) -> None:
        Exception.__init__(self, f"{zh} / {en}")
        self.key = ""
        self.values = {}
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh-CN") -> str:
        """The message in ``lang`` (``zh-CN`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"
