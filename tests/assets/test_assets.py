"""The committed pictures and sounds: every one content needs exists, is valid and is current.

Reads only files in the repository (PNG via Pillow, OGG via its header and pygame.mixer with the
dummy audio driver); npm, espeak-ng and sox are never needed here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT_ROOT = REPO_ROOT / "content"
ASSETS_ROOT = REPO_ROOT / "assets"
IMAGES = ASSETS_ROOT / "images"
SOUNDS = ASSETS_ROOT / "sounds"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Pixel size of each generated picture folder (other referenced images only need to be valid).
EXPECTED_SIZES = {"images/emoji/": 256, "images/topics/": 512, "images/badges/": 512}
TOPICS = ("fire", "home", "traffic", "cyber")
FEEDBACK = ("right", "wrong", "badge", "tap")
MAX_SOUND_BYTES = 15_000_000


def vorbis_header(path: Path) -> tuple[int, int]:
    """(channels, sample rate) from an Ogg Vorbis file's identification header."""
    data = path.read_bytes()[:256]
    assert data[:4] == b"OggS", f"{path}: not an Ogg file"
    segments = data[26]
    packet = data[27 + segments :]
    assert packet[:7] == b"\x01vorbis", f"{path}: the Ogg stream is not Vorbis"
    return packet[11], int.from_bytes(packet[12:16], "little")


def check_png(path: Path, size: int | None) -> None:
    """Fail unless ``path`` is a readable PNG (and ``size`` x ``size`` when given)."""
    assert path.is_file(), f"{path.relative_to(ASSETS_ROOT)} is missing: run tools/build_art.py"
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path}: not a PNG"
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        if size is not None:
            assert image.size == (size, size), f"{path}: {image.size}, expected {size}x{size}"
            assert image.mode == "RGBA", f"{path}: {image.mode}, expected RGBA (transparent)"


@pytest.fixture(scope="module")
def content_images(build_art: ModuleType) -> Any:
    """Image references and badges found in the real content."""
    # A content file that does not parse is the content tests' finding (they name the line);
    # here the pictures of every file that does parse are checked.
    return build_art.scan_content(CONTENT_ROOT)


@pytest.fixture(scope="module")
def mixer() -> Iterator[Any]:
    """pygame.mixer on the dummy audio driver; the test is skipped when it cannot start."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    started_here = not pygame.mixer.get_init()
    if started_here:
        try:
            pygame.mixer.init(frequency=22050, size=-16, channels=1)
        except pygame.error as exc:
            pytest.skip(f"pygame.mixer cannot start here: {exc}")
    yield pygame.mixer
    if started_here:
        pygame.mixer.quit()


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, str]]:
    """assets/sounds/manifest.json: what each sound was made from."""
    return json.loads((SOUNDS / "manifest.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Pictures


def test_content_references_pictures(content_images: Any) -> None:
    # Kids' mode is built on answer pictures; an empty scan would mean the scanner broke.
    emoji = [ref for ref in content_images.references if ref.startswith("images/emoji/")]
    assert len(emoji) >= 40


def test_every_referenced_image_exists_and_is_a_valid_png(content_images: Any) -> None:
    for reference, files in sorted(content_images.references.items()):
        size = next(
            (s for prefix, s in EXPECTED_SIZES.items() if reference.startswith(prefix)), None
        )
        path = ASSETS_ROOT / reference
        assert path.is_file(), f"{reference} (used in {', '.join(files)}) is missing"
        if reference.endswith(".png"):
            check_png(path, size)
        else:
            with Image.open(path) as image:
                image.verify()


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_pictogram(topic: str) -> None:
    path = IMAGES / "topics" / f"{topic}.png"
    check_png(path, 512)
    with Image.open(path) as image:
        # A round tile: corners transparent, the centre solid.
        assert image.getpixel((2, 2))[3] == 0
        assert image.getpixel((256, 256))[3] == 255


def test_every_badge_has_an_icon(content_images: Any) -> None:
    assert content_images.badges, "no badges found in content/badges"
    for badge in content_images.badges:
        check_png(IMAGES / "badges" / f"{badge['id']}.png", 512)
        if "icon" in badge:
            check_png(ASSETS_ROOT / badge["icon"], 512)


def test_badge_icons_share_one_style() -> None:
    # Every medal is drawn by the same code: the gold rim sits at the same place in each.
    rims = set()
    for path in sorted((IMAGES / "badges").glob("*.png")):
        with Image.open(path) as image:
            red, green, blue, alpha = image.getpixel((256, 220 - 158))
        rims.add((red > 180 and green > 100 and blue < 120, alpha))
    assert rims == {(True, 255)}


def test_twemoji_licence_and_readme() -> None:
    licence = (IMAGES / "LICENSE-twemoji.txt").read_text(encoding="utf-8")
    assert "Twemoji graphics by Twitter, Inc. and other contributors, licensed CC-BY 4.0" in licence
    assert "@twemoji/svg version 15.0.0" in licence
    readme = (IMAGES / "README.md").read_text(encoding="utf-8")
    assert "tools/build_art.py" in readme and "CC-BY 4.0" in readme


# ---------------------------------------------------------------------------------------------
# Sounds


def all_oggs() -> list[Path]:
    """Every committed OGG file."""
    return sorted(SOUNDS.rglob("*.ogg"))


def test_every_ogg_is_small_mono_vorbis() -> None:
    files = all_oggs()
    assert files, "no OGG files under assets/sounds"
    for path in files:
        assert vorbis_header(path) == (1, 22050), f"{path}: expected mono 22.05 kHz"


def test_sounds_stay_small() -> None:
    total = sum(path.stat().st_size for path in all_oggs())
    assert total < MAX_SOUND_BYTES, f"{total / 1e6:.1f} MB of sounds"


@pytest.mark.parametrize("name", FEEDBACK)
def test_feedback_sound_loads_and_is_short(name: str, mixer: Any) -> None:
    path = SOUNDS / "feedback" / f"{name}.ogg"
    assert vorbis_header(path)[0] == 1
    length = mixer.Sound(str(path)).get_length()
    assert 0.03 <= length <= 1.5, f"{name}: {length:.2f} s"


def test_every_kids_question_has_a_spoken_prompt(build_sounds: ModuleType, mixer: Any) -> None:
    speech, _ = build_sounds.kids_speech(CONTENT_ROOT)
    prompts = [item for item in speech if item.path.startswith("sounds/prompts/")]
    assert len({item.path for item in prompts if item.lang == "zh"}) >= 40
    for item in speech:
        path = ASSETS_ROOT / item.path
        assert path.is_file(), f"{item.path} ({item.origin}) is missing: run tools/build_sounds.py"
        assert path.read_bytes()[:4] == b"OggS"
        # A one-word answer (对, 好) is short; a sentence is longer than half a second.
        shortest = 0.3 if item.path.startswith("sounds/options/") else 0.5
        assert mixer.Sound(str(path)).get_length() > shortest, f"{item.path} is (nearly) silent"


def test_every_crossing_level_prompt_is_spoken(build_sounds: ModuleType) -> None:
    speech, _ = build_sounds.kids_speech(CONTENT_ROOT)
    levels = sorted(CONTENT_ROOT.glob("crossing/*.yml"))
    assert levels
    crossing = {item.path for item in speech if item.path.startswith("sounds/crossing/")}
    # Five spoken moments per level (intro, wait, go, success, unsafe), in zh at least.
    assert len([p for p in crossing if p.endswith(".zh.ogg")]) >= 5 * len(levels)
    for path in crossing:
        assert (ASSETS_ROOT / path).is_file(), path


def test_spoken_prompts_say_the_current_text(
    build_sounds: ModuleType, manifest: dict[str, dict[str, str]]
) -> None:
    # A prompt edited after its sound was made would be read out wrong to a child.
    speech, _ = build_sounds.kids_speech(CONTENT_ROOT)
    for item in speech:
        entry = manifest.get(item.path.removeprefix("sounds/"))
        assert entry is not None, f"{item.path} is not in manifest.json: run tools/build_sounds.py"
        assert entry["text"] == item.text, f"{item.path} is stale: run tools/build_sounds.py"


def test_sounds_readme_names_licence_and_rebuild() -> None:
    readme = (SOUNDS / "README.md").read_text(encoding="utf-8")
    for needed in ("espeak-ng", "sox", "GPL", "tools/build_sounds.py", "<question-id>.<lang>.ogg"):
        assert needed in readme, needed


# ---------------------------------------------------------------------------------------------
# The kids' guide


def test_the_guide_has_every_pose_drawn_the_same_way(build_art: ModuleType) -> None:
    poses = sorted(build_art.GUIDE_POSES)
    assert {"hello", "listen", "cheer", "oops", "think"} <= set(poses)
    bubbles = set()
    for pose in poses:
        path = IMAGES / "guide" / f"{pose}.png"
        check_png(path, 512)
        with Image.open(path) as image:
            # The teal ring of the thought bubble sits at the same place in every pose.
            bubbles.add(image.getpixel((round(512 * 0.77), round(512 * 0.22 - 512 * 0.18)))[:3])
            assert image.getpixel((2, 2))[3] == 0  # transparent around the character
    assert bubbles == {build_art.GUIDE_ACCENT}
    readme = (IMAGES / "guide" / "README.md").read_text(encoding="utf-8")
    assert "CC-BY 4.0" in readme and "tools/build_art.py" in readme
