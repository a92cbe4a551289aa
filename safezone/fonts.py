"""The bundled CJK font family ("Safezone Sans", a subset of Noto Sans SC) and its coverage.

The kiosk (pygame-ce) and the PDF exports (reportlab) both draw every string with this one family,
so anything that accepts text from people (content files, nicknames) can ask here whether the font
can show it before it reaches a screen as empty boxes.
"""

from __future__ import annotations

import functools
import os
import struct
import unicodedata
from pathlib import Path

#: Where the built font files live: ``assets/fonts`` at the repository root, beside ``safezone/``.
FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
#: File names written by ``assets/fonts/build_fonts.py``.
REGULAR_FILE = "SafezoneSans-Regular.ttf"
BOLD_FILE = "SafezoneSans-Bold.ttf"
#: The family name inside both files.
FAMILY = "Safezone Sans"

# Characters no font needs a glyph for: renderers lay them out as space or not at all.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def font_path(bold: bool = False) -> Path:
    """Return the path of the bundled Regular (or Bold) font file.

    Raises FileNotFoundError, naming the file and how to rebuild it, when the file is absent.
    """
    path = FONTS_DIR / (BOLD_FILE if bold else REGULAR_FILE)
    if not path.is_file():
        raise FileNotFoundError(
            f"bundled font {path} is missing; rebuild it with "
            f"`python assets/fonts/build_fonts.py` (see assets/fonts/README.md)"
        )
    return path


def covered_codepoints(path: str | os.PathLike[str]) -> set[int]:
    """Return the Unicode code points the font at ``path`` maps to a glyph (its best cmap).

    Raises FileNotFoundError if there is no such file and ValueError if it is not a font with a
    Unicode character map.
    """
    return set(_coverage(Path(path)))


def _coverage(path: Path) -> frozenset[int]:
    """The cached code point set of the font file at ``path``."""
    resolved = path.resolve()
    if not resolved.is_file():
        raise FileNotFoundError(f"font file {resolved} does not exist")
    stat = resolved.stat()
    # Cached by (path, size, mtime): a content check asks about the same file thousands of times,
    # and a rebuilt file must not be answered from the old cache.
    return _cmap_codepoints(str(resolved), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _cmap_codepoints(path: str, size: int, mtime_ns: int) -> frozenset[int]:
    """Read the best cmap of ``path``; ``size`` and ``mtime_ns`` only key the cache."""
    # fontTools is needed only for this question, so the kiosk can start without importing it.
    from fontTools.ttLib import TTFont, TTLibError

    try:
        # Open the file ourselves: TTFont leaks its handle when the header is rejected.
        with open(path, "rb") as handle, TTFont(handle, lazy=True) as font:
            cmap = font.getBestCmap() if "cmap" in font else None
    except (TTLibError, OSError, struct.error, AssertionError, KeyError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable TrueType/OpenType font: {exc}") from exc
    if not cmap:
        raise ValueError(f"{path} has no Unicode character map (cmap)")
    return frozenset(cmap)


def missing_characters(text: str, path: str | os.PathLike[str] | None = None) -> set[str]:
    """Return the characters of ``text`` that the font cannot draw.

    ``path`` defaults to the bundled Regular face (Bold covers the same characters). Whitespace,
    control and format characters (line breaks, zero-width joiners, a BOM) are ignored because
    nothing is drawn for them. Raises TypeError when ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    covered = _coverage(Path(path) if path is not None else font_path())
    return {
        char
        for char in set(text)
        if ord(char) not in covered
        and not char.isspace()
        and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
    }
