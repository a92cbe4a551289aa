"""QR images and printable sheets: scannable, vector, with the font embedded, written whole."""

from __future__ import annotations

import io
import random
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from cards_support import SITE_NAME, MakeResident
from PIL import Image
from reportlab import rl_config
from reportlab.lib.colors import white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from sqlalchemy import select

from safezone.cards import sheets
from safezone.cards.codes import CardCodeError, generate_code, grouped
from safezone.cards.printing import issue_and_print, residents_for_cards
from safezone.cards.render import qr_matrix, qr_png, qr_svg
from safezone.cards.service import identify
from safezone.cards.sheets import PrintableCard, write_card_sheets
from safezone.models import Card


def _codes(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [generate_code(rng) for _ in range(count)]


def _cards(count: int, **overrides: str) -> list[PrintableCard]:
    fields = {"nickname": "小明", "address_label": "1号地块5栋2单元", "site_name": SITE_NAME}
    fields.update(overrides)
    return [PrintableCard(code=code, **fields) for code in _codes(count)]


def _decode_pdf(pdf: bytes | Path, dpi: int = 150) -> list[list[str]]:
    """Every QR text on every page, page by page."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append([barcode.text for barcode in found])
        return pages
    finally:
        document.close()


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


# ---- single QR images ---------------------------------------------------------------------


def test_qr_png_scans_back_to_the_code() -> None:
    code = _codes(1)[0]
    image = Image.open(io.BytesIO(qr_png(code, box=6)))
    assert image.format == "PNG"
    assert image.size == (29 * 6, 29 * 6)  # 21 modules + 4 quiet modules on each side
    (barcode,) = zxingcpp.read_barcodes(image)
    assert barcode.text == code
    assert barcode.ec_level == "M"


def test_qr_is_version_1_so_alphanumeric_mode() -> None:
    # 16 characters fit a 21 × 21 symbol at level M only in alphanumeric mode (byte mode: 14).
    matrix = qr_matrix(grouped(_codes(1)[0]).lower())
    assert len(matrix) == 21 and all(len(row) == 21 for row in matrix)


def test_qr_svg_is_a_standalone_svg() -> None:
    svg = qr_svg(_codes(1)[0])
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_qr_refuses_invalid_codes_and_sizes() -> None:
    with pytest.raises(CardCodeError) as caught:
        qr_png("SZ-NOT-A-CODE")
    assert caught.value.reason in {"character", "length", "checksum"}
    with pytest.raises(CardCodeError):
        qr_svg("")
    with pytest.raises(ValueError, match="box must be 1..100"):
        qr_png(_codes(1)[0], box=0)


# ---- sheets -------------------------------------------------------------------------------


def test_sheet_cards_scan_and_identify(
    database, make_resident: MakeResident, now: datetime, tmp_path: Path
) -> None:
    out = tmp_path / "cards.pdf"
    with database.sessions() as session:
        for index in range(12):
            make_resident(
                session, nickname=f"居民{index:02d}", building=1 + index % 3, room=f"{index:04d}"
            )
        residents = residents_for_cards(session)
        calls: list[tuple[int, int]] = []
        pages = issue_and_print(
            session,
            residents,
            out,
            now=now,
            rng=random.Random(5),
            progress=lambda done, total: calls.append((done, total)),
        )
        session.commit()
        expected = {resident.id: resident.nickname for resident in residents}

    assert pages == 3  # the index page, then two sheets of cards
    assert calls == [(done, 12) for done in range(1, 13)]
    decoded = _decode_pdf(out)
    assert [len(page) for page in decoded] == [0, 10, 2]
    with database.sessions() as session:
        holders = {}
        for code in (code for page in decoded for code in page):
            check = identify(session, code)
            assert check.ok, (code, check.reason)
            holders[check.resident.id] = check.resident.nickname
        assert holders == expected

    text = _text(out.read_bytes())
    for nickname in expected.values():
        assert nickname in text
    assert "1号地块2栋2单元" in text and SITE_NAME in text
    assert "1号地块3栋" in text and "0005" in text  # the room, so a family's cards differ
    assert sheets.INSTRUCTION[:8] in text
    assert "卡片遗失请告知社区工作人员停用补办" in text  # no service phone configured


def test_sheet_is_vector_with_the_font_embedded() -> None:
    buffer = io.BytesIO()
    assert write_card_sheets(_cards(12), buffer, index=False) == 2
    pdf = buffer.getvalue()

    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf
    document = pdfium.PdfDocument(pdf)
    try:
        kinds = {obj.type for page in document for obj in page.get_objects(max_depth=5)}
    finally:
        document.close()
    assert pdfium_raw.FPDF_PAGEOBJ_IMAGE not in kinds
    assert pdfium_raw.FPDF_PAGEOBJ_PATH in kinds and pdfium_raw.FPDF_PAGEOBJ_TEXT in kinds
    # The CJK font travels inside the file (TrueType subset), Regular and Bold.
    assert b"/FontFile2" in pdf
    assert b"SafezoneSans" in pdf and b"SafezoneSans-Bold" in pdf
    # What every card shares is drawn once, as a vector form, and reused.
    assert pdf.count(b"/Subtype /Form") == 1
    assert len(pdf) < 120_000


def test_each_site_gets_its_own_card_design() -> None:
    cards = [*_cards(2), *_cards(2, site_name="龙凤社区示范点")]
    buffer = io.BytesIO()
    write_card_sheets(cards, buffer)
    pdf = buffer.getvalue()
    assert pdf.count(b"/Subtype /Form") == 2
    text = _text(pdf)
    assert SITE_NAME in text and "龙凤社区示范点" in text


def test_every_code_is_printed_in_groups_of_four() -> None:
    cards = _cards(3)
    buffer = io.BytesIO()
    write_card_sheets(cards, buffer)
    text = _text(buffer.getvalue())
    for card in cards:
        assert grouped(card.code) in text


def test_reportlab_settings_are_left_as_they_were(tmp_path: Path) -> None:
    before = rl_config.useA85
    write_card_sheets(_cards(1), io.BytesIO())
    assert rl_config.useA85 == before

    def fail(done: int, total: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        write_card_sheets(_cards(1), tmp_path / "x.pdf", progress=fail)
    assert rl_config.useA85 == before


def test_same_cards_give_the_same_bytes() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    write_card_sheets(_cards(3), first)
    write_card_sheets(_cards(3), second)
    assert first.getvalue() == second.getvalue()


def test_text_the_font_cannot_draw_and_long_names() -> None:
    buffer = io.BytesIO()
    long_name = "非常非常非常非常长的名字" * 3
    write_card_sheets(
        [
            PrintableCard(_codes(1)[0], "小明😀", "1号地块5栋2单元", SITE_NAME),
            PrintableCard(_codes(1, seed=2)[0], long_name, "1号地块5栋2单元", SITE_NAME),
        ],
        buffer,
    )
    text = _text(buffer.getvalue())
    assert "小明?" in text and "😀" not in text
    assert "…" in text and long_name not in text


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    bad = [*_cards(2), PrintableCard("SZ12", "小明", "1号地块5栋2单元", SITE_NAME)]
    with pytest.raises(CardCodeError):
        write_card_sheets(bad, out)
    with pytest.raises(ValueError, match="no cards to print"):
        write_card_sheets([], out)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_card_sheets(_cards(1), tmp_path / "missing" / "cards.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_drawing_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cards.pdf"
    out.write_bytes(b"previous sheet")

    def broken(done: int, total: int) -> None:
        if done == 5:
            raise RuntimeError("printer on fire")

    with pytest.raises(RuntimeError, match="printer on fire"):
        write_card_sheets(_cards(8), out, progress=broken)
    assert out.read_bytes() == b"previous sheet"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cards.pdf"]


def test_issue_and_print_needs_residents(database, now: datetime) -> None:
    with database.sessions() as session, pytest.raises(ValueError, match="no residents"):
        issue_and_print(session, [], io.BytesIO(), now=now)


def test_layout_fits_a4_and_cut_marks_stay_off_cards() -> None:
    page_width, page_height = A4
    boxes = []
    for slot in range(sheets.CARDS_PER_PAGE):
        x, y = sheets.card_origin(slot)
        boxes.append((x, y, x + sheets.CARD_WIDTH, y + sheets.CARD_HEIGHT))
        assert x >= 5 * mm and y >= 5 * mm
        assert x + sheets.CARD_WIDTH <= page_width - 5 * mm
        assert y + sheets.CARD_HEIGHT <= page_height - 5 * mm
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "cards overlap"

    class Recorder:
        """Stands in for a reportlab canvas and keeps the cut-mark lines."""

        def __init__(self) -> None:
            self.drawn: list[tuple[float, float, float, float]] = []

        def setStrokeColor(self, color: object) -> None:
            pass

        def setLineWidth(self, width: float) -> None:
            pass

        def lines(self, lines: list[tuple[float, float, float, float]]) -> None:
            self.drawn.extend(lines)

    recorder = Recorder()
    for x0, y0, _, _ in boxes:
        sheets._draw_cut_marks(recorder, x0, y0)  # type: ignore[arg-type]
    recorder_lines = recorder.drawn
    assert len(recorder_lines) == 8 * len(boxes)
    for x1, y1, x2, y2 in recorder_lines:
        midpoint = ((x1 + x2) / 2, (y1 + y2) / 2)
        for left, bottom, right, top in boxes:
            inside = left < midpoint[0] < right and bottom < midpoint[1] < top
            assert not inside, "a cut mark is drawn on a card"
        # Every mark lies on the extension of a card edge.
        edges_x = {b[0] for b in boxes} | {b[2] for b in boxes}
        edges_y = {b[1] for b in boxes} | {b[3] for b in boxes}
        assert (x1 == x2 and x1 in edges_x) or (y1 == y2 and y1 in edges_y)


def test_residents_for_cards_scope(database, make_resident: MakeResident, now: datetime) -> None:
    with database.sessions() as session:
        a = make_resident(session, nickname="甲", plot=2, building=1, room="0101")
        b = make_resident(session, nickname="乙", plot=1, building=5, room="0302")
        c = make_resident(session, nickname="丙", plot=1, building=5, room="0101")
        gone = make_resident(session, nickname="丁", plot=1, building=5, room="0102")
        gone.anonymised_at = now
        session.flush()
        assert residents_for_cards(session) == [c, b, a]
        issue_and_print(session, [b], io.BytesIO(), now=now, rng=random.Random(1))
        assert residents_for_cards(session) == [c, a]
        assert residents_for_cards(session, include_carded=True) == [c, b, a]
        assert residents_for_cards(session, include_carded=True, limit=2) == [c, b]
        assert residents_for_cards(session, building_id=a.household.building_id) == [a]
        with pytest.raises(ValueError, match="at least 1"):
            residents_for_cards(session, limit=0)
        assert len(session.scalars(select(Card)).all()) == 1


def test_wrapping_never_starts_a_line_with_punctuation() -> None:
    sheets.register_fonts()
    text = "一二三四五，六七八九十。"
    lines = sheets._wrap(text, "SafezoneSans", 10, 50)  # five characters per line
    assert lines == ("一二三四五，", "六七八九十。")
    assert "".join(sheets._wrap(sheets.INSTRUCTION, "SafezoneSans", 7.5, 46 * mm)) == (
        sheets.INSTRUCTION
    )


def _luminance(color: object) -> float:
    channels = []
    for value in (color.red, color.green, color.blue):  # type: ignore[attr-defined]
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_printed_colours_meet_the_7_to_1_contrast_rule() -> None:
    def contrast(a: object, b: object) -> float:
        high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    assert contrast(white, sheets._ACCENT) >= 7
    assert contrast(sheets._MUTED, white) >= 7
    assert contrast(sheets._INK, white) >= 7


def test_index_page_lists_holder_room_page_and_position_and_the_phone_is_printed() -> None:
    cards = [
        PrintableCard(code=code, nickname="小汤", address_label="3号地块7栋1单元", room=room,
                      site_name=SITE_NAME, full_name=f"汤{room}", service_phone="027-8888 6119")
        for code, room in zip(_codes(12), [f"{n}01" for n in range(1, 13)], strict=True)
    ]
    buffer = io.BytesIO()
    assert write_card_sheets(cards, buffer) == 3
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    index = pages[0]
    assert "发卡索引" in index and "汤101" in index and "3号地块7栋1单元1201" in index
    # The 11th card (汤1101) is the first on the second card sheet, i.e. page 3, position 1.
    assert "11 汤1101 小汤 3号地块7栋1单元1101 3 1\r\n" in index
    assert "3号地块7栋1单元101" in pages[1] and "3号地块7栋1单元201" in pages[1]  # two 小汤 differ
    assert "遗失或咨询请致电社区：027-8888 6119" in pages[1]
    assert "第 2 页" in pages[1] and "第 3 页" in pages[2]


def test_instructions_are_at_least_10_points() -> None:
    assert sheets.INSTRUCTION_SIZE >= 10
    buffer = io.BytesIO()
    write_card_sheets(_cards(1), buffer)
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        textpage = document[0].get_textpage()
        x, y = sheets.card_origin(0)
        sizes: dict[float, str] = {}
        # Every character inside the card, in page coordinates (the shared template included).
        for i in range(textpage.count_chars()):
            left, bottom, _right, _top = textpage.get_charbox(i)
            char = textpage.get_text_range(i, 1)
            inside = x <= left <= x + sheets.CARD_WIDTH and y <= bottom <= y + sheets.CARD_HEIGHT
            if inside and char.strip():  # (generated line breaks have no real size)
                size = round(pdfium_raw.FPDFText_GetFontSize(textpage.raw, i), 1)
                sizes[size] = sizes.get(size, "") + char
    finally:
        document.close()
    assert sheets.INSTRUCTION[:6] in sizes[sheets.INSTRUCTION_SIZE]
    # Besides the 7 pt code under the QR, no text on a card is smaller than 10 pt.
    assert min(s for s in sizes if s != 7.0) >= 10, sizes
