"""Rebuild the bundled kiosk/PDF font family "Safezone Sans" from Noto Sans SC.

Run by hand when the subset or the source changes, never at test time:

    .venv/bin/python assets/fonts/build_fonts.py                  # fetches the pinned npm tarball
    .venv/bin/python assets/fonts/build_fonts.py --tarball X.tgz  # uses a tarball you already have

Source (pinned and checked by SHA-512 before anything is written):
    npm package  @expo-google-fonts/noto-sans-sc  version 0.4.3  (licence "MIT AND OFL-1.1")
    files        package/400Regular/NotoSansSC_400Regular.ttf, package/700Bold/NotoSansSC_700Bold.ttf
    font         Noto Sans SC version 2.004 (Google Fonts "v40"), static instances, TrueType (glyf)
                 outlines, SIL Open Font License 1.1 (package/LICENSE_FONT, copied here as OFL.txt).

Why this source: it is the only registry package holding Noto Sans SC as *static* Regular and Bold
instances with TrueType outlines, which both pygame-ce (FreeType) and reportlab's TTFont embed as
they are.  The Debian/PyPI Noto CJK builds are CFF (reportlab refuses them) and the fontsource
packages are woff2 slices.

What is done to the fonts (an OFL "Modified Version", hence the new family name; the licence's only
Reserved Font Name is "Source", which the new name does not use):
  1. subset to SUBSET_CODEPOINTS (GB 2312 complete, every CJK Unified Ideograph U+4E00-U+9FFF the
     source has, Latin, punctuation, full-width forms, arrows, bullets, enclosed numbers ...),
     keeping all OpenType layout features;
  2. rename the family to "Safezone Sans" (name IDs 1-6; ID 25, the variable-font prefix, dropped);
     copyright (0), trademark (7), credits (8-11) and licence (13, 14) records are kept unchanged;
  3. save without touching the timestamps, so the same input gives byte-identical output.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

NPM_PACKAGE = "@expo-google-fonts/noto-sans-sc"
NPM_VERSION = "0.4.3"
# The registry's own "dist.integrity" for that version (`npm view <pkg>@<version> dist.integrity`).
NPM_INTEGRITY_SHA512 = (
    "9rAwdFTFHbO/u6Cs0gj2jZbW74TGIiaFNQnXYH2s5wA1bzVkwbaviL4t8YUV642eGYjg86eH6DkAEQmfNHDncQ=="
)
LICENCE_MEMBER = "package/LICENSE_FONT"

FAMILY = "Safezone Sans"
POSTSCRIPT_FAMILY = "SafezoneSans"
OUT_DIR = Path(__file__).resolve().parent
# Kept well under the repository's per-file budget; the build fails rather than commit a bloated file.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Face:
    """One weight to build: where it is in the tarball and what it becomes."""

    member: str
    sha256: str
    style: str
    weight: int

    @property
    def out_name(self) -> str:
        """File name of the built face, e.g. SafezoneSans-Bold.ttf."""
        return f"{POSTSCRIPT_FAMILY}-{self.style}.ttf"


FACES = (
    Face(
        member="package/400Regular/NotoSansSC_400Regular.ttf",
        sha256="d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16",
        style="Regular",
        weight=400,
    ),
    Face(
        member="package/700Bold/NotoSansSC_700Bold.ttf",
        sha256="9a38ae0ab28cd5a256f9ea8e00dedc688aac17f7915fcb000572990afa956b96",
        style="Bold",
        weight=700,
    ),
)

# Blocks kept whole (as far as the source covers them).  Each is here because kiosk text, staff
# content, pinyin or printed reports plausibly use it.
SUBSET_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0020, 0x007E, "ASCII printable"),
    (0x00A0, 0x00FF, "Latin-1 supplement (punctuation, ×, ÷, accented letters)"),
    (0x0100, 0x017F, "Latin Extended-A (pinyin ā ē ī ō ū, European names)"),
    (0x01CD, 0x01DC, "pinyin third-tone and ü letters ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ"),
    (0x02C6, 0x02DD, "spacing modifiers (tone marks ˇ ˉ ˊ ˋ ˙)"),
    (0x0391, 0x03C9, "basic Greek (units, maths)"),
    (0x0401, 0x0451, "basic Cyrillic (in GB 2312)"),
    (0x2000, 0x206F, "General Punctuation (— … “ ” ‘ ’ • ‰ ※)"),
    (0x20A0, 0x20CF, "currency signs (€)"),
    (0x2100, 0x214F, "letterlike symbols (℃ № ™)"),
    (0x2150, 0x218F, "number forms (Ⅰ Ⅱ Ⅲ)"),
    (0x2190, 0x21FF, "arrows (→ ← ↑ ↓)"),
    (0x2200, 0x22FF, "mathematical operators (≤ ≥ ≠ ≈)"),
    (0x2460, 0x24FF, "enclosed alphanumerics (① ⑴ ⒈)"),
    (0x2500, 0x257F, "box drawing"),
    (0x25A0, 0x25FF, "geometric shapes (■ □ ▲ △ ● ○ ◆ ◇)"),
    (0x2600, 0x26FF, "miscellaneous symbols (★ ☆)"),
    (0x2700, 0x27BF, "dingbats the source happens to have"),
    (0x3000, 0x303F, "CJK symbols and punctuation (、 。 《 》 【 】 〔 〕)"),
    (0x3040, 0x30FF, "kana (in GB 2312)"),
    (0x3100, 0x312F, "bopomofo (in GB 2312)"),
    (0x3200, 0x32FF, "enclosed CJK (㈠ ㊣)"),
    (0x3300, 0x33FF, "CJK compatibility units (㎡ ㎏ ㎞)"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs: every one the source has (~21,000)"),
    (0xFE30, 0xFE4F, "CJK compatibility forms"),
    (0xFF00, 0xFFEF, "half-width and full-width forms (，！？：；（）￥)"),
)


# Characters the kiosk's design names explicitly; the build fails if any of them is not in the result.
REQUIRED_EXTRA = "，。！？：；“”（）《》、·—…•→←↑↓★☆￥℃①②③"


def gb2312_codepoints() -> set[int]:
    """Every character of GB 2312 (rows 1-9 symbols and rows 16-87 hanzi: 7,445 characters)."""
    chars: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # unassigned cell
    return chars


def subset_codepoints() -> set[int]:
    """The character set to keep: SUBSET_RANGES plus all of GB 2312."""
    chars = gb2312_codepoints()
    for first, last, _why in SUBSET_RANGES:
        chars.update(range(first, last + 1))
    return chars


def fetch_tarball(dest: Path) -> Path:
    """Download the pinned npm tarball into ``dest`` with ``npm pack`` and return its path."""
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed; install it or pass --tarball PATH")
    spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
    result = subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(dest)],
        check=True,
        cwd=dest,  # away from any package.json in the repository, which npm would otherwise read
        capture_output=True,
        text=True,
    )
    name = result.stdout.strip().splitlines()[-1]
    return dest / name


def verify_tarball(path: Path) -> bytes:
    """Read the tarball and fail unless it is byte-for-byte the pinned npm release."""
    data = path.read_bytes()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if digest != NPM_INTEGRITY_SHA512:
        raise SystemExit(
            f"{path}: SHA-512 {digest} is not the pinned {NPM_PACKAGE}@{NPM_VERSION} "
            f"({NPM_INTEGRITY_SHA512}); refusing to build"
        )
    return data


def read_member(archive: tarfile.TarFile, name: str) -> bytes:
    """Return one file's bytes from the tarball (read in memory; nothing is extracted to disk)."""
    member = archive.extractfile(name)
    if member is None:
        raise SystemExit(f"{name} is not a regular file in the tarball")
    return member.read()


def rename(font: TTFont, face: Face) -> None:
    """Give the subset its own family name, as the OFL asks of modified versions."""
    names = font["name"]
    version = f"{font['head'].fontRevision:.3f}"
    postscript = f"{POSTSCRIPT_FAMILY}-{face.style}"
    records = {
        1: FAMILY,
        2: face.style,
        3: f"{version};SAFEZONE;{postscript}",
        4: f"{FAMILY} {face.style}",
        5: f"Version {version}; subset of Noto Sans SC {version} for safezone",
        6: postscript,
    }
    for name_id in (*records, 16, 17, 25):
        names.removeNames(nameID=name_id)
    for name_id, text in records.items():
        names.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        names.setName(text, name_id, 1, 0, 0)  # Macintosh Roman, for older readers


def build_face(source: bytes, face: Face, chars: set[int]) -> bytes:
    """Subset and rename one face; return the finished TrueType file's bytes."""
    digest = hashlib.sha256(source).hexdigest()
    if digest != face.sha256:
        raise SystemExit(f"{face.member}: SHA-256 {digest} is not the pinned {face.sha256}")
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)
    if "glyf" not in font or font["OS/2"].usWeightClass != face.weight:
        raise SystemExit(f"{face.member}: expected TrueType outlines at weight {face.weight}")
    options = subset.Options()
    options.layout_features = ["*"]  # keep every feature (kerning, locl, full-width alternates)
    options.name_IDs = ["*"]  # keep copyright, trademark, credits and licence records
    options.name_languages = ["*"]
    options.notdef_outline = True  # draw a visible box for anything still missing
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    rename(font, face)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def check_output(data: bytes, face: Face, required: set[int]) -> int:
    """Fail unless the built face is small enough and covers every required character."""
    if len(data) > MAX_FILE_BYTES:
        raise SystemExit(f"{face.out_name}: {len(data):,} bytes is over {MAX_FILE_BYTES:,}")
    cmap = TTFont(io.BytesIO(data))["cmap"].getBestCmap()
    missing = sorted(required - set(cmap))
    if missing:
        shown = " ".join(f"U+{cp:04X}" for cp in missing[:20])
        raise SystemExit(f"{face.out_name}: {len(missing)} required characters missing: {shown}")
    return len(cmap)


def main(argv: list[str] | None = None) -> int:
    """Build both faces and the licence file into this folder; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="use this npm tarball instead of npm pack")
    parser.add_argument(
        "--out-dir", type=Path, default=OUT_DIR, help="where to write (default: here)"
    )
    args = parser.parse_args(argv)

    chars = subset_codepoints()
    required = gb2312_codepoints() | set(range(0x20, 0x7F)) | {ord(c) for c in REQUIRED_EXTRA}
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        data = verify_tarball(tarball)
    # Build everything in memory first so a failure leaves the committed files untouched.
    outputs: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        outputs["OFL.txt"] = read_member(archive, LICENCE_MEMBER)
        for face in FACES:
            built = build_face(read_member(archive, face.member), face, chars)
            mapped = check_output(built, face, required)
            outputs[face.out_name] = built
            print(f"{face.out_name}: {len(built):,} bytes, {mapped:,} characters mapped")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in outputs.items():
        (args.out_dir / name).write_bytes(content)
        print(f"wrote {args.out_dir / name}  sha256 {hashlib.sha256(content).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
