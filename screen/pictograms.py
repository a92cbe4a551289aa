"""Pictograms drawn with pygame primitives: topics, feedback marks, choices and small icons.

Each is drawn once per size into a transparent surface and cached. Shapes are laid out in a
100×100 unit box and scaled, so one drawing serves every size. Feedback marks always come with
words beside them; colour is never the only signal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pygame

from screen import theme

Point = tuple[float, float]
#: An RGB colour.
Colour = tuple[int, int, int]
_Drawer = Callable[[pygame.Surface, float], object]
_cache: dict[tuple[str, int], pygame.Surface] = {}


def _pts(points: Sequence[Point], s: float) -> list[tuple[int, int]]:
    return [(round(x * s), round(y * s)) for x, y in points]


def _circle(surface: pygame.Surface, colour: Colour, centre: Point, radius: float, s: float, width: int = 0) -> None:
    pygame.draw.circle(surface, colour, _pts([centre], s)[0], max(1, round(radius * s)), width)


def _rect(surface: pygame.Surface, colour: Colour, box: tuple[float, float, float, float], s: float, radius: float = 0, width: int = 0) -> None:
    x, y, w, h = box
    pygame.draw.rect(
        surface, colour, pygame.Rect(round(x * s), round(y * s), round(w * s), round(h * s)),
        width, border_radius=round(radius * s),
    )


def _fire(surface: pygame.Surface, s: float) -> None:
    outer = [(50, 4), (64, 24), (78, 40), (84, 60), (80, 78), (68, 92), (50, 97), (32, 92),
             (20, 78), (16, 60), (24, 42), (33, 50), (36, 30), (44, 18)]
    middle = [(52, 34), (62, 50), (68, 64), (66, 80), (56, 90), (44, 90), (34, 80), (34, 66),
              (42, 56), (46, 44)]
    inner = [(51, 58), (58, 70), (58, 82), (50, 90), (42, 82), (43, 70)]
    pygame.draw.polygon(surface, (214, 69, 46), _pts(outer, s))
    pygame.draw.polygon(surface, (244, 140, 50), _pts(middle, s))
    pygame.draw.polygon(surface, (255, 214, 90), _pts(inner, s))


def _home(surface: pygame.Surface, s: float) -> None:
    pygame.draw.polygon(surface, (196, 82, 52), _pts([(50, 6), (96, 46), (86, 46), (50, 16), (14, 46), (4, 46)], s))
    _rect(surface, (250, 200, 110), (18, 44, 64, 50), s)
    pygame.draw.polygon(surface, (196, 82, 52), _pts([(50, 8), (90, 44), (10, 44)], s))
    _rect(surface, (120, 70, 40), (42, 62, 18, 32), s, radius=2)
    _rect(surface, (90, 150, 200), (24, 56, 14, 14), s, radius=2)
    _rect(surface, (90, 150, 200), (64, 56, 14, 14), s, radius=2)
    _rect(surface, (120, 70, 40), (70, 14, 10, 20), s)


def _traffic(surface: pygame.Surface, s: float) -> None:
    _rect(surface, (60, 60, 60), (46, 70, 8, 28), s)
    _rect(surface, (40, 44, 48), (28, 2, 44, 72), s, radius=10)
    _circle(surface, (220, 50, 40), (50, 16), 9, s)
    _circle(surface, (250, 190, 40), (50, 37), 9, s)
    _circle(surface, (40, 170, 80), (50, 58), 9, s)


def _cyber(surface: pygame.Surface, s: float) -> None:
    shield = [(50, 4), (88, 18), (84, 56), (68, 80), (50, 96), (32, 80), (16, 56), (12, 18)]
    pygame.draw.polygon(surface, (52, 98, 180), _pts(shield, s))
    _rect(surface, (255, 255, 255), (34, 48, 32, 26), s, radius=4)
    pygame.draw.arc(
        surface, (255, 255, 255),
        pygame.Rect(round(38 * s), round(30 * s), round(24 * s), round(30 * s)),
        0, math.pi, max(2, round(5 * s)),
    )
    _circle(surface, (52, 98, 180), (50, 60), 4, s)


def _check(surface: pygame.Surface, s: float) -> None:
    _circle(surface, theme.OK_GREEN, (50, 50), 48, s)
    pygame.draw.lines(surface, (255, 255, 255), False, _pts([(26, 52), (43, 69), (75, 33)], s), max(3, round(10 * s)))


def _cross(surface: pygame.Surface, s: float) -> None:
    _circle(surface, theme.BAD_RED, (50, 50), 48, s)
    width = max(3, round(10 * s))
    pygame.draw.line(surface, (255, 255, 255), _pts([(30, 30)], s)[0], _pts([(70, 70)], s)[0], width)
    pygame.draw.line(surface, (255, 255, 255), _pts([(70, 30)], s)[0], _pts([(30, 70)], s)[0], width)


def _clock(surface: pygame.Surface, s: float) -> None:
    _circle(surface, (150, 100, 20), (50, 50), 46, s)
    _circle(surface, (255, 255, 255), (50, 50), 38, s)
    width = max(2, round(7 * s))
    pygame.draw.line(surface, theme.INK, _pts([(50, 50)], s)[0], _pts([(50, 22)], s)[0], width)
    pygame.draw.line(surface, theme.INK, _pts([(50, 50)], s)[0], _pts([(70, 58)], s)[0], width)


def _star_points(filled: bool) -> list[Point]:
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        radius = 48 if i % 2 == 0 else 20
        points.append((50 + radius * math.cos(angle), 52 + radius * math.sin(angle)))
    return points


def _star(surface: pygame.Surface, s: float) -> None:
    pygame.draw.polygon(surface, (240, 170, 20), _pts(_star_points(True), s))
    pygame.draw.polygon(surface, (150, 95, 0), _pts(_star_points(True), s), max(1, round(3 * s)))


def _star_empty(surface: pygame.Surface, s: float) -> None:
    pygame.draw.polygon(surface, (235, 225, 210), _pts(_star_points(False), s))
    pygame.draw.polygon(surface, (120, 110, 100), _pts(_star_points(False), s), max(1, round(3 * s)))


def _card(surface: pygame.Surface, s: float) -> None:
    _rect(surface, (255, 255, 255), (6, 18, 88, 64), s, radius=8)
    _rect(surface, theme.TEAL, (6, 18, 88, 64), s, radius=8, width=max(2, round(4 * s)))
    for (x, y) in ((14, 28), (34, 28), (14, 48)):
        _rect(surface, theme.INK, (x, y, 14, 14), s)
    for (x, y) in ((34, 48), (24, 64), (40, 66)):
        _rect(surface, theme.INK, (x, y, 8, 8), s)
    _rect(surface, theme.TEAL, (56, 32, 30, 8), s, radius=3)
    _rect(surface, (180, 180, 180), (56, 48, 26, 6), s, radius=3)
    _rect(surface, (180, 180, 180), (56, 60, 20, 6), s, radius=3)


def _person(surface: pygame.Surface, s: float) -> None:
    _circle(surface, theme.TEAL, (50, 28), 18, s)
    pygame.draw.ellipse(surface, theme.TEAL, pygame.Rect(round(18 * s), round(50 * s), round(64 * s), round(56 * s)))


def _kids(surface: pygame.Surface, s: float) -> None:
    pygame.draw.line(surface, (120, 110, 100), _pts([(50, 60)], s)[0], _pts([(54, 98)], s)[0], max(2, round(3 * s)))
    pygame.draw.ellipse(surface, (232, 84, 110), pygame.Rect(round(24 * s), round(2 * s), round(52 * s), round(60 * s)))
    pygame.draw.ellipse(surface, (255, 170, 185), pygame.Rect(round(34 * s), round(12 * s), round(14 * s), round(18 * s)))
    pygame.draw.polygon(surface, (232, 84, 110), _pts([(46, 60), (54, 60), (50, 68)], s))


def _badge(surface: pygame.Surface, s: float) -> None:
    pygame.draw.polygon(surface, (214, 69, 46), _pts([(30, 56), (42, 98), (50, 86), (58, 98), (70, 56)], s))
    _circle(surface, (240, 170, 20), (50, 40), 36, s)
    _circle(surface, (255, 214, 120), (50, 40), 27, s)
    pygame.draw.polygon(surface, (200, 120, 0), _pts([(x * 0.5 + 25, y * 0.5 + 14) for x, y in _star_points(True)], s))


def _speaker(surface: pygame.Surface, s: float) -> None:
    pygame.draw.polygon(surface, theme.ON_TEAL, _pts([(10, 38), (30, 38), (54, 16), (54, 84), (30, 62), (10, 62)], s))
    for radius in (18, 32):
        pygame.draw.arc(
            surface, theme.ON_TEAL,
            pygame.Rect(round((56 - radius) * s), round((50 - radius) * s), round(2 * radius * s), round(2 * radius * s)),
            -math.pi / 3, math.pi / 3, max(2, round(6 * s)),
        )


def _heart(surf: pygame.Surface, s: float) -> None:
    _circle(surf, (200, 60, 140), (30, 36), 24, s)
    _circle(surf, (200, 60, 140), (70, 36), 24, s)
    pygame.draw.polygon(surf, (200, 60, 140), _pts([(8, 44), (92, 44), (50, 94)], s))


def _marker(name: str) -> _Drawer:
    shapes: dict[str, _Drawer] = {
        "shape_circle": lambda surf, s: _circle(surf, (214, 69, 46), (50, 50), 44, s),
        "shape_square": lambda surf, s: _rect(surf, (40, 120, 200), (8, 8, 84, 84), s, radius=10),
        "shape_triangle": lambda surf, s: pygame.draw.polygon(
            surf, (40, 150, 80), _pts([(50, 6), (96, 92), (4, 92)], s)),
        "shape_diamond": lambda surf, s: pygame.draw.polygon(
            surf, (230, 150, 20), _pts([(50, 2), (98, 50), (50, 98), (2, 50)], s)),
        "shape_star": _star,
        "shape_heart": _heart,
    }
    return shapes[name]


_DRAWERS: dict[str, _Drawer] = {
    "fire": _fire,
    "home": _home,
    "traffic": _traffic,
    "cyber": _cyber,
    "check": _check,
    "cross": _cross,
    "clock": _clock,
    "star": _star,
    "star_empty": _star_empty,
    "card": _card,
    "person": _person,
    "kids": _kids,
    "badge": _badge,
    "speaker": _speaker,
}
#: Distinct answer markers for kids' options without pictures (shape + its number and text).
KID_MARKERS = ("shape_circle", "shape_square", "shape_triangle", "shape_diamond", "shape_star", "shape_heart")
for _name in KID_MARKERS:
    _DRAWERS[_name] = _marker(_name)

NAMES: tuple[str, ...] = tuple(_DRAWERS)


def pictogram(name: str, size: int) -> pygame.Surface:
    """The pictogram ``name`` drawn into a ``size``×``size`` transparent surface (cached)."""
    key = (name, size)
    surface = _cache.get(key)
    if surface is None:
        # Draw at 2x and smooth-scale down: primitives are not anti-aliased.
        big = pygame.Surface((size * 2, size * 2), pygame.SRCALPHA)
        _DRAWERS[name](big, size * 2 / 100)
        surface = pygame.transform.smoothscale(big, (size, size))
        if pygame.display.get_surface() is not None:
            surface = surface.convert_alpha()
        _cache[key] = surface
    return surface
