"""Text rendering with the bundled CJK font: fonts opened once, every surface rendered once.

Scenes redraw every frame, so each (text, size, colour, weight) is rendered the first time it
is asked for and then served from a cache bounded by the pixels it holds (not by entries: one
explanation block at 1800 px wide weighs as much as hundreds of button labels). Wrapping understands both Chinese (a line
may break between any two characters, but never before closing punctuation) and English
(break between words).

Layouts measure before they draw: :meth:`TextRenderer.height_of` and :meth:`TextRenderer.fit_size`
wrap with the real font without rendering anything, so a screen can find the size and the room
its words need (and a test can check every question in the bank) at the cost of a few
``Font.size`` calls.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

import pygame

from screen.theme import Colour

# Punctuation that must not start a line, and that must not end one.
_NO_LINE_START = set("，。！？、；：）」』”’》〉…,.!?;:)]%")
_NO_LINE_END = set("（「『“‘《〈([")
# A run of non-CJK, non-space characters (a word, a number) with its trailing spaces, a single
# CJK character, or a run of spaces.
_TOKEN_RE = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]+\s*|\s+|.", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """Split one paragraph into unbreakable pieces, gluing punctuation to its neighbour."""
    tokens: list[str] = []
    pending_open = ""
    for raw in _TOKEN_RE.findall(text):
        token = pending_open + raw
        pending_open = ""
        if token in _NO_LINE_END:
            pending_open = token
            continue
        if tokens and token[0] in _NO_LINE_START:
            tokens[-1] += token
        else:
            tokens.append(token)
    if pending_open:
        tokens.append(pending_open)
    return tokens


class TextRenderer:
    """Opens the bundled font at each size once and caches rendered text surfaces."""

    def __init__(self, regular: Path, bold: Path, cache_bytes: int = 12 * 1024 * 1024, wrap_entries: int = 2000) -> None:
        self._paths = {False: str(regular), True: str(bold)}
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._surfaces: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._wraps: OrderedDict[tuple, list[str]] = OrderedDict()
        self._cache_size = wrap_entries
        self._budget = cache_bytes
        #: Bytes of pixels held by the surface cache right now.
        self.cached_bytes = 0
        #: How many surfaces were actually rendered (the cache's misses), for tests and benches.
        self.renders = 0
        #: How many times :meth:`fit` had to cut text with an ellipsis (a layout bug: tests keep it 0).
        self.truncated = 0

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        """The bundled font at ``size`` pixels."""
        key = (size, bold)
        font = self._fonts.get(key)
        if font is None:
            font = pygame.font.Font(self._paths[bold], size)
            self._fonts[key] = font
        return font

    def line_height(self, size: int, bold: bool = False) -> int:
        """Distance between baselines of wrapped lines."""
        return int(self.font(size, bold).get_linesize() * 1.12)

    def height_of(self, text: str, size: int, width: int, bold: bool = False) -> int:
        """Height in pixels of ``text`` wrapped at ``width`` (what :meth:`block` draws), measured
        without rendering."""
        lines = len(self.wrap(text, size, width, bold))
        return (lines - 1) * self.line_height(size, bold) + self.font(size, bold).get_height()

    def fit_size(self, text: str, size: int, width: int, height: int, min_size: int, bold: bool = False,
                 step: int = 2) -> int | None:
        """The largest size from ``size`` down to ``min_size`` (``step`` px at a time) at which
        ``text`` wrapped at ``width`` is at most ``height`` tall; None when even ``min_size`` is not."""
        current = size
        while True:
            if self.height_of(text, current, width, bold) <= height:
                return current
            if current <= min_size:
                return None
            current = max(min_size, current - step)

    def render(self, text: str, size: int, colour: Colour, bold: bool = False) -> pygame.Surface:
        """One line of text as a (cached) surface."""
        key = ("line", text, size, colour, bold)
        surface = self._cached(key)
        if surface is None:
            surface = self.font(size, bold).render(text, True, colour)
            surface = _converted(surface)
            self._store(key, surface)
        return surface

    def wrap(self, text: str, size: int, width: int, bold: bool = False) -> list[str]:
        """Lines of ``text`` no wider than ``width`` pixels (explicit newlines are kept)."""
        key = (text, size, width, bold)
        lines = self._wraps.get(key)
        if lines is not None:
            self._wraps.move_to_end(key)
            return lines
        font = self.font(size, bold)
        lines = []
        for paragraph in text.split("\n"):
            lines.extend(_wrap_paragraph(paragraph, font, width))
        self._wraps[key] = lines
        if len(self._wraps) > self._cache_size:
            self._wraps.popitem(last=False)
        return lines

    def block(
        self,
        text: str,
        size: int,
        colour: Colour,
        width: int,
        bold: bool = False,
        align: str = "left",
        max_lines: int | None = None,
    ) -> pygame.Surface:
        """Wrapped text as one (cached) surface at most ``width`` wide.

        With ``max_lines`` the last kept line ends in an ellipsis instead of overflowing.
        """
        key = ("block", text, size, colour, width, bold, align, max_lines)
        surface = self._cached(key)
        if surface is not None:
            return surface
        lines = self.wrap(text, size, width, bold)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = _ellipsize(lines[-1], self.font(size, bold), width)
        step = self.line_height(size, bold)
        rendered = [self.font(size, bold).render(line.rstrip(), True, colour) for line in lines]
        height = step * (len(rendered) - 1) + (rendered[-1].get_height() if rendered else 0)
        widest = max((r.get_width() for r in rendered), default=0)
        surface = pygame.Surface((max(1, min(width, widest)), max(1, height)), pygame.SRCALPHA)
        for index, line in enumerate(rendered):
            if align == "center":
                x = (surface.get_width() - line.get_width()) // 2
            elif align == "right":
                x = surface.get_width() - line.get_width()
            else:
                x = 0
            surface.blit(line, (x, index * step))
        surface = _converted(surface)
        self._store(key, surface)
        return surface

    def fit(
        self,
        text: str,
        size: int,
        colour: Colour,
        width: int,
        height: int,
        min_size: int,
        bold: bool = False,
        align: str = "left",
    ) -> pygame.Surface:
        """The largest block of ``text`` from ``size`` down to ``min_size`` fitting ``height``.

        Sizes are measured first (:meth:`fit_size`), so only the one drawn is rendered and cached.
        If even ``min_size`` does not fit, the text is cut with an ellipsis at the last line
        that fits, so nothing is ever drawn outside its box, and :attr:`truncated` counts it:
        screens showing real content lay themselves out so that this never happens.
        """
        min_size = min(size, min_size)
        fitted = self.fit_size(text, size, width, height, min_size, bold)
        if fitted is not None:
            return self.block(text, fitted, colour, width, bold, align)
        lines_fit = max(1, 1 + (height - self.font(min_size, bold).get_height()) // self.line_height(min_size, bold))
        if len(self.wrap(text, min_size, width, bold)) > lines_fit:
            self.truncated += 1
        return self.block(text, min_size, colour, width, bold, align, max_lines=lines_fit)

    def _cached(self, key: tuple) -> pygame.Surface | None:
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
        return surface

    def _store(self, key: tuple, surface: pygame.Surface) -> None:
        self.renders += 1
        old = self._surfaces.pop(key, None)
        if old is not None:
            self.cached_bytes -= _weight(old)
        self._surfaces[key] = surface
        self.cached_bytes += _weight(surface)
        # Least recently used first; the newest surface always stays (it is about to be drawn).
        while self.cached_bytes > self._budget and len(self._surfaces) > 1:
            _, evicted = self._surfaces.popitem(last=False)
            self.cached_bytes -= _weight(evicted)


def _weight(surface: pygame.Surface) -> int:
    return surface.get_width() * surface.get_height() * surface.get_bytesize()


def _converted(surface: pygame.Surface) -> pygame.Surface:
    # convert_alpha needs a display; text made before one exists (tests) stays as rendered.
    return surface.convert_alpha() if pygame.display.get_surface() is not None else surface


def _wrap_paragraph(paragraph: str, font: pygame.font.Font, width: int) -> list[str]:
    if not paragraph:
        return [""]
    # Measuring the growing line at every piece costs O(n²) for Chinese (every character is a
    # piece); a line is instead measured as the sum of its pieces while that sum is clearly
    # inside the box, and exactly (as before) only near the edge, so lines are the same.
    slack = max(4, width // 50)
    lines: list[str] = []
    line = ""
    line_width = 0  # the sum of the pieces' widths (an estimate of font.size(line))
    for token in tokenize(paragraph):
        candidate = line + token
        token_width = font.size(token)[0]
        if line_width + token_width <= width - slack or font.size(candidate.rstrip())[0] <= width:
            line = candidate
            line_width += token_width
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = token
        # A single piece wider than the box (a long URL, a run of digits): cut it by character.
        while font.size(line.rstrip())[0] > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and font.size(line[:cut])[0] > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        line_width = font.size(line)[0]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _ellipsize(line: str, font: pygame.font.Font, width: int) -> str:
    text = line.rstrip()
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text + "…"
