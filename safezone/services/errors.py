"""The base of refusals that people read: one message in Chinese and one in English."""

from __future__ import annotations


class BilingualError(Exception):
    """A refused operation whose message is shown to staff or residents in zh-CN or English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh-CN") -> str:
        """The message in ``lang`` (``zh-CN`` or ``en``)."""
        return self.en if lang == "en" else self.zh
