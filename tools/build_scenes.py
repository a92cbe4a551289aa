"""Draw the hazard-hunt scene art: one flat-illustration background per scene plus its own layers.

Run by hand from the repository root after changing a painter below (never at test time):

    .venv/bin/python tools/build_scenes.py                  # write every scene's PNGs
    .venv/bin/python tools/build_scenes.py --check          # also check the YAML against the art
    .venv/bin/python tools/build_scenes.py --preview /tmp/p # composite previews with hit areas

A scene is data (``content/scenes/<name>.yml``) over pictures.  This script owns the pictures that
belong to one scene: ``assets/images/scenes/<scene-id>/background.png`` (1920x1080) and the
scene-specific layers next to it (a propped fire door, a chat bubble with a scam link...).  Generic
objects (a box, a pan, a car) are Twemoji pictures, ``images/emoji/<codepoint>.png`` at 256x256,
rasterised by ``tools/build_art.py``.  Everything here is drawn with Pillow shapes at twice the size
and scaled down (cheap anti-aliasing), in one warm palette, so all scenes share one look.  Text uses
the bundled font (``safezone.fonts.font_path``).  Output is palette PNG, optimised, reproducible.

``--check`` verifies, for every scene file, that each referenced image exists and that every hazard's
hit area covers the visible part of at least one layer (so a tap on the picture always counts).
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import qrcode
import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from safezone.fonts import font_path

ASSETS = ROOT / "assets"
SCENES_YAML = ROOT / "content" / "scenes"
OUT = ASSETS / "images" / "scenes"
W, H = 1920, 1080
#: Drawn at this multiple and scaled down: smooth edges without per-shape anti-aliasing.
SS = 2

# --------------------------------------------------------------------------- palette (warm, soft)
Color = tuple[int, int, int] | tuple[int, int, int, int]

CREAM = (251, 243, 230)
WALL = (246, 230, 206)
WALL_SIDE = (236, 214, 186)
WALL_DEEP = (226, 200, 168)
CEILING = (252, 246, 236)
FLOOR = (221, 190, 150)
FLOOR_LINE = (204, 170, 128)
WOOD = (196, 146, 100)
WOOD_DARK = (160, 112, 74)
TEAL = (96, 172, 168)
TEAL_DARK = (62, 132, 130)
TEAL_LIGHT = (178, 222, 214)
CORAL = (238, 128, 100)
CORAL_DARK = (200, 92, 70)
SKY = (196, 228, 242)
SKY_LOW = (232, 242, 240)
GRASS = (156, 204, 134)
GRASS_DARK = (118, 172, 104)
ROAD = (128, 132, 140)
ROAD_DARK = (108, 112, 120)
WHITE = (255, 253, 247)
INK = (74, 64, 60)
GREY = (190, 186, 180)
GREY_DARK = (140, 136, 132)
YELLOW = (248, 204, 92)
RED = (214, 80, 70)
GREEN = (52, 164, 96)
BLUE = (92, 150, 210)
BLUE_LIGHT = (170, 206, 236)
BRICK = (222, 160, 128)
SHADOW = (0, 0, 0, 40)


NO_LINE_START = frozenset("，。、；：！？）》」』”’~")


@functools.lru_cache(maxsize=64)
def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold=bold)), size * SS)


class Canvas:
    """A Pillow drawing in design pixels, rendered at ``SS`` times the size for smooth edges."""

    def __init__(self, w: int, h: int, fill: Color | None = None) -> None:
        self.w, self.h = w, h
        # An opaque picture is RGB so translucent fills (shadows) blend into it; a layer is RGBA
        # and keeps its transparency (Pillow replaces, not blends, pixels of an RGBA image).
        if fill is None:
            self.img = Image.new("RGBA", (w * SS, h * SS), (0, 0, 0, 0))
        else:
            self.img = Image.new("RGB", (w * SS, h * SS), fill[:3])
        self.d = ImageDraw.Draw(self.img, "RGBA")  # blend translucent fills (shadows)

    @staticmethod
    def _s(values: Iterable[float]) -> list[float]:
        return [v * SS for v in values]

    def rect(self, x: float, y: float, w: float, h: float, fill: Color, r: float = 0) -> None:
        """A (rounded) rectangle with top-left (x, y)."""
        box = self._s((x, y, x + w, y + h))
        if r:
            self.d.rounded_rectangle(box, radius=r * SS, fill=fill)
        else:
            self.d.rectangle(box, fill=fill)

    def outline_rect(
        self, x: float, y: float, w: float, h: float, color: Color, width: float, r: float = 0
    ) -> None:
        """A rectangle's outline only."""
        self.d.rounded_rectangle(
            self._s((x, y, x + w, y + h)),
            radius=r * SS,
            outline=color,
            width=max(1, round(width * SS)),
        )

    def ellipse(
        self, cx: float, cy: float, rx: float, ry: float | None = None, *, fill: Color
    ) -> None:
        """An ellipse centred on (cx, cy)."""
        ry = rx if ry is None else ry
        self.d.ellipse(self._s((cx - rx, cy - ry, cx + rx, cy + ry)), fill=fill)

    def ring(self, cx: float, cy: float, r: float, color: Color, width: float) -> None:
        """A circle outline."""
        self.d.ellipse(
            self._s((cx - r, cy - r, cx + r, cy + r)), outline=color, width=round(width * SS)
        )

    def poly(self, points: Iterable[tuple[float, float]], fill: Color) -> None:
        """A filled polygon."""
        self.d.polygon([(x * SS, y * SS) for x, y in points], fill=fill)

    def line(self, points: Iterable[tuple[float, float]], color: Color, width: float) -> None:
        """A polyline with round joints."""
        pts = [(x * SS, y * SS) for x, y in points]
        self.d.line(pts, fill=color, width=round(width * SS), joint="curve")
        for x, y in (pts[0], pts[-1]):  # round caps
            r = width * SS / 2
            self.d.ellipse((x - r, y - r, x + r, y + r), fill=color)

    def arc(
        self, cx: float, cy: float, r: float, start: float, end: float, color: Color, width: float
    ) -> None:
        """An arc of a circle (angles in degrees, clockwise from 3 o'clock)."""
        self.d.arc(
            self._s((cx - r, cy - r, cx + r, cy + r)),
            start,
            end,
            fill=color,
            width=round(width * SS),
        )

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: int,
        color: Color,
        *,
        anchor: str = "la",
        bold: bool = True,
    ) -> None:
        """Text at (x, y); ``anchor`` as in Pillow (``mm`` centres it)."""
        self.d.text((x * SS, y * SS), s, font=_font(size, bold), fill=color, anchor=anchor)

    def text_width(self, s: str, size: int, bold: bool = True) -> float:
        """Width of ``s`` in design pixels."""
        return self.d.textlength(s, font=_font(size, bold)) / SS

    def wrapped(
        self,
        x: float,
        y: float,
        s: str,
        size: int,
        color: Color,
        width: float,
        line_gap: float = 1.3,
        bold: bool = False,
    ) -> float:
        """Draw ``s`` wrapped (character by character, CJK style) to ``width``; return the bottom."""
        for line in self.wrap(s, size, width, bold):
            self.text(x, y, line, size, color, bold=bold)
            y += size * line_gap
        return y

    def wrap(self, s: str, size: int, width: float, bold: bool = False) -> list[str]:
        """Split ``s`` into lines no wider than ``width``."""
        lines, cur = [], ""
        for ch in s:
            if ch == "\n":
                lines.append(cur)
                cur = ""
            elif self.text_width(cur + ch, size, bold) > width and cur and ch not in NO_LINE_START:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        if cur:
            lines.append(cur)
        return lines

    def paste(self, other: Canvas, x: float, y: float) -> None:
        """Composite another canvas at (x, y)."""
        self.img.alpha_composite(other.img, (round(x * SS), round(y * SS)))

    def final(self) -> Image.Image:
        """The picture at design size."""
        return self.img.resize((self.w, self.h), Image.Resampling.LANCZOS)


def save_png(img: Image.Image, path: Path, *, opaque: bool) -> int:
    """Save as an optimised palette PNG; return its size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if opaque:
        out = img.convert("RGB").quantize(
            colors=160, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    else:
        out = img.quantize(colors=200, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out.save(path, optimize=True)
    return path.stat().st_size


# --------------------------------------------------------------------------- shared scenery


def room(
    c: Canvas,
    *,
    wall: Color = WALL,
    side: Color = WALL_SIDE,
    floor: Color = FLOOR,
    back: tuple[int, int, int, int] = (300, 90, 1620, 760),
    boards: bool = True,
) -> None:
    """A one-point-perspective room: ceiling, two side walls, back wall and a board floor."""
    x0, y0, x1, y1 = back
    c.rect(0, 0, W, H, CEILING)
    c.poly([(0, 0), (x0, y0), (x0, y1), (0, H)], side)
    c.poly([(W, 0), (x1, y0), (x1, y1), (W, H)], side)
    c.rect(x0, y0, x1 - x0, y1 - y0, wall)
    c.poly([(x0, y1), (x1, y1), (W, H), (0, H)], floor)
    # skirting board
    c.rect(x0, y1 - 16, x1 - x0, 16, WALL_DEEP)
    if boards:
        vx, vy = W / 2, y0 - 240  # vanishing point above the back wall keeps the floor shallow
        for i in range(1, 12):
            bx = x0 + (x1 - x0) * i / 12
            t = (H - vy) / (y1 - vy)
            c.line([(bx, y1), (vx + (bx - vx) * t, H)], FLOOR_LINE, 3)


def window(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    sky: Color = SKY,
    frame: Color = WHITE,
    open_right: bool = False,
) -> None:
    """A window with a sky view, a cross frame and a sill."""
    c.rect(x - 14, y - 14, w + 28, h + 28, frame, r=10)
    c.rect(x, y, w, h, sky)
    c.ellipse(x + w * 0.75, y + h * 0.3, w * 0.16, h * 0.09, fill=WHITE)
    c.ellipse(x + w * 0.62, y + h * 0.33, w * 0.12, h * 0.07, fill=WHITE)
    c.rect(x + w / 2 - 6, y, 12, h, frame)
    c.rect(x, y + h / 2 - 6, w, 12, frame)
    c.rect(x - 30, y + h + 10, w + 60, 18, WALL_DEEP, r=6)
    if open_right:  # the right half swung open into the room
        c.poly(
            [
                (x + w / 2 + 6, y),
                (x + w + 60, y - 30),
                (x + w + 60, y + h + 30),
                (x + w / 2 + 6, y + h),
            ],
            (220, 236, 244),
        )
        c.line(
            [
                (x + w / 2 + 6, y),
                (x + w + 60, y - 30),
                (x + w + 60, y + h + 30),
                (x + w / 2 + 6, y + h),
            ],
            frame,
            10,
        )


def sky_and_buildings(c: Canvas, horizon: float) -> None:
    """A soft sky with a row of residential blocks on the horizon."""
    for i in range(0, int(horizon), 8):  # vertical sky gradient in bands
        t = i / horizon
        col = tuple(round(a + (b - a) * t) for a, b in zip(SKY, SKY_LOW, strict=True))
        c.rect(0, i, W, 9, col)
    c.ellipse(300, 140, 90, 40, fill=WHITE)
    c.ellipse(380, 120, 70, 45, fill=WHITE)
    c.ellipse(1500, 180, 110, 38, fill=WHITE)
    blocks = [
        (40, 260, 220, (238, 214, 190)),
        (300, 200, 200, (226, 200, 180)),
        (540, 300, 240, (240, 222, 200)),
        (820, 180, 210, (230, 206, 186)),
        (1070, 260, 230, (238, 214, 190)),
        (1340, 220, 200, (226, 200, 180)),
        (1580, 300, 260, (240, 222, 200)),
    ]
    for x, top, w, col in blocks:
        c.rect(x, top, w, horizon - top, col, r=6)
        c.rect(x - 6, top - 14, w + 12, 20, WALL_DEEP, r=6)
        for wy in range(int(top) + 30, int(horizon) - 40, 56):
            for wx in range(int(x) + 22, int(x + w) - 40, 52):
                c.rect(wx, wy, 30, 32, (200, 222, 232), r=4)


def tree(c: Canvas, x: float, y: float, s: float = 1.0) -> None:
    """A round friendly tree standing on (x, y)."""
    c.rect(x - 12 * s, y - 110 * s, 24 * s, 110 * s, WOOD_DARK, r=6)
    c.ellipse(x, y - 170 * s, 90 * s, 80 * s, fill=GRASS_DARK)
    c.ellipse(x - 40 * s, y - 150 * s, 60 * s, fill=GRASS)
    c.ellipse(x + 30 * s, y - 200 * s, 55 * s, fill=GRASS)


def phone_frame(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    title: str,
    screen: Color = (238, 240, 236),
) -> None:
    """A big smartphone: body, screen, a title bar."""
    c.ellipse(x + w / 2, y + h + 6, w * 0.55, 22, fill=(0, 0, 0, 30))
    c.rect(x, y, w, h, (60, 62, 70), r=60)
    c.rect(x + 18, y + 18, w - 36, h - 36, screen, r=44)
    c.rect(x + 18, y + 18, w - 36, 110, (250, 250, 246), r=44)
    c.rect(x + 18, y + 90, w - 36, 38, (250, 250, 246))
    c.rect(x + w / 2 - 60, y + 30, 120, 16, (60, 62, 70), r=8)
    c.text(x + w / 2, y + 92, title, 32, INK, anchor="mm")
    c.rect(x + 18, y + 127, w - 36, 3, (222, 222, 216))


def desk(c: Canvas, top: float) -> None:
    """A wooden desk top seen from the front, with a wall behind."""
    c.rect(0, 0, W, top, WALL)
    c.rect(0, top - 14, W, 14, WALL_DEEP)
    c.rect(0, top, W, H - top, WOOD)
    for i in range(5):
        y = top + 40 + i * (H - top) / 5
        c.line([(60 + i * 30, y), (W - 200 + i * 20, y)], (188, 138, 94), 3)


# --------------------------------------------------------------------------- reusable objects


def ebike(c: Canvas, x: float, y: float, *, facing: int = 1, body: Color = TEAL) -> None:
    """An electric bike (side view) whose rear wheel touches (x, y); ``facing`` 1 = right."""

    def p(dx: float, dy: float) -> tuple[float, float]:
        return (x + dx * facing, y + dy)

    for wx in (0, 250):
        cx, cy = p(wx, -58)
        c.ellipse(cx, cy, 58, fill=INK)
        c.ellipse(cx, cy, 34, fill=GREY)
        c.ellipse(cx, cy, 12, fill=INK)
    c.poly([p(-20, -110), p(150, -110), p(210, -170), p(240, -150), p(180, -80), p(10, -80)], body)
    c.rect(min(p(20, 0)[0], p(130, 0)[0]), y - 150, 110, 44, (70, 72, 80), r=16)  # seat
    c.line([p(215, -160), p(250, -58)], GREY_DARK, 12)
    c.line([p(200, -230), p(215, -160)], GREY_DARK, 12)
    c.line([p(180, -236), p(236, -226)], INK, 14)
    c.rect(min(p(40, 0)[0], p(120, 0)[0]), y - 104, 80, 30, (230, 90, 70), r=8)  # battery


def rider(
    c: Canvas,
    x: float,
    y: float,
    *,
    facing: int = 1,
    helmet: bool,
    phone: bool = False,
    body: Color = TEAL,
    shirt: Color = CORAL,
) -> None:
    """A person riding an e-bike; optionally without a helmet or with a phone in hand."""
    ebike(c, x, y, facing=facing, body=body)

    def p(dx: float, dy: float) -> tuple[float, float]:
        return (x + dx * facing, y + dy)

    c.line([p(70, -150), p(120, -200), p(110, -270)], (70, 90, 130), 30)  # leg
    c.rect(min(p(50, 0)[0], p(130, 0)[0]), y - 340, 80, 130, shirt, r=30)  # body
    hx, hy = p(100, -380)
    c.ellipse(hx, hy, 42, fill=(246, 206, 170))
    if helmet:
        c.d.chord(c._s((hx - 48, hy - 52, hx + 48, hy + 40)), 180, 360, fill=YELLOW)
        c.rect(hx - 50, hy - 10, 100, 12, (220, 170, 60), r=6)
    else:
        c.d.chord(c._s((hx - 44, hy - 46, hx + 44, hy + 20)), 180, 360, fill=(70, 52, 44))
    eye = p(120, -384)
    c.ellipse(eye[0], eye[1], 5, fill=INK)
    if phone:  # one hand off the bar, holding a phone to the face
        c.line([p(110, -300), p(150, -330), p(138, -372)], shirt, 22)
        px, py = p(142, -392)
        c.rect(px - 14, py - 26, 28, 50, (50, 52, 60), r=6)
    else:
        c.line([p(110, -300), p(190, -236)], shirt, 22)


def ped_light(c: Canvas, x: float, y: float, *, red: bool) -> None:
    """A pedestrian signal head (red standing man or green walking man) at top-left (x, y)."""
    c.rect(x, y, 120, 220, (60, 62, 70), r=18)
    for i, on in enumerate((red, not red)):
        cy = y + 58 + i * 104
        col = (RED if i == 0 else GREEN) if on else (90, 92, 100)
        c.ellipse(x + 60, cy, 44, fill=col)
        if on:
            man = WHITE
            c.ellipse(x + 60, cy - 26, 9, fill=man)
            if i == 0:
                c.rect(x + 50, cy - 14, 20, 32, man, r=6)
                c.rect(x + 51, cy + 16, 7, 20, man)
                c.rect(x + 62, cy + 16, 7, 20, man)
            else:
                c.line([(x + 60, cy - 14), (x + 56, cy + 10)], man, 14)
                c.line([(x + 56, cy + 8), (x + 44, cy + 32)], man, 7)
                c.line([(x + 56, cy + 8), (x + 72, cy + 32)], man, 7)
                c.line([(x + 58, cy - 8), (x + 76, cy + 4)], man, 6)
                c.line([(x + 58, cy - 8), (x + 42, cy + 2)], man, 6)


def bubble(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    s: str,
    *,
    name: str,
    mine: bool = False,
    fill: Color = WHITE,
    size: int = 28,
    link: str | None = None,
) -> float:
    """A chat bubble with a sender name above it; return its bottom."""
    avatar = CORAL if mine else TEAL
    ax = x + w - 40 if mine else x + 40
    c.ellipse(ax, y + 40, 36, fill=avatar)
    c.text(ax, y + 40, name[0], 30, WHITE, anchor="mm")
    bx = x if mine else x + 92
    bw = w - 92
    c.text(
        bx + (bw if mine else 0),
        y + 4,
        name,
        22,
        GREY_DARK,
        anchor="ra" if mine else "la",
        bold=False,
    )
    lines = c.wrap(s, size, bw - 48)
    link_lines = c.wrap(link, size - 4, bw - 48) if link else []
    bh = 40 + len(lines) * size * 1.35 + len(link_lines) * (size - 4) * 1.35
    c.rect(bx, y + 36, bw, bh, fill, r=22)
    ty = c.wrapped(bx + 24, y + 54, s, size, INK, bw - 48, 1.35)
    for ln in link_lines:
        c.text(bx + 24, ty, ln, size - 4, BLUE, bold=False)
        c.rect(bx + 24, ty + size * 1.05, c.text_width(ln, size - 4, False), 3, BLUE)
        ty += (size - 4) * 1.35
    return y + 36 + bh


def sticky_note(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    lines: list[str],
    color: Color = (255, 228, 120),
    size: int = 34,
) -> None:
    """A square note with handwritten-looking lines."""
    c.rect(x + 6, y + 8, w, h, (0, 0, 0, 35), r=6)
    c.rect(x, y, w, h, color, r=6)
    c.rect(x, y, w, 22, tuple(max(0, v - 25) for v in color[:3]), r=6)
    for i, ln in enumerate(lines):
        c.text(x + w / 2, y + 40 + size * 0.7 + i * size * 1.35, ln, size, INK, anchor="mm")


# --------------------------------------------------------------------------- backgrounds


def bg_stairwell(c: Canvas) -> None:
    """A stairwell landing: flight of stairs up to the left, window, door opening, hydrant niche."""
    room(c, back=(200, 60, 1720, 800), boards=False)
    c.poly([(200, 800), (1720, 800), (W, H), (0, H)], (214, 206, 194))  # concrete landing
    for i in range(1, 7):
        y = 800 + i * 40
        c.rect(0, y, W, 3, (198, 190, 178))
    # flight going up to the upper left along the back wall
    for i in range(9):
        sx, sy = 200 + i * 90, 800 - i * 70
        c.rect(200, sy - 70, sx - 200 + 90, 70, (226, 218, 206))
        c.rect(200, sy - 70, sx - 200 + 90, 12, (206, 198, 186))
    c.line([(240, 700), (1040, 78)], WOOD_DARK, 14)  # handrail
    for i in range(9):
        c.line([(300 + i * 90, 700 - i * 70 + 40), (300 + i * 90, 624 - i * 70 + 40)], GREY_DARK, 6)
    window(c, 300, 120, 260, 180)
    # door opening (the fire door layer sits in it) and the hydrant niche
    c.rect(1150, 230, 300, 570, (168, 160, 150))
    c.rect(1170, 250, 260, 550, (120, 118, 112))
    c.rect(1540, 400, 170, 260, WALL_DEEP, r=8)
    # wall paint band
    c.rect(200, 600, 1520, 200, (234, 224, 204))
    c.rect(1150, 600, 300, 200, (120, 118, 112))
    c.rect(1170, 250, 260, 550, (120, 118, 112))
    c.text(1300, 290, "2F", 40, (230, 226, 216), anchor="mm")


def bg_corridor(c: Canvas) -> None:
    """A residential corridor in perspective: doors on both sides, the stair exit at the end."""
    room(c, back=(700, 260, 1220, 700), wall=(238, 226, 206))
    c.poly([(700, 700), (1220, 700), (W, H), (0, H)], (210, 198, 180))
    for i in range(1, 8):
        t = i / 8
        y = 700 + (H - 700) * t * t
        c.rect(0, y, W, 3, (194, 182, 164))

    # flat doors on the side walls (trapezoids)
    def side_door(x_near: float, x_far: float, left: bool, col: Color) -> None:
        def wy(x: float, top: bool) -> float:
            # the side wall's top and bottom edges at x
            t = (x if left else W - x) / 700
            return (260 * t + 0 * (1 - t)) if top else (700 * t + H * (1 - t))

        xs = sorted((x_near, x_far))
        pts = [
            (xs[0], wy(xs[0], True) + 120),
            (xs[1], wy(xs[1], True) + 120 * 0.8),
            (xs[1], wy(xs[1], False)),
            (xs[0], wy(xs[0], False)),
        ]
        c.poly(pts, col)
        hx = xs[1] - 30 if left else xs[0] + 30
        c.ellipse(hx, (wy(hx, True) + wy(hx, False)) / 2 + 40, 10, fill=YELLOW)

    side_door(140, 380, True, (182, 128, 96))
    side_door(470, 600, True, (182, 128, 96))
    side_door(1780, 1540, False, (150, 120, 110))
    side_door(1450, 1320, False, (150, 120, 110))
    # ceiling lamps
    for x, y, r in ((960, 150, 60), (960, 230, 34)):
        c.ellipse(x, y, r, r * 0.35, fill=(255, 246, 210))
    c.text(960, 300, "3F", 36, WALL_DEEP, anchor="mm")


def bg_fire_lane(c: Canvas) -> None:
    """A compound road between blocks: a painted fire lane, parking bays, a building door."""
    sky_and_buildings(c, 470)
    c.rect(0, 440, W, 60, GRASS)
    for x in (120, 700, 1780):
        tree(c, x, 500, 0.9)
    c.rect(0, 500, W, 580, (170, 172, 176))
    # fire lane: yellow border, hatched, with its words painted on the road
    c.rect(420, 560, 1080, 430, (186, 186, 188))
    c.outline_rect(420, 560, 1080, 430, YELLOW, 14)
    for i in range(-10, 30):
        x = 420 + i * 70
        c.line([(max(420, x), 560 + max(0, 420 - x) * 0), (x + 100, 560)], (186, 186, 188), 1)
    c.text(960, 600, "消防车通道  禁止占用", 48, YELLOW, anchor="ma")
    # parking bays at the right edge, white lines
    for x in (1560, 1740):
        c.rect(x, 560, 8, 420, WHITE)
    c.rect(1560, 972, 360, 8, WHITE)
    c.text(1740, 1000, "P", 44, WHITE, anchor="ma")
    # building entrance at left with window rows
    c.rect(0, 200, 360, 330, (242, 222, 198))
    c.rect(110, 380, 140, 150, (150, 116, 96), r=8)
    c.rect(90, 350, 180, 30, WALL_DEEP, r=6)
    for wy in (230, 290):
        for wx in (30, 130, 230):
            c.rect(wx, wy, 70, 44, (200, 222, 232), r=4)


def bg_bike_shed(c: Canvas) -> None:
    """An open bike shed with a roof, floor markings and a wall with a charging board."""
    sky_and_buildings(c, 420)
    c.rect(0, 400, W, 680, (202, 198, 190))
    c.poly([(0, 150), (W, 150), (W, 230), (0, 230)], TEAL_DARK)  # roof edge
    c.poly([(0, 110), (W, 110), (W, 160), (0, 160)], TEAL)
    for x in (60, 940, 1860):
        c.rect(x - 14, 230, 28, 700, GREY_DARK)
    c.rect(0, 230, W, 380, (236, 226, 210))
    c.rect(0, 600, W, 480, (196, 192, 184))
    for x in range(120, 1900, 230):  # parking slot lines
        c.line([(x, 640), (x - 60, H)], WHITE, 6)
    c.text(960, 290, "非机动车停放处", 44, TEAL_DARK, anchor="mm")


def bg_kitchen(c: Canvas) -> None:
    """A kitchen: tiled wall, window, range hood, a counter with a built-in gas hob."""
    c.rect(0, 0, W, H, WALL)
    for y in range(380, 720, 60):  # tiles behind the counter
        for x in range(0, W, 80):
            c.rect(x + 2, y + 2, 76, 56, (240, 236, 226), r=4)
    window(c, 1320, 90, 380, 240)
    c.poly([(560, 80), (1000, 80), (1080, 300), (480, 300)], (210, 212, 214))  # range hood
    c.rect(480, 300, 600, 30, (186, 188, 190))
    c.rect(720, 0, 120, 80, (210, 212, 214))
    # counter
    c.rect(0, 720, W, 40, (232, 226, 214))
    c.rect(0, 760, W, 320, (214, 176, 132))
    for x in range(0, W, 320):
        c.rect(x + 14, 790, 292, 260, (224, 188, 146), r=12)
        c.rect(x + 140, 820, 40, 12, WOOD_DARK, r=6)
    # hob under the range hood
    c.rect(500, 690, 560, 40, (70, 72, 78), r=10)
    for cx in (640, 920):
        c.ellipse(cx, 700, 90, 14, fill=(40, 42, 48))
    c.ellipse(780, 745, 14, fill=RED)
    c.ellipse(840, 745, 14, fill=RED)
    # a shelf on the wall at the right for the gas alarm
    c.rect(1180, 360, 3, 3, WALL)


def bg_living_room(c: Canvas) -> None:
    """A living room: sofa, coffee table, window with curtains, a side table."""
    room(c)
    window(c, 1040, 170, 380, 300, open_right=True)
    c.rect(980, 140, 70, 480, CORAL, r=20)  # curtain
    c.rect(1540, 150, 50, 100, CORAL, r=16)
    # sofa on the left
    c.rect(340, 440, 560, 140, TEAL_DARK, r=40)
    c.rect(320, 540, 600, 170, TEAL, r=36)
    c.rect(300, 520, 70, 200, TEAL_DARK, r=30)
    c.rect(870, 520, 70, 200, TEAL_DARK, r=30)
    # coffee table
    c.ellipse(720, 950, 260, 30, fill=(0, 0, 0, 30))
    c.rect(440, 820, 560, 40, WOOD, r=16)
    c.rect(470, 860, 20, 90, WOOD_DARK)
    c.rect(950, 860, 20, 90, WOOD_DARK)
    # rug
    c.ellipse(720, 1010, 480, 50, fill=(236, 176, 140))
    # picture on the wall
    c.rect(480, 200, 300, 180, WHITE, r=8)
    c.poly([(500, 360), (600, 260), (680, 340), (720, 300), (760, 360)], GRASS)
    c.ellipse(720, 240, 24, fill=YELLOW)


def bg_balcony(c: Canvas) -> None:
    """An enclosed balcony of a high floor: open view, railing, a drying rack rail."""
    sky_and_buildings(c, 660)
    c.rect(0, 0, W, 60, (240, 230, 214))
    c.rect(0, 60, 70, 760, (240, 230, 214))
    c.rect(W - 70, 60, 70, 760, (240, 230, 214))
    c.rect(0, 56, W, 14, WALL_DEEP)
    c.rect(200, 130, 1520, 10, GREY_DARK)  # drying rail
    # railing wall with a ledge on top
    c.rect(0, 640, W, 190, (236, 220, 198))
    c.rect(0, 620, W, 30, WALL_DEEP)
    c.rect(0, 830, W, 250, FLOOR)
    for x in range(0, W, 160):
        c.line([(x, 830), (x - 80, H)], FLOOR_LINE, 3)
    c.text(960, 1040, "18F", 30, FLOOR_LINE, anchor="mm")


def bg_bathroom(c: Canvas) -> None:
    """A bathroom: tiles, shower corner, washbasin with mirror, toilet, the door."""
    c.rect(0, 0, W, H, (232, 240, 238))
    for y in range(0, 760, 80):
        for x in range(0, W, 80):
            c.rect(x + 2, y + 2, 76, 76, (240, 246, 244), r=4)
    c.rect(0, 760, W, 320, (206, 214, 214))
    for x in range(0, W, 120):
        c.line([(x, 760), (x - 40, H)], (190, 200, 200), 3)
    # shower corner at left
    c.rect(60, 80, 16, 560, GREY_DARK)
    c.ellipse(150, 120, 70, 24, fill=GREY_DARK)
    c.rect(40, 640, 420, 140, (236, 236, 232), r=20)
    # washbasin + mirror in the middle
    c.rect(780, 120, 360, 300, (214, 232, 240), r=20)
    c.rect(760, 480, 400, 60, WHITE, r=24)
    c.rect(900, 540, 120, 230, WHITE, r=12)
    c.rect(940, 440, 40, 50, GREY_DARK, r=10)
    # toilet
    c.rect(1260, 460, 180, 180, WHITE, r=24)
    c.ellipse(1350, 690, 130, 60, fill=WHITE)
    c.rect(1290, 690, 120, 90, WHITE, r=20)
    # door at the right edge
    c.rect(1580, 90, 300, 690, (196, 156, 120), r=10)
    c.rect(1600, 110, 260, 650, (210, 172, 136), r=8)


def bg_street_crossing(c: Canvas) -> None:
    """A city street: pavements on both sides, a zebra crossing, signal poles, a bus stop."""
    sky_and_buildings(c, 420)
    c.rect(0, 400, W, 120, (226, 214, 196))  # far pavement
    for x in range(0, W, 120):
        c.rect(x, 400, 3, 120, (210, 198, 180))
    c.rect(0, 510, W, 16, (200, 196, 190))  # kerb
    c.rect(0, 526, W, 380, ROAD)
    c.rect(0, 706, W, 10, WHITE)  # centre line
    for x in range(0, W, 140):
        c.rect(x, 610, 70, 8, (236, 236, 230))
        c.rect(x, 806, 70, 8, (236, 236, 230))
    # zebra crossing: stripes widen towards the viewer
    for i in range(8):
        y0 = 534 + i * 46
        c.poly(
            [
                (780 - i * 6, y0),
                (1140 + i * 6, y0),
                (1140 + i * 6 + 3, y0 + 30),
                (780 - i * 6 - 3, y0 + 30),
            ],
            WHITE,
        )
    c.rect(0, 906, W, 16, (200, 196, 190))
    c.rect(0, 922, W, 158, (226, 214, 196))  # near pavement
    for x in range(0, W, 160):
        c.rect(x, 922, 3, 158, (210, 198, 180))
    c.rect(700, 160, 16, 360, GREY_DARK)  # far signal pole
    c.rect(1240, 660, 22, 400, GREY_DARK)  # near signal pole
    # bus stop shelter on the far pavement (left)
    c.rect(40, 300, 320, 18, TEAL_DARK, r=6)
    c.rect(50, 318, 10, 200, GREY_DARK)
    c.rect(340, 318, 10, 200, GREY_DARK)
    c.rect(70, 330, 120, 150, (210, 232, 236), r=6)


def bg_compound_road(c: Canvas) -> None:
    """The road inside the compound: blocks, a speed bump, a fenced playground, a garage ramp."""
    sky_and_buildings(c, 400)
    c.rect(0, 380, W, 200, GRASS)
    for x in (100, 520, 1400):
        tree(c, x, 560, 0.8)
    # fenced playground at the right
    c.rect(1100, 400, 820, 170, (242, 214, 170))
    c.rect(1300, 430, 16, 120, RED)
    c.rect(1480, 430, 16, 120, RED)
    c.rect(1290, 420, 220, 20, YELLOW, r=8)
    c.poly([(1600, 560), (1760, 440), (1790, 460), (1640, 560)], BLUE)
    for x in range(1100, W, 40):
        c.rect(x, 520, 8, 60, WHITE)
    c.rect(1100, 530, 820, 8, WHITE)
    # the road
    c.rect(0, 580, W, 40, (214, 206, 194))
    c.rect(0, 620, W, 360, ROAD)
    c.rect(0, 980, W, 100, (214, 206, 194))
    for x in range(60, W, 220):
        c.rect(x, 794, 110, 10, (230, 230, 224))
    for i in range(9):  # speed bump, yellow and black
        c.rect(1480, 620 + i * 40, 40, 40, YELLOW if i % 2 == 0 else INK)
    c.rect(20, 640, 180, 90, WHITE, r=10)
    c.text(110, 685, "限速 5", 34, RED, anchor="mm")


def bg_ebike_road(c: Canvas) -> None:
    """A city road seen from the side walk: a green non-motor lane and two motor lanes."""
    sky_and_buildings(c, 380)
    c.rect(0, 380, W, 80, (226, 214, 196))
    c.rect(0, 460, W, 240, ROAD)  # motor lanes
    for x in range(0, W, 160):
        c.rect(x, 576, 90, 8, (236, 236, 230))
    c.rect(0, 700, W, 14, YELLOW)
    c.rect(0, 714, W, 220, (120, 168, 132))  # non-motor lane
    for x in (380, 1480):  # lane arrows pointing right (the direction of travel)
        c.rect(x, 816, 140, 18, WHITE)
        c.poly([(x + 140, 796), (x + 190, 825), (x + 140, 854)], WHITE)
    c.text(960, 830, "非机动车道", 40, (236, 246, 236), anchor="mm")
    c.rect(0, 934, W, 16, (200, 196, 190))
    c.rect(0, 950, W, 130, (226, 214, 196))
    c.rect(1760, 160, 20, 560, GREY_DARK)
    c.rect(1700, 130, 140, 60, GREY_DARK, r=12)
    for i, col in enumerate((RED, (90, 92, 100), (90, 92, 100))):
        c.ellipse(1725 + i * 45, 160, 18, fill=col)


def bg_phone_chat(c: Canvas) -> None:
    """A big phone showing the neighbours' group chat, lying on a wooden table."""
    desk(c, 160)
    phone_frame(c, 560, 20, 800, 1040, title="锦秀城邻里群 (238)")


def bg_elder_call(c: Canvas) -> None:
    """An elder's tea table at home: a window, a wall calendar, a big phone in the middle."""
    desk(c, 520)
    window(c, 160, 80, 360, 280)
    c.rect(1500, 60, 280, 340, WHITE, r=10)  # wall calendar
    c.rect(1500, 60, 280, 70, CORAL, r=10)
    for r_ in range(4):
        for k in range(5):
            c.rect(1522 + k * 52, 150 + r_ * 60, 36, 36, (240, 232, 220), r=4)
    c.rect(660, 20, 600, 1040, (60, 62, 70), r=60)
    c.rect(678, 38, 564, 1004, (54, 84, 96), r=44)


def bg_computer_desk(c: Canvas) -> None:
    """A home desk with a monitor (its screen is the picture's stage), keyboard and lamp."""
    desk(c, 700)
    window(c, 120, 120, 340, 300)
    c.rect(520, 60, 880, 560, (60, 62, 70), r=24)
    c.rect(544, 84, 832, 500, (214, 236, 244), r=8)
    for i in range(4):  # desktop icons
        c.rect(576, 116 + i * 110, 70, 70, (250, 250, 246), r=14)
        c.rect(590, 130 + i * 110, 42, 42, (TEAL, CORAL, YELLOW, BLUE)[i], r=8)
    c.rect(544, 544, 832, 40, (238, 240, 240))
    c.rect(900, 620, 120, 90, (80, 82, 90))
    c.rect(780, 690, 360, 24, (80, 82, 90), r=10)
    c.rect(640, 780, 640, 150, (236, 236, 232), r=16)  # keyboard
    for ry in range(4):
        for k in range(14):
            c.rect(660 + k * 44, 796 + ry * 32, 36, 24, (250, 250, 246), r=4)
    c.rect(1500, 240, 20, 470, GREY_DARK)  # desk lamp
    c.poly([(1440, 200), (1600, 200), (1560, 280), (1480, 280)], YELLOW)


def bg_kids_tablet(c: Canvas) -> None:
    """A tablet lying on a child's desk, showing a game's chat."""
    desk(c, 140)
    c.rect(80, 20, 300, 110, (236, 176, 140), r=16)  # pencil case on the wall shelf
    phone_frame(c, 500, 20, 920, 1040, title="小游戏 · 聊天", screen=(236, 244, 250))


BACKGROUNDS: dict[str, Callable[[Canvas], None]] = {
    "scene-stairwell": bg_stairwell,
    "scene-corridor": bg_corridor,
    "scene-fire-lane": bg_fire_lane,
    "scene-bike-shed": bg_bike_shed,
    "scene-kitchen": bg_kitchen,
    "scene-living-room": bg_living_room,
    "scene-balcony": bg_balcony,
    "scene-bathroom": bg_bathroom,
    "scene-street-crossing": bg_street_crossing,
    "scene-compound-road": bg_compound_road,
    "scene-ebike-road": bg_ebike_road,
    "scene-phone-chat": bg_phone_chat,
    "scene-elder-call": bg_elder_call,
    "scene-computer-desk": bg_computer_desk,
    "scene-kids-tablet": bg_kids_tablet,
}

# --------------------------------------------------------------------------- scene layers


@dataclass(frozen=True)
class LayerArt:
    """A scene-specific layer: its file name, size and painter."""

    name: str
    size: tuple[int, int]
    paint: Callable[[Canvas], None]


def _ebike_charging(c: Canvas) -> None:
    c.ellipse(230, 292, 220, 16, fill=(0, 0, 0, 35))
    ebike(c, 70, 292)
    c.rect(330, 230, 70, 44, (50, 52, 60), r=10)  # charger brick on the floor
    c.ellipse(365, 252, 8, fill=(80, 220, 110))
    c.line([(150, 200), (190, 250), (330, 252)], INK, 6)
    c.line([(400, 250), (420, 230), (426, 0)], INK, 6)  # up towards the socket / window


def _cable_from_window(c: Canvas) -> None:
    c.line([(60, 0), (40, 80), (72, 160), (44, 250), (70, 340), (56, 430)], INK, 8)
    c.rect(38, 430, 36, 50, (240, 240, 236), r=6)  # the plug board at the end
    for k in range(2):
        c.ellipse(50 + k * 14, 455, 4, fill=INK)


def _fire_door_propped(c: Canvas) -> None:
    # opened leaf swung towards the viewer (a trapezoid) with a wedge under it
    c.poly([(20, 20), (200, 60), (200, 560), (20, 600)], (200, 72, 60))
    c.poly([(32, 40), (188, 74), (188, 546), (32, 580)], (220, 96, 80))
    c.rect(150, 300, 26, 60, YELLOW, r=8)
    c.rect(60, 120, 100, 40, WHITE, r=6)
    c.text(110, 140, "防火门", 22, RED, anchor="mm")
    c.poly([(90, 600), (190, 600), (190, 560)], WOOD)  # the wedge
    c.text(150, 430, "常闭", 26, WHITE, anchor="mm")


def _hydrant_cabinet(c: Canvas) -> None:
    c.rect(0, 0, 170, 260, RED, r=10)
    c.rect(14, 14, 142, 232, (232, 104, 92), r=6)
    c.rect(24, 40, 122, 60, WHITE, r=6)
    c.text(85, 70, "消火栓", 28, RED, anchor="mm")
    c.ring(85, 170, 44, WHITE, 10)
    c.ring(85, 170, 22, WHITE, 8)


def _exit_sign(c: Canvas) -> None:
    c.rect(0, 0, 300, 110, GREEN, r=10)
    c.rect(10, 10, 90, 90, WHITE, r=6)
    c.ellipse(64, 30, 10, fill=GREEN)  # running figure
    c.line([(60, 42), (52, 70)], GREEN, 12)
    c.line([(52, 68), (36, 92)], GREEN, 7)
    c.line([(52, 68), (72, 90)], GREEN, 7)
    c.line([(58, 48), (80, 58)], GREEN, 6)
    c.line([(58, 48), (36, 52)], GREEN, 6)
    c.text(200, 42, "安全出口", 36, WHITE, anchor="mm")
    c.text(200, 84, "EXIT", 26, WHITE, anchor="mm")


def _exit_locked(c: Canvas) -> None:
    c.rect(0, 0, 340, 440, (120, 150, 150), r=8)
    c.rect(16, 16, 146, 424, (150, 182, 180), r=4)
    c.rect(178, 16, 146, 424, (150, 182, 180), r=4)
    c.rect(120, 200, 100, 14, GREY_DARK, r=6)
    for i in range(7):  # a chain across the two leaves
        c.ring(100 + i * 24, 260 + (i % 2) * 6, 14, (120, 122, 126), 6)
    c.rect(145, 276, 50, 44, YELLOW, r=8)
    c.arc(170, 276, 18, 180, 360, GREY_DARK, 7)
    c.rect(60, 60, 220, 60, GREEN, r=6)
    c.text(170, 90, "安全出口", 30, WHITE, anchor="mm")


def _battery_charging(c: Canvas) -> None:
    c.ellipse(150, 236, 140, 14, fill=(0, 0, 0, 35))
    c.rect(20, 100, 160, 130, (230, 90, 70), r=18)
    c.rect(60, 80, 80, 30, (60, 62, 70), r=10)
    c.text(100, 172, "48V", 34, WHITE, anchor="mm")
    c.rect(200, 180, 80, 50, (50, 52, 60), r=10)
    c.ellipse(240, 205, 7, fill=(240, 80, 60))
    c.line([(180, 200), (200, 205)], INK, 6)
    c.line([(280, 205), (300, 180), (296, 0)], INK, 6)


def _power_strip(c: Canvas) -> None:
    c.ellipse(180, 190, 170, 14, fill=(0, 0, 0, 30))
    c.rect(20, 130, 320, 60, (246, 244, 238), r=14)
    for i, col in enumerate((INK, (80, 80, 90), (120, 120, 128), INK, (90, 90, 96))):
        x = 44 + i * 60
        c.rect(x, 96, 44, 54, col, r=8)
        c.line([(x + 22, 96), (x + 22 - (i - 2) * 30, 10)], col, 8)
    c.rect(0, 150, 40, 10, INK)
    c.ellipse(320, 160, 8, fill=RED)


def _gas_alarm(c: Canvas) -> None:
    c.rect(0, 0, 180, 130, WHITE, r=18)
    c.rect(0, 0, 180, 130, WHITE, r=18)
    for i in range(5):
        c.rect(30 + i * 26, 24, 14, 40, (210, 210, 206), r=6)
    c.ellipse(150, 30, 8, fill=GREEN)
    c.text(90, 100, "燃气报警器", 22, INK, anchor="mm")


def _heater_clothes(c: Canvas) -> None:
    c.ellipse(150, 330, 140, 14, fill=(0, 0, 0, 30))
    c.rect(40, 80, 220, 240, (236, 236, 232), r=24)
    for i in range(6):
        c.rect(64 + i * 30, 110, 18, 170, (246, 150, 90), r=8)
    c.poly([(20, 60), (280, 60), (300, 180), (180, 150), (120, 200), (0, 170)], (120, 160, 220))
    c.rect(60, 20, 180, 60, (120, 160, 220), r=10)  # a shirt draped over the top
    c.line([(260, 300), (300, 320), (320, 330)], INK, 6)


def _puddle(c: Canvas) -> None:
    c.ellipse(160, 70, 150, 50, fill=(150, 200, 236, 200))
    c.ellipse(230, 60, 70, 34, fill=(150, 200, 236, 200))
    c.ellipse(120, 50, 40, 10, fill=(255, 255, 255, 170))
    c.ellipse(240, 52, 30, 8, fill=(255, 255, 255, 170))


def _grab_bar(c: Canvas) -> None:
    c.rect(20, 40, 30, 30, GREY_DARK, r=8)
    c.rect(250, 40, 30, 30, GREY_DARK, r=8)
    c.line([(36, 56), (36, 30), (264, 30), (264, 56)], (210, 212, 216), 20)
    c.text(150, 100, "扶手", 28, GREY_DARK, anchor="mm")


def _anti_slip_mat(c: Canvas) -> None:
    c.rect(0, 0, 300, 110, TEAL_LIGHT, r=26)
    for r_ in range(3):
        for k in range(8):
            c.ellipse(34 + k * 33, 26 + r_ * 30, 9, fill=TEAL)


def _hair_dryer(c: Canvas) -> None:
    c.ellipse(110, 90, 80, 62, fill=CORAL)
    c.rect(150, 60, 90, 60, CORAL_DARK, r=14)
    c.rect(70, 130, 50, 120, CORAL, r=18)
    c.ellipse(110, 90, 30, fill=CORAL_DARK)
    c.line([(96, 250), (80, 290), (150, 320), (230, 300), (250, 250)], INK, 6)
    c.rect(236, 220, 36, 40, WHITE, r=6)


def _locked_door_knob(c: Canvas) -> None:
    c.ellipse(90, 90, 70, fill=(220, 180, 100))
    c.ellipse(90, 90, 46, fill=YELLOW)
    c.rect(60, 80, 60, 20, (170, 130, 60), r=8)
    c.rect(40, 180, 100, 80, RED, r=12)
    c.text(90, 220, "反锁", 30, WHITE, anchor="mm")


def _ped_light_red(c: Canvas) -> None:
    ped_light(c, 0, 0, red=True)


def _rider_no_helmet(c: Canvas) -> None:
    rider(c, 80, 440, helmet=False, body=(180, 132, 200), shirt=(110, 150, 210))


def _rider_phone(c: Canvas) -> None:
    rider(c, 80, 440, helmet=True, phone=True, body=TEAL, shirt=(236, 150, 80))


def _rider_wrong_way(c: Canvas) -> None:
    rider(c, 340, 440, helmet=True, facing=-1, body=(232, 190, 90), shirt=(150, 110, 190))


def _rider_good(c: Canvas) -> None:
    rider(c, 80, 440, helmet=True, body=(110, 170, 220), shirt=GREEN)


def _ebike_plain(c: Canvas) -> None:
    c.ellipse(190, 292, 180, 14, fill=(0, 0, 0, 30))
    ebike(c, 60, 292, body=(180, 132, 200))


def _charging_station(c: Canvas) -> None:
    c.rect(0, 0, 280, 380, (60, 120, 170), r=16)
    c.rect(20, 20, 240, 70, WHITE, r=8)
    c.text(140, 55, "集中充电", 34, (60, 120, 170), anchor="mm")
    for r_ in range(2):
        for k in range(3):
            c.rect(30 + k * 80, 120 + r_ * 110, 60, 80, (230, 236, 240), r=8)
            c.ellipse(60 + k * 80, 150 + r_ * 110, 8, fill=GREEN)
    c.rect(100, 360, 80, 20, GREY_DARK)


def _cable_reel(c: Canvas) -> None:
    c.ellipse(110, 120, 100, fill=(248, 200, 80))
    c.ellipse(110, 120, 60, fill=INK)
    c.ellipse(110, 120, 40, fill=(248, 200, 80))
    c.line([(200, 130), (260, 160), (340, 150), (420, 170)], INK, 8)
    c.text(110, 250, "插线板", 28, INK, anchor="mm")


def _bonfire_sign(c: Canvas) -> None:
    # a metal bin where someone burns paper: flames drawn flat
    c.rect(40, 120, 180, 140, GREY_DARK, r=12)
    c.rect(30, 110, 200, 24, (120, 118, 116), r=8)
    for dx, h, col in ((70, 110, RED), (130, 150, CORAL), (190, 100, RED), (130, 90, YELLOW)):
        c.poly([(dx - 40, 115), (dx, 115 - h), (dx + 40, 115)], col)


def _chat_scam_link(c: Canvas) -> None:
    bubble(
        c,
        0,
        0,
        720,
        "【补贴通知】您有一笔养老补贴待领取，今日截止，请点击链接填写银行卡号和验证码：",
        name="社区补贴办",
        link="http://bt-lingqu.xyz/gov",
        fill=(255, 244, 236),
    )


def _chat_family(c: Canvas) -> None:
    bubble(c, 0, 0, 720, "妈，周六我带孩子回来吃饭，不用准备太多菜。", name="儿子")


def _chat_part_time(c: Canvas) -> None:
    bubble(
        c,
        0,
        0,
        720,
        "在家动动手指刷单点赞，日赚300元！先垫付，马上返利，名额有限！",
        name="兼职宝姐",
        fill=(255, 244, 236),
    )


def _chat_notice(c: Canvas) -> None:
    bubble(c, 0, 0, 720, "居委会：本周六上午9点在5栋架空层举行消防演练，欢迎参加。", name="网格员")


def _chat_borrow(c: Canvas) -> None:
    bubble(
        c,
        0,
        0,
        720,
        "老同学，我在外地急用钱，先转我2万元，明天就还你，别打电话我在开会。",
        name="老同学",
        fill=(255, 244, 236),
    )


def _qr_poster(c: Canvas) -> None:
    c.rect(10, 12, 400, 520, (0, 0, 0, 40), r=10)
    c.rect(0, 0, 400, 520, WHITE, r=10)
    c.rect(0, 0, 400, 110, CORAL, r=10)
    c.text(200, 56, "扫码进群", 48, WHITE, anchor="mm")
    c.text(200, 150, "免费领鸡蛋！", 40, RED, anchor="mm")
    qr = qrcode.QRCode(border=1, box_size=1)
    qr.add_data("SAFEZONE DEMO: 陌生二维码不要扫")
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = 240 / len(matrix)
    for r_, row in enumerate(matrix):
        for k, on in enumerate(row):
            if on:
                c.rect(80 + k * cell, 200 + r_ * cell, cell + 0.3, cell + 0.3, INK)
    c.text(200, 480, "仅限今天 · 先到先得", 26, GREY_DARK, anchor="mm", bold=False)


def _call_screen(c: Canvas) -> None:
    c.rect(0, 0, 564, 700, (54, 84, 96), r=30)
    c.text(282, 80, "来电", 34, (200, 220, 226), anchor="mm")
    c.text(282, 160, "+00 852 0110", 52, WHITE, anchor="mm")
    c.text(282, 230, "自称“公安局”", 38, YELLOW, anchor="mm")
    c.rect(40, 290, 484, 250, (240, 244, 246), r=24)
    c.wrapped(
        70, 316, "“你的银行卡涉嫌洗钱，马上把钱转到‘安全账户’，不许告诉家人！”", 32, INK, 424, 1.4
    )
    c.ellipse(150, 620, 56, fill=RED)
    c.ellipse(414, 620, 56, fill=GREEN)
    c.text(150, 620, "挂断", 26, WHITE, anchor="mm")
    c.text(414, 620, "接听", 26, WHITE, anchor="mm")


def _sms_code(c: Canvas) -> None:
    c.rect(0, 0, 520, 200, (250, 250, 246), r=24)
    c.text(30, 24, "短信 · 银行", 26, GREY_DARK, bold=False)
    c.wrapped(30, 70, "您的验证码 482913，用于转账，切勿告诉他人。", 32, INK, 460, 1.35)


def _flyer(c: Canvas) -> None:
    c.rect(10, 10, 380, 460, (0, 0, 0, 40), r=8)
    c.rect(0, 0, 380, 460, (255, 236, 200), r=8)
    c.rect(0, 0, 380, 90, RED, r=8)
    c.text(190, 46, "免费健康讲座", 40, WHITE, anchor="mm")
    c.wrapped(
        30, 120, "神奇保健品包治百病，可以代替药物！到场送鸡蛋，今天下单打五折！", 32, INK, 320, 1.4
    )


def _anti_fraud_app(c: Canvas) -> None:
    c.rect(0, 0, 300, 240, WHITE, r=24)
    c.rect(90, 20, 120, 120, (40, 110, 200), r=28)
    c.poly([(150, 40), (190, 60), (186, 100), (150, 124), (114, 100), (110, 60)], WHITE)
    c.text(150, 178, "国家反诈中心", 30, INK, anchor="mm")
    c.text(150, 216, "App · 来电预警", 22, GREY_DARK, anchor="mm", bold=False)


def _sticker_96110(c: Canvas) -> None:
    c.ellipse(130, 130, 128, fill=(40, 110, 200))
    c.ellipse(130, 130, 108, fill=WHITE)
    c.text(130, 110, "96110", 48, (40, 110, 200), anchor="mm")
    c.text(130, 165, "反诈预警专线", 24, INK, anchor="mm")


def _popup_prize(c: Canvas) -> None:
    c.rect(0, 0, 460, 300, WHITE, r=16)
    c.rect(0, 0, 460, 60, RED, r=16)
    c.rect(0, 40, 460, 20, RED)
    c.text(24, 30, "恭喜您中奖！", 30, WHITE, anchor="lm")
    c.text(430, 30, "×", 34, WHITE, anchor="mm")
    c.wrapped(30, 86, "您获得 iPhone 一台，只需先付 99 元邮费，点击下方领取！", 30, INK, 400, 1.35)
    c.rect(130, 220, 200, 56, CORAL, r=28)
    c.text(230, 248, "立即领取", 28, WHITE, anchor="mm")


def _password_note(c: Canvas) -> None:
    sticky_note(c, 0, 0, 200, 190, ["网银密码", "123456"], size=32)


def _usb_stick(c: Canvas) -> None:
    c.ellipse(170, 220, 150, 16, fill=(0, 0, 0, 30))
    c.rect(40, 150, 200, 70, (70, 120, 200), r=16)
    c.rect(240, 164, 70, 42, (200, 202, 206), r=4)
    c.rect(258, 174, 14, 10, GREY_DARK)
    c.rect(282, 174, 14, 10, GREY_DARK)
    sticky_note(c, 60, 0, 200, 120, ["捡到的U盘"], color=(255, 214, 220), size=30)


def _phishing_mail(c: Canvas) -> None:
    c.rect(0, 0, 520, 300, WHITE, r=12)
    c.rect(0, 0, 520, 56, (230, 236, 244), r=12)
    c.text(20, 28, "邮件 · 发件人：银行客服中心", 24, INK, anchor="lm", bold=False)
    c.wrapped(
        24,
        76,
        "您的账户存在异常，将于24小时内冻结！请立即点击链接，输入卡号、密码和验证码解冻。",
        28,
        INK,
        470,
        1.35,
    )
    c.text(24, 262, "http://bank-jiedong.top", 26, BLUE, anchor="lm", bold=False)


def _lock_screen(c: Canvas) -> None:
    c.rect(0, 0, 300, 130, WHITE, r=16)
    c.rect(20, 30, 60, 50, GREEN, r=10)
    c.arc(50, 30, 20, 180, 360, GREEN, 8)
    c.text(190, 46, "系统已更新", 28, INK, anchor="mm")
    c.text(190, 90, "来自系统设置", 22, GREY_DARK, anchor="mm", bold=False)


def _kids_skin(c: Canvas) -> None:
    bubble(
        c,
        0,
        0,
        820,
        "免费送你游戏皮肤！把爸爸手机收到的验证码发给我就行~",
        name="陌生玩家",
        fill=(255, 244, 236),
    )


def _kids_address(c: Canvas) -> None:
    bubble(
        c,
        0,
        0,
        820,
        "你住哪个小区几栋？拍张你家门口的照片给我看看。",
        name="网友哥哥",
        fill=(255, 244, 236),
    )


def _kids_link(c: Canvas) -> None:
    bubble(
        c,
        0,
        0,
        820,
        "点这个链接下载外挂，金币随便拿！",
        name="陌生玩家",
        link="http://free-jinbi.cc/app",
        fill=(255, 244, 236),
    )


def _kids_mum(c: Canvas) -> None:
    bubble(c, 0, 0, 820, "宝贝，玩20分钟就休息眼睛哦，妈妈6点到家。", name="妈妈")


def _kids_teacher(c: Canvas) -> None:
    bubble(c, 0, 0, 820, "同学们，明天记得带美术本。", name="班级群·王老师")


LAYERS: dict[str, list[LayerArt]] = {
    "scene-stairwell": [
        LayerArt("ebike-charging", (460, 300), _ebike_charging),
        LayerArt("cable", (110, 490), _cable_from_window),
        LayerArt("fire-door-propped", (220, 620), _fire_door_propped),
        LayerArt("hydrant", (170, 260), _hydrant_cabinet),
        LayerArt("exit-sign", (300, 110), _exit_sign),
    ],
    "scene-corridor": [
        LayerArt("exit-locked", (340, 440), _exit_locked),
        LayerArt("battery-charging", (310, 250), _battery_charging),
    ],
    "scene-fire-lane": [
        LayerArt("cable", (110, 490), _cable_from_window),
        LayerArt("burning-bin", (260, 270), _bonfire_sign),
    ],
    "scene-bike-shed": [
        LayerArt("charging-station", (280, 380), _charging_station),
        LayerArt("ebike", (420, 300), _ebike_plain),
        LayerArt("ebike-charging", (460, 300), _ebike_charging),
        LayerArt("cable-reel", (430, 270), _cable_reel),
    ],
    "scene-kitchen": [
        LayerArt("power-strip", (360, 200), _power_strip),
        LayerArt("gas-alarm", (180, 130), _gas_alarm),
    ],
    "scene-living-room": [
        LayerArt("heater-clothes", (330, 340), _heater_clothes),
    ],
    "scene-balcony": [],
    "scene-bathroom": [
        LayerArt("puddle", (320, 120), _puddle),
        LayerArt("grab-bar", (300, 120), _grab_bar),
        LayerArt("anti-slip-mat", (300, 110), _anti_slip_mat),
        LayerArt("hair-dryer", (280, 330), _hair_dryer),
        LayerArt("locked-door", (180, 270), _locked_door_knob),
    ],
    "scene-street-crossing": [LayerArt("ped-light-red", (120, 220), _ped_light_red)],
    "scene-compound-road": [],
    "scene-ebike-road": [
        LayerArt("rider-no-helmet", (420, 450), _rider_no_helmet),
        LayerArt("rider-phone", (420, 450), _rider_phone),
        LayerArt("rider-wrong-way", (420, 450), _rider_wrong_way),
        LayerArt("rider-good", (420, 450), _rider_good),
    ],
    "scene-phone-chat": [
        LayerArt("chat-family", (720, 420), _chat_family),
        LayerArt("chat-subsidy-link", (720, 420), _chat_scam_link),
        LayerArt("chat-part-time", (720, 420), _chat_part_time),
        LayerArt("chat-notice", (720, 420), _chat_notice),
        LayerArt("chat-borrow", (720, 420), _chat_borrow),
        LayerArt("qr-poster", (420, 540), _qr_poster),
    ],
    "scene-elder-call": [
        LayerArt("call-screen", (564, 700), _call_screen),
        LayerArt("sms-code", (520, 200), _sms_code),
        LayerArt("flyer", (390, 470), _flyer),
        LayerArt("anti-fraud-app", (300, 240), _anti_fraud_app),
        LayerArt("sticker-96110", (260, 260), _sticker_96110),
    ],
    "scene-computer-desk": [
        LayerArt("popup-prize", (460, 300), _popup_prize),
        LayerArt("password-note", (206, 198), _password_note),
        LayerArt("usb-stick", (320, 240), _usb_stick),
        LayerArt("phishing-mail", (520, 300), _phishing_mail),
        LayerArt("lock-screen", (300, 130), _lock_screen),
    ],
    "scene-kids-tablet": [
        LayerArt("chat-skin", (820, 420), _kids_skin),
        LayerArt("chat-address", (820, 420), _kids_address),
        LayerArt("chat-link", (820, 420), _kids_link),
        LayerArt("chat-mum", (820, 420), _kids_mum),
        LayerArt("chat-teacher", (820, 420), _kids_teacher),
    ],
}

# --------------------------------------------------------------------------- build, check, preview


def build(out: Path = OUT) -> dict[str, int]:
    """Paint every background and scene layer into ``out``; return bytes written per file."""
    sizes: dict[str, int] = {}
    for scene_id, paint in BACKGROUNDS.items():
        for stale in (out / scene_id).glob("*.png"):  # a renamed layer must not linger
            stale.unlink()
        canvas = Canvas(W, H, CREAM)
        paint(canvas)
        path = out / scene_id / "background.png"
        sizes[str(path.relative_to(out))] = save_png(canvas.final(), path, opaque=True)
        for art in LAYERS.get(scene_id, []):
            layer = Canvas(*art.size)
            art.paint(layer)
            img = layer.final()
            # Trim unused room at the right and bottom only, so (x, y) in the YAML stays the
            # picture's top-left corner while the canvas size can be generous.
            box = img.getchannel("A").getbbox() or (0, 0, 1, 1)
            img = img.crop((0, 0, min(img.width, box[2] + 2), min(img.height, box[3] + 2)))
            path = out / scene_id / f"{art.name}.png"
            sizes[str(path.relative_to(out))] = save_png(img, path, opaque=False)
    return sizes


def _load_scenes(folder: Path = SCENES_YAML) -> list[tuple[Path, dict]]:
    scenes = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("kind") == "hazard_scene":
            scenes.append((path, data))
    return scenes


def _layer_box(layer: dict, assets: Path) -> tuple[int, int, int, int] | None:
    """The visible (non-transparent) box of a layer in design space, or None if it is missing."""
    path = assets / layer["image"]
    if not path.is_file():
        return None
    with Image.open(path) as img:
        bbox = img.convert("RGBA").getchannel("A").getbbox() or (0, 0, 1, 1)
    return (layer["x"] + bbox[0], layer["y"] + bbox[1], layer["x"] + bbox[2], layer["y"] + bbox[3])


def _area_box(area: dict) -> tuple[float, float, float, float]:
    if area["shape"] == "rect":
        return (area["x"], area["y"], area["x"] + area["w"], area["y"] + area["h"])
    # the square inscribed in the circle: what a circle surely covers
    half = area["r"] / math.sqrt(2)
    return (area["x"] - half, area["y"] - half, area["x"] + half, area["y"] + half)


def _covers(outer: tuple[float, ...], inner: tuple[float, ...], slack: float = 12) -> bool:
    return (
        outer[0] - slack <= inner[0]
        and outer[1] - slack <= inner[1]
        and outer[2] + slack >= inner[2]
        and outer[3] + slack >= inner[3]
    )


def check(assets: Path = ASSETS) -> list[str]:
    """Problems between the scene files and the art: missing images, uncovered hazards."""
    problems: list[str] = []
    for path, scene in _load_scenes():
        rel = path.relative_to(ROOT)
        images = [scene.get("background")] + [lay["image"] for lay in scene.get("layers", [])]
        for image in filter(None, images):
            if not (assets / image).is_file():
                problems.append(f"{rel}: missing image {image}")
        boxes = [b for b in (_layer_box(lay, assets) for lay in scene.get("layers", [])) if b]
        for hazard in scene.get("hazards", []):
            area = _area_box(hazard["area"])
            if not any(_covers(area, box) for box in boxes):
                problems.append(f"{rel}: hazard '{hazard['id']}' covers no whole layer")
    return problems


def _placeholder(size: int, label: str) -> Image.Image:
    img = Image.new("RGBA", (size, size), (255, 0, 255, 60))
    ImageDraw.Draw(img).text((10, 10), label, fill=(0, 0, 0, 255))
    return img


def preview(out_dir: Path, assets: Path = ASSETS, only: set[str] | None = None) -> list[Path]:
    """Composite each scene (background, layers by z, hit areas outlined) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for _path, scene in _load_scenes():
        if only and scene["id"] not in only:
            continue
        bg_path = assets / scene["background"] if scene.get("background") else None
        img = (
            Image.open(bg_path).convert("RGBA")
            if bg_path and bg_path.is_file()
            else Image.new("RGBA", (W, H), (200, 200, 200, 255))
        )
        for lay in sorted(scene.get("layers", []), key=lambda lay: lay.get("z", 0)):
            p = assets / lay["image"]
            pic = Image.open(p).convert("RGBA") if p.is_file() else _placeholder(256, lay["image"])
            img.alpha_composite(pic, (lay["x"], lay["y"]))
        d = ImageDraw.Draw(img)
        for hazard in scene["hazards"]:
            a = hazard["area"]
            if a["shape"] == "rect":
                d.rectangle(
                    (a["x"], a["y"], a["x"] + a["w"], a["y"] + a["h"]), outline=RED, width=4
                )
            else:
                d.ellipse(
                    (a["x"] - a["r"], a["y"] - a["r"], a["x"] + a["r"], a["y"] + a["r"]),
                    outline=RED,
                    width=4,
                )
            d.text(
                (a["x"] + 6, a["y"] + 4),
                hazard["id"],
                fill=RED,
                font=ImageFont.truetype(str(font_path(bold=True)), 26),
            )
        target = out_dir / f"{scene['id']}.png"
        img.convert("RGB").save(target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: build the art, optionally check it against the YAML or write previews."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check scene YAML against the art")
    parser.add_argument("--preview", type=Path, metavar="DIR", help="write preview composites")
    parser.add_argument("--only", nargs="*", help="scene ids to preview")
    parser.add_argument("--no-build", action="store_true", help="skip painting")
    args = parser.parse_args(argv)
    if not args.no_build:
        sizes = build()
        print(f"wrote {len(sizes)} files, {sum(sizes.values()) / 1024:.0f} KiB under {OUT}")
    if args.preview:
        for path in preview(args.preview, only=set(args.only) if args.only else None):
            print(path)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem)
        if problems:
            return 1
        print("scenes check: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
