"""What every scene and widget draws with: text renderer, language, text size, sounds, images."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pygame

from screen.sound import Sounds
from screen.text import TextRenderer
from screen.theme import TypeScale, shrink_floor, type_scale

# YAML folded text puts a space where a Chinese line was broken; Chinese has no spaces there.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


@functools.lru_cache(maxsize=4096)
def _tidy(text: str) -> str:
    return _CJK_GAP.sub("", text.strip())


#: The language a screen starts in (zh-CN first, DESIGN.md decision 9).
DEFAULT_LANGUAGE = "zh-CN"


class Words(Protocol):
    """Where the screen's words come from: the front end's string table (``kiosk.i18n`` is one).

    The toolkit owns no strings: whoever builds the :class:`Ui` passes its table in.
    """

    def tr(self, key: str, lang: str, /, **values: object) -> str:
        """The string ``key`` in ``lang`` with ``values`` filled in."""
        ...

    def pick(self, zh: str, en: str | None, lang: str, /) -> str:
        """Content text in ``lang`` (Chinese when there is no version in ``lang``)."""
        ...


@dataclass
class Ui:
    """Shared drawing state; language and text size change at a tap, so they live here."""

    text: TextRenderer
    sounds: Sounds
    assets_dir: Path
    #: The front end's string table (``kiosk.i18n``): UI strings and content-text choice.
    words: Words
    lang: str = DEFAULT_LANGUAGE
    large: bool = False
    _images: dict[tuple[str, int, int], pygame.Surface | None] = field(default_factory=dict)

    @property
    def types(self) -> TypeScale:
        """Font sizes for the current text size."""
        return type_scale(self.large)

    def floor(self, role: str) -> int:
        """The smallest size text of ``role`` (``body``, ``button``...) may shrink to right now."""
        return shrink_floor(role, self.large)

    def tr(self, key: str, **values: object) -> str:
        """A UI string in the current language."""
        return self.words.tr(key, self.lang, **values)

    def pick(self, zh: str, en: str | None) -> str:
        """Content text in the current language (Chinese when no English exists)."""
        return _tidy(self.words.pick(zh, en, self.lang))

    def lines(self, size: int, count: int, bold: bool = False) -> int:
        """Height in pixels that ``count`` wrapped lines of text at ``size`` need."""
        font_height = self.text.font(size, bold).get_height()
        return font_height + (count - 1) * self.text.line_height(size, bold)

    def image(self, relative: str, width: int, height: int) -> pygame.Surface | None:
        """An image from the assets folder scaled to fit ``width``×``height``; None if unusable.

        A missing or broken picture must never stop a quiz: the caller falls back to a pictogram.
        """
        key = (relative, width, height)
        if key in self._images:
            return self._images[key]
        surface: pygame.Surface | None = None
        try:
            loaded = pygame.image.load(str(self.assets_dir / relative))
            scale = min(width / loaded.get_width(), height / loaded.get_height())
            size = (max(1, round(loaded.get_width() * scale)), max(1, round(loaded.get_height() * scale)))
            surface = pygame.transform.smoothscale(loaded.convert_alpha(), size)
        except (pygame.error, OSError, FileNotFoundError, ZeroDivisionError):
            surface = None
        self._images[key] = surface
        return surface
