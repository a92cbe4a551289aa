"""Pictures for the game screens: loaded once, ``convert_alpha()``ed, never fatal when missing.

A missing or unreadable file becomes a clearly labelled placeholder shape (dashed frame, the
file's name), so staff see at once which picture to add and the game keeps working.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from screen import theme
from screen.ui import Ui

Rect = pygame.Rect


class ArtCache:
    """Images at their own size, loaded once per path (None when the file cannot be used)."""

    def __init__(self, assets_dir: Path) -> None:
        self.assets_dir = assets_dir
        self._images: dict[str, pygame.Surface | None] = {}
        #: Paths that could not be loaded (the scene logs them once).
        self.missing: list[str] = []

    def get(self, relative: str | None) -> pygame.Surface | None:
        """The picture at ``assets/<relative>``, or None."""
        if not relative:
            return None
        if relative not in self._images:
            surface: pygame.Surface | None
            try:
                surface = pygame.image.load(str(self.assets_dir / relative)).convert_alpha()
            except (pygame.error, OSError, FileNotFoundError):
                surface = None
                self.missing.append(relative)
            self._images[relative] = surface
        return self._images[relative]

    def fitted(self, relative: str | None, width: int, height: int) -> pygame.Surface | None:
        """The picture scaled to fit ``width``×``height`` (kept in proportion), or None."""
        image = self.get(relative)
        if image is None:
            return None
        key = f"{relative}@{width}x{height}"
        if key not in self._images:
            scale = min(width / image.get_width(), height / image.get_height())
            size = (max(1, round(image.get_width() * scale)), max(1, round(image.get_height() * scale)))
            self._images[key] = pygame.transform.smoothscale(image, size)
        return self._images[key]


def placeholder(ui: Ui, width: int, height: int, label: str) -> pygame.Surface:
    """A dashed, labelled box standing in for a missing picture."""
    surface = pygame.Surface((max(1, width), max(1, height)), pygame.SRCALPHA)
    surface.fill((*theme.PAPER_DEEP, 235))
    dash, gap = 18, 12
    for x in range(0, width, dash + gap):
        pygame.draw.line(surface, theme.INK_SOFT, (x, 1), (min(width, x + dash), 1), 4)
        pygame.draw.line(surface, theme.INK_SOFT, (x, height - 3), (min(width, x + dash), height - 3), 4)
    for y in range(0, height, dash + gap):
        pygame.draw.line(surface, theme.INK_SOFT, (1, y), (1, min(height, y + dash)), 4)
        pygame.draw.line(surface, theme.INK_SOFT, (width - 3, y), (width - 3, min(height, y + dash)), 4)
    if width > 60 and height > 40:
        text = ui.text.fit(label, theme.NORMAL_TYPE.small, theme.INK, width - 24, height - 16, 20, bold=True,
                           align="center")
        surface.blit(text, ((width - text.get_width()) // 2, (height - text.get_height()) // 2))
    return surface.convert_alpha() if pygame.display.get_surface() is not None else surface


def panel(surface: pygame.Surface, rect: Rect, *, fill: tuple[int, int, int] = theme.CARD,
          border: tuple[int, int, int] | None = None, width: int = 6, radius: int = 32) -> None:
    """A rounded panel with a soft shadow and an optional border."""
    pygame.draw.rect(surface, theme.SHADOW, rect.move(0, 8), border_radius=radius)
    pygame.draw.rect(surface, fill, rect, border_radius=radius)
    if border is not None:
        pygame.draw.rect(surface, border, rect, width, border_radius=radius)


#: Emoji pictures standing for each game on the choice screen (Twemoji, see assets/images).
GAME_EMOJI: dict[str, str] = {
    "quiz": "images/emoji/1f4ac.png",
    "hazard_hunt": "images/emoji/1f440.png",
    "crossing": "images/emoji/1f6b6.png",
}


def game_icon(art: ArtCache, ui: Ui, name: str, size: int) -> pygame.Surface:
    """The picture of a game type: an emoji, or a small drawing for sort and step order."""
    from screen.pictograms import pictogram

    image = art.fitted(GAME_EMOJI.get(name), size, size)
    if image is not None:
        return image
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    if name == "sort":
        half = size * 11 // 20
        surface.blit(pictogram("check", half), (0, 0))
        surface.blit(pictogram("cross", half), (size - half, size - half))
    elif name == "sequence":
        step = size // 3
        for index in range(3):
            box = Rect(index * size // 10, index * step + 4, size - size // 5, step - 10)
            pygame.draw.rect(surface, theme.CARD, box, border_radius=10)
            pygame.draw.rect(surface, theme.TEAL, box, 5, border_radius=10)
            digit = ui.text.render(str(index + 1), max(20, step - 24), theme.TEAL, bold=True)
            surface.blit(digit, (box.x + 14, box.centery - digit.get_height() // 2))
    else:
        surface.blit(pictogram("star", size), (0, 0))
    return surface
