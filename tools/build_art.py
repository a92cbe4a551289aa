"""Rebuild the kiosk's pictures (PNG) from Twemoji SVGs: answer emoji, topic pictograms, badges.

Run by hand whenever content changes, never at test time (the PNGs are committed):

    .venv/bin/python tools/build_art.py                    # fetches the pinned npm tarball
    .venv/bin/python tools/build_art.py --tarball X.tgz    # uses a tarball you already have

Build-time needs: `npm` (only to fetch the tarball) and the PyPI rasteriser `resvg-py` (a
self-contained wheel, no system libraries). Pillow composes the topic tiles and badge medals.

What it writes under assets/images/ (paths are those content YAML uses, relative to assets/):
  emoji/<twemoji-name>.png   256x256, transparent: every `images/emoji/*.png` any content file
                             references (emoji no longer referenced are removed)
  topics/<topic>.png         512x512 pictogram per topic: a warm tinted disc, a main emoji and a
                             small "safety" emoji in a white bubble
  badges/<badge-id>.png      512x512 medal per badge in content/badges/*.yml (and at the badge's
                             `icon:` path if the YAML names a different one)
  LICENSE-twemoji.txt        attribution and licence notice

Source (pinned, checked by SHA-512 before anything is rendered):
    npm package  @twemoji/svg  version 15.0.0  (package licence MIT; the graphics themselves are
    Twemoji by Twitter, Inc. and other contributors, CC-BY 4.0)

The same content and tarball give byte-identical PNGs: a file is only rewritten when its bytes
change, so re-running is a no-op. Exit status 1 when a content file cannot be read or a
referenced picture could not be produced (each is printed); the pictures that could be built are
still written, each one atomically.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import math
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFilter

from safezone.content.kids import TRUEFALSE_PICTURES

REPO_ROOT = Path(__file__).resolve().parent.parent
# libyaml when PyYAML has it: the content folder is large and the pure-Python parser slow.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CONTENT_ROOT = REPO_ROOT / "content"
ASSETS_ROOT = REPO_ROOT / "assets"
IMAGES_ROOT = ASSETS_ROOT / "images"

PACKAGE = "@twemoji/svg"
VERSION = "15.0.0"
# The registry's "dist.integrity" for that version (`npm view @twemoji/svg@15.0.0 dist.integrity`).
INTEGRITY = "sha512-ZSPef2B6nBaYnfgdTbAy4jgW95o7pi2xPGwGCU+WMTxo7J6B1lMPTWwSq/wTuiMq+N0khQ90CcvYp1wFoQpo/w=="

EMOJI_SIZE = 256
TOPIC_SIZE = 512
BADGE_SIZE = 512
# Shapes are drawn this many times larger, then scaled down, for smooth anti-aliased edges.
SUPERSAMPLE = 4

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
EMOJI_REF = re.compile(r"^images/emoji/([0-9a-f]+(?:-[0-9a-f]+)*)\.png$")

Colour = tuple[int, int, int]

# The kiosk palette (screen/theme.py), repeated here so the art matches the screens.
PAPER: Colour = (255, 248, 236)
CARD: Colour = (255, 255, 255)
SHADOW: Colour = (120, 84, 40)
GOLD_DARK: Colour = (205, 128, 30)
GOLD: Colour = (246, 186, 72)
GOLD_LIGHT: Colour = (255, 222, 140)
TOPIC_COLOURS: dict[str, Colour] = {
    "fire": (214, 69, 46),
    "home": (226, 150, 40),
    "traffic": (40, 130, 80),
    "cyber": (52, 98, 180),
}


@dataclass(frozen=True)
class Pictogram:
    """A main emoji with an optional small companion emoji in a bubble at the lower right."""

    main: str
    companion: str | None = None


#: Topic pictograms: what the topic is about, plus the safe thing to do about it.
TOPIC_PICTOGRAMS: dict[str, Pictogram] = {
    "fire": Pictogram("1f525", "1f9ef"),  # fire + extinguisher
    "home": Pictogram("1f3e0", "1f511"),  # house + key
    "traffic": Pictogram("1f6a6", "1f6b8"),  # traffic light + children crossing
    "cyber": Pictogram("1f4f1", "1f512"),  # mobile phone + lock
}

#: The kids' guide: a Twemoji panda (1f43c) in a few poses, each with a prop in a thought bubble
#: that says what the guide is doing. pose -> (prop emoji, tilt in degrees, lift as a share of
#: the size). Same panda, same place, same bubble on every screen: only the prop and the tilt move.
GUIDE_CHARACTER = "1f43c"
GUIDE_SIZE = 512
GUIDE_POSES: dict[str, tuple[str, float, float]] = {
    "hello": ("1f44b", 0.0, 0.0),  # waving hand: greeting on the kids' start screen
    "listen": ("1f50a", 0.0, 0.0),  # speaker: while a prompt is read aloud
    "point": ("1f447", 0.0, 0.0),  # pointing down: "tap a picture"
    "think": ("1f4a1", -6.0, 0.0),  # light bulb: the spoken why after an answer, or a hint
    "cheer": ("1f389", 8.0, 0.04),  # party popper, a little hop: a right answer, a level done
    "oops": ("1f917", -8.0, 0.0),  # hugging face: "not quite — that's all right"
    "sticker": ("1f31f", 0.0, 0.02),  # glowing star: a new sticker for the book
}
GUIDE_ACCENT: Colour = (10, 82, 92)  # the kiosk's teal

#: Badge emoji by badge id; a badge not listed here falls back to :func:`badge_emoji` rules.
BADGE_EMOJI: dict[str, str] = {
    "badge-first-play": "1f331",  # seedling: a first step
    "badge-fire-guard": "1f9ef",  # fire extinguisher
    "badge-home-keeper": "1f3e1",  # house with garden
    "badge-traffic-star": "1f6a6",  # traffic light
    "badge-fraud-buster": "1f6e1",  # shield
    "badge-roadshow-regular": "1f4e3",  # megaphone
    "badge-week-streak": "1f5d3",  # spiral calendar (no printed date)
}
TOPIC_BADGE_EMOJI: dict[str, str] = {
    "fire": "1f9ef",
    "home": "1f3e1",
    "traffic": "1f6a6",
    "cyber": "1f6e1",
}
RULE_BADGE_EMOJI: dict[str, str] = {
    "plays": "2b50",
    "correct_answers": "1f4a1",
    "roadshows": "1f4e3",
    "streak_days": "1f5d3",
}
#: Ribbon colours of badges without a topic, by rule type.
RULE_RIBBON: dict[str, Colour] = {
    "plays": (10, 82, 92),
    "correct_answers": (10, 82, 92),
    "roadshows": (232, 112, 74),
    "streak_days": (150, 84, 150),
}


@dataclass
class ContentImages:
    """What content asks for: image paths (with the files naming them) and the badges."""

    references: dict[str, list[str]] = field(default_factory=dict)
    badges: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reading content


def _walk_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item)


def scan_content(content_root: Path) -> ContentImages:
    """Collect every image path and every badge from the YAML files under ``content_root``.

    Only parsed values count, so an image path inside a YAML comment is not a reference.
    A file that cannot be read or parsed is recorded in ``problems`` and skipped.
    """
    found = ContentImages()
    for path in sorted(content_root.rglob("*.yml")) + sorted(content_root.rglob("*.yaml")):
        shown = path.relative_to(content_root).as_posix()
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            found.problems.append(f"content/{shown}: cannot read: {exc}".splitlines()[0])
            continue
        for text in _walk_strings(data):
            if text.lower().endswith(IMAGE_SUFFIXES) and text.startswith("images/"):
                found.references.setdefault(text, []).append(shown)
        if isinstance(data, dict) and data.get("kind") == "badges":
            for badge in data.get("badges") or []:
                if isinstance(badge, dict) and isinstance(badge.get("id"), str):
                    found.badges.append(badge)
    # Pictures the core itself names (kids' truefalse answers ⭕ / ❌), as if content used them.
    for reference in TRUEFALSE_PICTURES:
        found.references.setdefault(reference, []).append("safezone/content/kids.py")
    return found


# ---------------------------------------------------------------------------------------------
# The Twemoji source


def fetch_tarball(dest: Path) -> Path:
    """Download the pinned npm tarball into ``dest`` with ``npm pack`` and return its path."""
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed; install it or pass --tarball PATH")
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(dest)],
        cwd=dest,  # away from the repository's package.json, which npm would otherwise read
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"npm pack {PACKAGE}@{VERSION} failed:\n{result.stderr.strip()}")
    return dest / result.stdout.strip().splitlines()[-1]


def check_tarball(tarball: Path) -> None:
    """Fail unless ``tarball`` is byte-for-byte the pinned npm release."""
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise SystemExit(
            f"{tarball}: not {PACKAGE}@{VERSION} (SHA-512 differs from the pinned one)"
        )


class Twemoji:
    """SVG sources read from the package tarball, rendered on demand and cached."""

    def __init__(self, tarball: Path) -> None:
        self._svgs: dict[str, str] = {}
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive.getmembers():
                name = member.name.removeprefix("package/")
                if member.isfile() and name.endswith(".svg") and "/" not in name:
                    handle = archive.extractfile(member)
                    assert handle is not None  # a regular file always has content
                    self._svgs[name.removesuffix(".svg")] = handle.read().decode("utf-8")
        self._cache: dict[tuple[str, int], Image.Image] = {}

    def source_name(self, name: str) -> str | None:
        """The package's file name for an emoji name, tolerating a missing or extra ``fe0f``."""
        if name in self._svgs:
            return name
        stripped = "-".join(part for part in name.split("-") if part != "fe0f")
        if stripped in self._svgs:
            return stripped
        with_vs = f"{name}-fe0f"
        return with_vs if with_vs in self._svgs else None

    def render(self, name: str, size: int) -> Image.Image:
        """The emoji ``name`` as a ``size`` x ``size`` RGBA image; KeyError when it is unknown."""
        source = self.source_name(name)
        if source is None:
            raise KeyError(name)
        key = (source, size)
        if key not in self._cache:
            import resvg_py  # build-time only: tests and the kiosk never import this module

            png = resvg_py.svg_to_bytes(
                svg_string=self._svgs[source], width=size, height=size, skip_system_fonts=True
            )
            self._cache[key] = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
        return self._cache[key].copy()


# ---------------------------------------------------------------------------------------------
# Drawing


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    """``a`` moved towards ``b`` by ``t`` (0 = a, 1 = b)."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _circle(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: Any) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)


def _soft_shadow(size: int, cx: float, cy: float, r: float, alpha: int) -> Image.Image:
    """A blurred disc of the warm shadow colour, to lift a shape off the page."""
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    _circle(ImageDraw.Draw(layer), cx, cy, r, (*SHADOW, alpha))
    return layer.filter(ImageFilter.GaussianBlur(size * 0.02))


def _paste_centre(canvas: Image.Image, emoji: Image.Image, cx: float, cy: float) -> None:
    canvas.alpha_composite(emoji, (round(cx - emoji.width / 2), round(cy - emoji.height / 2)))


def topic_pictogram(topic: str, twemoji: Twemoji, size: int = TOPIC_SIZE) -> Image.Image:
    """A topic tile: tinted disc with a topic-coloured ring, the main emoji, a companion bubble."""
    spec = TOPIC_PICTOGRAMS[topic]
    accent = TOPIC_COLOURS[topic]
    big = size * SUPERSAMPLE
    canvas = _soft_shadow(big, big * 0.5, big * 0.515, big * 0.455, 90)
    draw = ImageDraw.Draw(canvas)
    _circle(draw, big * 0.5, big * 0.5, big * 0.46, (*accent, 255))
    _circle(draw, big * 0.5, big * 0.5, big * 0.425, (*_mix(PAPER, accent, 0.16), 255))
    # The bubble's ring and fill are drawn before scaling down; the emoji are pasted after, at
    # their final size, so resvg's own anti-aliasing is kept.
    bubble = (0.755, 0.755, 0.17)
    if spec.companion is not None:
        bx, by, br = (v * big for v in bubble)
        _circle(draw, bx, by + big * 0.008, br, (*SHADOW, 70))
        _circle(draw, bx, by, br, (*accent, 255))
        _circle(draw, bx, by, br * 0.86, (*CARD, 255))
    canvas = canvas.resize((size, size), Image.Resampling.LANCZOS)
    main_size = round(size * (0.5 if spec.companion else 0.58))
    centre = size * (0.46 if spec.companion else 0.5)
    _paste_centre(canvas, twemoji.render(spec.main, main_size), centre, centre)
    if spec.companion is not None:
        bx, by, br = (v * size for v in bubble)
        _paste_centre(canvas, twemoji.render(spec.companion, round(br * 1.2)), bx, by)
    return canvas


def guide_pose(pose: str, twemoji: Twemoji, size: int = GUIDE_SIZE) -> Image.Image:
    """The guide in ``pose``: the panda low left, tilted and lifted by the pose, and the pose's prop
    in a white thought bubble with a teal ring at the upper right (two small dots lead to it),
    drawn over the panda so no pose hides it."""
    prop, tilt, lift = GUIDE_POSES[pose]
    big = size * SUPERSAMPLE
    # A soft ground shadow under the panda, the same in every pose (the hop leaves it behind).
    ground = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    ImageDraw.Draw(ground).ellipse(
        (big * 0.12, big * 0.87, big * 0.6, big * 0.96), fill=(*SHADOW, 60)
    )
    canvas = ground.filter(ImageFilter.GaussianBlur(big * 0.015)).resize(
        (size, size), Image.Resampling.LANCZOS
    )
    panda = twemoji.render(GUIDE_CHARACTER, round(size * 0.56))
    if tilt:
        panda = panda.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True)
    _paste_centre(canvas, panda, size * 0.36, size * (0.63 - lift))
    bubble = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(bubble)
    bx, by, br = big * 0.77, big * 0.22, big * 0.19
    for cx, cy, r in ((0.6, 0.45, 0.026), (0.655, 0.385, 0.038)):
        _circle(draw, big * cx, big * cy, big * r, (*GUIDE_ACCENT, 255))
    _circle(draw, bx, by + big * 0.01, br, (*SHADOW, 60))
    _circle(draw, bx, by, br, (*GUIDE_ACCENT, 255))
    _circle(draw, bx, by, br * 0.88, (*CARD, 255))
    canvas.alpha_composite(bubble.resize((size, size), Image.Resampling.LANCZOS))
    _paste_centre(canvas, twemoji.render(prop, round(size * 0.2)), size * 0.77, size * 0.22)
    return canvas


def badge_emoji(badge: dict[str, Any]) -> str:
    """The emoji a badge shows: named in :data:`BADGE_EMOJI`, else chosen by its rule."""
    if badge["id"] in BADGE_EMOJI:
        return BADGE_EMOJI[badge["id"]]
    rule = badge.get("rule") or {}
    if rule.get("topic") in TOPIC_BADGE_EMOJI:
        return TOPIC_BADGE_EMOJI[rule["topic"]]
    return RULE_BADGE_EMOJI.get(rule.get("type"), "1f3c5")


def badge_ribbon(badge: dict[str, Any]) -> Colour:
    """The ribbon colour: the topic's accent, else one per rule type."""
    rule = badge.get("rule") or {}
    if rule.get("topic") in TOPIC_COLOURS:
        return TOPIC_COLOURS[rule["topic"]]
    return RULE_RIBBON.get(rule.get("type"), (10, 82, 92))


def badge_medal(badge: dict[str, Any], twemoji: Twemoji, size: int = BADGE_SIZE) -> Image.Image:
    """A round gold medal on two ribbon tails, with the badge's emoji on a cream face."""
    ribbon = badge_ribbon(badge)
    ribbon_dark = _mix(ribbon, (0, 0, 0), 0.25)
    big = size * SUPERSAMPLE
    cx, cy, r = big * 0.5, big * 0.43, big * 0.34
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    # Two ribbon tails hang from behind the medal, each ending in a V notch.
    for side in (-1, 1):
        top_in, top_out = cx + side * big * 0.03, cx + side * big * 0.2
        bottom_in, bottom_out = cx + side * big * 0.1, cx + side * big * 0.3
        bottom = big * 0.96
        notch = big * 0.07
        tail = [
            (top_in, cy),
            (top_out, cy),
            (bottom_out, bottom),
            ((bottom_in + bottom_out) / 2, bottom - notch),
            (bottom_in, bottom),
        ]
        draw.polygon(tail, fill=(*(ribbon if side < 0 else ribbon_dark), 255))
    shadow = _soft_shadow(big, cx, cy + big * 0.02, r * 1.02, 110)
    canvas = Image.alpha_composite(canvas, shadow)
    draw = ImageDraw.Draw(canvas)
    # A scalloped gold rim: small discs round the edge, then the rim and the face.
    scallops = 28
    for i in range(scallops):
        angle = 2 * math.pi * i / scallops
        _circle(
            draw,
            cx + math.cos(angle) * r * 0.94,
            cy + math.sin(angle) * r * 0.94,
            r * 0.1,
            (*GOLD_DARK, 255),
        )
    _circle(draw, cx, cy, r * 0.95, (*GOLD_DARK, 255))
    _circle(draw, cx, cy, r * 0.88, (*GOLD, 255))
    _circle(draw, cx, cy, r * 0.76, (*GOLD_LIGHT, 255))
    _circle(draw, cx, cy, r * 0.72, (*PAPER, 255))
    canvas = canvas.resize((size, size), Image.Resampling.LANCZOS)
    emoji = twemoji.render(badge_emoji(badge), round(size * 0.34))
    _paste_centre(canvas, emoji, size * 0.5, size * 0.43)
    return canvas


# ---------------------------------------------------------------------------------------------
# Writing


def png_bytes(image: Image.Image) -> bytes:
    """Deterministic PNG bytes (no timestamps or text chunks), so rebuilds are byte-identical."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly it; True when written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True


LICENSE_TEXT = f"""Twemoji graphics: licence and attribution
==========================================

The PNG pictures in images/emoji/, images/topics/ and images/badges/ are made from
Twemoji graphics by Twitter, Inc. and other contributors, licensed CC-BY 4.0.

  Graphics    Twemoji, Copyright 2019 Twitter, Inc and other contributors;
              2024 onwards maintained by the jdecked/twemoji project
  Licence     Creative Commons Attribution 4.0 International (CC-BY 4.0)
              https://creativecommons.org/licenses/by/4.0/
  Source      npm package {PACKAGE} version {VERSION} (its packaging is MIT-licensed,
              Copyright (c) 2023 Samuel Kopp); SVG files rendered unchanged
  Changes     SVGs rasterised to PNG (256x256 emoji). Topic pictograms (512x512) and badge
              medals (512x512) combine the emoji with shapes drawn for safezone (tinted discs,
              rings, a gold medal with ribbons); those shapes are safezone's own work.

Rebuild: .venv/bin/python tools/build_art.py (see images/README.md).
"""


@dataclass
class BuildReport:
    """What a build did: files written, unchanged and removed, and the problems found."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def record(self, path: Path, changed: bool, images_root: Path) -> None:
        """Count one output file as written or unchanged."""
        if changed:
            self.written.append(path.relative_to(images_root).as_posix())
        else:
            self.unchanged += 1


def _made_here_or_present(reference: str, *made: dict[str, Any], images_root: Path) -> bool:
    """True when this build writes ``reference`` or the file is already in assets/."""
    return any(reference in paths for paths in made) or (images_root.parent / reference).is_file()


def build(twemoji: Twemoji, content_root: Path, images_root: Path) -> BuildReport:
    """Render every picture content needs into ``images_root``; see the module docstring."""
    report = BuildReport()
    found = scan_content(content_root)
    report.problems.extend(found.problems)

    wanted_emoji: dict[str, str] = {}
    badge_paths: dict[str, dict[str, Any]] = {}
    for badge in found.badges:
        badge_paths[f"images/badges/{badge['id']}.png"] = badge
        icon = badge.get("icon")
        if isinstance(icon, str) and icon.startswith("images/badges/") and icon.endswith(".png"):
            badge_paths[icon] = badge
    topic_paths = {f"images/topics/{topic}.png": topic for topic in TOPIC_PICTOGRAMS}
    guide_paths = {f"images/guide/{pose}.png": pose for pose in GUIDE_POSES}
    for reference, files in sorted(found.references.items()):
        match = EMOJI_REF.match(reference)
        if match:
            if twemoji.source_name(match.group(1)) is None:
                report.problems.append(f"{reference}: no such Twemoji (used in {', '.join(files)})")
            else:
                wanted_emoji[reference] = match.group(1)
        elif not _made_here_or_present(
            reference, badge_paths, topic_paths, guide_paths, images_root=images_root
        ):
            report.problems.append(
                f"{reference}: not made by this script and missing (used in {', '.join(files)})"
            )

    for reference, name in sorted(wanted_emoji.items()):
        path = images_root.parent / reference
        report.record(
            path, write_if_changed(path, png_bytes(twemoji.render(name, EMOJI_SIZE))), images_root
        )
    for reference, topic in sorted(topic_paths.items()):
        path = images_root.parent / reference
        report.record(
            path, write_if_changed(path, png_bytes(topic_pictogram(topic, twemoji))), images_root
        )
    for reference, badge in sorted(badge_paths.items()):
        path = images_root.parent / reference
        report.record(
            path, write_if_changed(path, png_bytes(badge_medal(badge, twemoji))), images_root
        )

    for reference, pose in sorted(guide_paths.items()):
        path = images_root.parent / reference
        report.record(
            path, write_if_changed(path, png_bytes(guide_pose(pose, twemoji))), images_root
        )

    # Folders this script owns hold exactly what content needs: stale pictures are removed.
    keep = {
        images_root.parent / p for p in (*wanted_emoji, *topic_paths, *badge_paths, *guide_paths)
    }
    for folder in ("emoji", "topics", "badges", "guide"):
        for path in sorted((images_root / folder).glob("*.png")):
            if path not in keep:
                path.unlink()
                report.removed.append(path.relative_to(images_root).as_posix())

    licence = images_root / "LICENSE-twemoji.txt"
    report.record(licence, write_if_changed(licence, LICENSE_TEXT.encode("utf-8")), images_root)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: build the pictures, print a summary and every problem; 1 when any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tarball", type=Path, help=f"use this {PACKAGE} tarball instead of npm pack"
    )
    parser.add_argument("--content", type=Path, default=CONTENT_ROOT, help="content folder")
    parser.add_argument("--images", type=Path, default=IMAGES_ROOT, help="assets/images folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="safezone-twemoji-") as scratch:
        tarball = args.tarball or fetch_tarball(Path(scratch))
        check_tarball(tarball)
        report = build(Twemoji(tarball), args.content, args.images)
    for name in report.written:
        print(f"wrote    {name}")
    for name in report.removed:
        print(f"removed  {name}")
    for problem in report.problems:
        print(f"problem  {problem}", file=sys.stderr)
    print(
        f"{len(report.written)} written, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed, {len(report.problems)} problems"
    )
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
