"""The bundled font family: files, coverage, pygame-ce rendering, reportlab embedding.

The last tests scan the repository's own text (content YAML, string literals of the Python
packages, admin templates) so a new string the font cannot draw fails here, naming its file.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

# Imported after the SDL environment is set, so pygame never opens a real display.
import pygame
import pygame.freetype
import pypdfium2
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as PdfTTFont
from reportlab.pdfgen.canvas import Canvas

from safezone import fonts
from safezone.fonts import covered_codepoints, font_path, missing_characters

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "锦秀城三期安全体验区：防火、防盗，从我做起！"
# Named by the design: full-width punctuation, arrows and bullets staff may type.
REQUIRED_PUNCTUATION = "，。！？：；“”（）《》、·—…•→←↑↓★☆"
# Not in Noto Sans SC: a CJK Extension B ideograph and an emoji.
UNCOVERED = "\U00020000\U0001f525"


def gb2312_characters() -> str:
    """All 7,445 characters of GB 2312, decoded independently of the build script."""
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


# --- the files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bold", "style", "weight"), [(False, "Regular", 400), (True, "Bold", 700)]
)
def test_font_file_is_small_truetype_of_its_weight(bold: bool, style: str, weight: int) -> None:
    path = font_path(bold=bold)
    assert path.name == f"SafezoneSans-{style}.ttf"
    assert path.stat().st_size <= 8 * 1024 * 1024
    with TTFont(path, lazy=True) as font:
        assert "glyf" in font and "loca" in font
        assert "CFF " not in font and "CFF2" not in font
        assert font["name"].getDebugName(1) == fonts.FAMILY
        assert font["name"].getDebugName(2) == style
        assert font["OS/2"].usWeightClass == weight
        assert font["OS/2"].fsType == 0  # installable: reportlab refuses restricted fonts


def test_licence_and_readme_sit_beside_the_fonts() -> None:
    folder = font_path().parent
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text("utf-8")
    readme = (folder / "README.md").read_text("utf-8")
    assert "@expo-google-fonts/noto-sans-sc" in readme and "build_fonts.py" in readme


def test_regular_and_bold_cover_the_same_characters() -> None:
    assert covered_codepoints(font_path()) == covered_codepoints(font_path(bold=True))


@pytest.mark.parametrize("bold", [False, True])
def test_font_covers_gb2312_ascii_latin1_and_kiosk_punctuation(bold: bool) -> None:
    ascii_printable = "".join(map(chr, range(0x20, 0x7F)))
    latin1_punctuation = "".join(map(chr, range(0xA1, 0xC0))) + "×÷"
    full_width = "".join(map(chr, range(0xFF01, 0xFF5F)))
    text = gb2312_characters() + ascii_printable + latin1_punctuation + full_width
    assert missing_characters(text + REQUIRED_PUNCTUATION, font_path(bold=bold)) == set()


# --- safezone.fonts on bad input -----------------------------------------------------------


def test_missing_characters_names_exactly_the_uncovered_ones() -> None:
    assert missing_characters(SAMPLE + UNCOVERED) == set(UNCOVERED)


def test_missing_characters_ignores_whitespace_control_and_format_characters() -> None:
    invisible = "\n\t\r \x00\x7f\u00a0\u2028\u200b\u200d\ufeff\u3000"
    assert missing_characters(invisible + SAMPLE) == set()


def test_missing_characters_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="text must be a str, not bytes"):
        missing_characters(SAMPLE.encode("utf-8"))  # type: ignore[arg-type]


def test_covered_codepoints_of_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.ttf does not exist"):
        covered_codepoints(tmp_path / "nope.ttf")
    with pytest.raises(FileNotFoundError, match="nope.ttf does not exist"):
        missing_characters(SAMPLE, tmp_path / "nope.ttf")


@pytest.mark.parametrize("content", [b"", b"not a font at all", b"\x00\x01\x00\x00\x00\x09"])
def test_covered_codepoints_of_a_non_font_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.ttf"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="broken.ttf is not a readable TrueType/OpenType font"):
        covered_codepoints(path)


def test_font_path_names_the_rebuild_script_when_files_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "FONTS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"SafezoneSans-Bold\.ttf is missing.*build_fonts"):
        font_path(bold=True)


def write_tiny_font(path: Path, chars: str) -> None:
    """Write a minimal TrueType font mapping each of ``chars`` to a square glyph."""
    names = [f"g{ord(c):X}" for c in chars]
    pen = TTGlyphPen(None)
    pen.moveTo((100, 0))
    pen.lineTo((100, 700))
    pen.lineTo((900, 700))
    pen.lineTo((900, 0))
    pen.closePath()
    square = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", *names])
    builder.setupCharacterMap({ord(c): n for c, n in zip(chars, names, strict=True)})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), **{n: square for n in names}})
    builder.setupHorizontalMetrics({n: (1000, 100) for n in [".notdef", *names]})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))


def test_coverage_follows_a_rebuilt_file_not_a_stale_cache(tmp_path: Path) -> None:
    path = tmp_path / "tiny.ttf"
    write_tiny_font(path, "安")
    assert covered_codepoints(path) == {ord("安")}
    assert missing_characters("安全", path) == {"全"}
    write_tiny_font(path, "安全知识")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # a different mtime even on coarse clocks
    assert missing_characters("安全", path) == set()
    assert covered_codepoints(path) == {ord(c) for c in "安全知识"}


# --- pygame-ce -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pygame_fonts() -> Iterator[None]:
    """pygame.font and pygame.freetype initialised for this module only."""
    pygame.font.init()
    pygame.freetype.init()
    yield
    pygame.freetype.quit()
    pygame.font.quit()


def ink(surface: pygame.Surface) -> int:
    """Number of opaque pixels on a text surface rendered without a background."""
    return pygame.mask.from_surface(surface).count()


@pytest.mark.usefixtures("pygame_fonts")
@pytest.mark.parametrize("bold", [False, True])
def test_pygame_font_renders_chinese(bold: bool) -> None:
    font = pygame.font.Font(font_path(bold=bold), 48)
    surface = font.render(SAMPLE, True, (0, 0, 0))
    assert surface.get_width() > 20 * 40  # about one 48-px em per character
    assert ink(surface) > 0


@pytest.mark.usefixtures("pygame_fonts")
def test_pygame_draws_a_distinct_glyph_per_character_not_boxes() -> None:
    font = pygame.font.Font(font_path(), 48)
    shapes = {
        char: pygame.image.tobytes(font.render(char, True, (0, 0, 0)), "RGBA")
        for char in "安全防火，。" + UNCOVERED[0]
    }
    assert len(set(shapes.values())) == len(shapes)


@pytest.mark.usefixtures("pygame_fonts")
def test_bold_face_is_really_heavier() -> None:
    regular = pygame.font.Font(font_path(), 48).render(SAMPLE, True, (0, 0, 0))
    bold = pygame.font.Font(font_path(bold=True), 48).render(SAMPLE, True, (0, 0, 0))
    assert ink(bold) > 1.2 * ink(regular)


@pytest.mark.usefixtures("pygame_fonts")
@pytest.mark.parametrize("bold", [False, True])
def test_pygame_freetype_renders_chinese(bold: bool) -> None:
    font = pygame.freetype.Font(font_path(bold=bold), 48)
    surface, rect = font.render(SAMPLE, (0, 0, 0))
    assert rect.width > 20 * 40
    assert ink(surface) > 0


# --- reportlab -------------------------------------------------------------------------------


def test_reportlab_embeds_both_faces_in_a_pdf_with_extractable_chinese() -> None:
    pdfmetrics.registerFont(PdfTTFont("SafezoneSansTest", font_path()))
    pdfmetrics.registerFont(PdfTTFont("SafezoneSansTest-Bold", font_path(bold=True)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("SafezoneSansTest-Bold", 24)
    canvas.drawString(72, 760, "锦秀城三期 · 安全路演签到表")
    canvas.setFont("SafezoneSansTest", 14)
    canvas.drawString(72, 720, SAMPLE)
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/FontFile2") == 2  # both TrueType subsets embedded
    pdf = pypdfium2.PdfDocument(data)
    try:
        assert len(pdf) == 1
        page = pdf[0]
        text_page = page.get_textpage()
        text = text_page.get_text_range()
        text_page.close()
        page.close()
    finally:
        pdf.close()
    assert "安全路演签到表" in text
    assert SAMPLE in text


# --- every string in the repository --------------------------------------------------------

PYTHON_PACKAGES = ("safezone", "kiosk", "games", "admin")


def docstring_starts(tree: ast.AST) -> set[tuple[int, int]]:
    """(line, column) where each docstring begins: documentation, never drawn on a screen."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add((first.value.lineno, first.value.col_offset))
    return found


# Python 3.12+ splits f-strings into tokens; their literal parts are FSTRING_MIDDLE.
STRING_TOKENS = {tokenize.STRING} | (
    {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
)


def python_string_literals(source: str) -> str:
    """The source text of every string literal except docstrings.

    Taken as written, not as evaluated: an escape such as ``"\\u3400"`` (a range bound in a
    character test) stays ASCII and is not asked for, while a character typed into a literal is.
    A file that does not parse (someone is mid-edit) is taken whole, comments and all: checking
    too much is safer than checking nothing.
    """
    try:
        skip = docstring_starts(ast.parse(source))
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):
        return source
    return "".join(
        token.string
        for token in tokens
        if token.type in STRING_TOKENS and (token.start[0], token.start[1]) not in skip
    )


def repository_texts(root: Path) -> Iterator[tuple[Path, str]]:
    """(file, text that may be drawn) for content YAML, package sources and admin templates."""
    content = root / "content"
    for pattern in ("*.yml", "*.yaml"):
        for path in sorted(content.rglob(pattern)):
            yield path, path.read_text("utf-8")
    for package in PYTHON_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            yield path, python_string_literals(path.read_text("utf-8"))
    for path in sorted((root / "admin").rglob("*.html")):
        yield path, path.read_text("utf-8")


def uncovered_by_file(root: Path, font: Path) -> tuple[dict[str, set[str]], int]:
    """Map each character the font lacks to the files using it; also count the files read."""
    missing: dict[str, set[str]] = defaultdict(set)
    count = 0
    for path, text in repository_texts(root):
        count += 1
        for char in missing_characters(text, font):
            missing[char].add(path.relative_to(root).as_posix())
    return dict(missing), count


def describe(missing: dict[str, set[str]]) -> str:
    """One line per missing character: code point, the character, the files."""
    return "\n".join(
        f"U+{ord(char):04X} {char!r} in {', '.join(sorted(files))}"
        for char, files in sorted(missing.items())
    )


def test_repository_scan_finds_uncovered_characters_and_skips_docs(tmp_path: Path) -> None:
    (tmp_path / "content" / "fire").mkdir(parents=True)
    (tmp_path / "content" / "fire" / "quiz.yml").write_text("q: 电动车🔥充电\n", "utf-8")
    (tmp_path / "content" / "notes.txt").write_text("🚫 not content\n", "utf-8")
    (tmp_path / "games").mkdir()
    (tmp_path / "games" / "rules.py").write_text(
        '"""Module doc 🚒."""\n# comment 🧯\n\n\ndef f(x):\n    """Doc 🚑."""\n'
        '    return f"{x} \U00020000" + "正常"\n\n\n'
        'def is_cjk(c):\n    return "\\u3400" <= c <= "\\u9fff"  # ext A: 㐁\n',
        "utf-8",
    )
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "broken.py").write_text("print('🛑'\n# 🧨\n", "utf-8")
    (tmp_path / "admin" / "templates").mkdir(parents=True)
    (tmp_path / "admin" / "templates" / "card.html").write_text("<p>{{ n }} 🏠</p>", "utf-8")

    missing, count = uncovered_by_file(tmp_path, font_path())

    assert count == 4
    assert missing == {
        "🔥": {"content/fire/quiz.yml"},
        "\U00020000": {"games/rules.py"},
        "🛑": {"kiosk/broken.py"},
        "🧨": {"kiosk/broken.py"},
        "🏠": {"admin/templates/card.html"},
    }


@pytest.mark.parametrize("bold", [False, True])
def test_every_string_in_the_repository_is_covered(bold: bool) -> None:
    missing, count = uncovered_by_file(REPO_ROOT, font_path(bold=bold))
    assert count >= 1, "the scan read no file: are the package folders where the test expects?"
    assert not missing, "characters the bundled font cannot draw:\n" + describe(missing)
