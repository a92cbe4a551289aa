"""Printable A4 sheets of cards as a vector PDF: 10 credit-card-sized cards per page, cut marks.

Everything is drawn as vectors: the QR modules are filled rectangles (horizontal runs merged into
one rectangle, all of a symbol in one path), text uses the bundled CJK font embedded as a subset.
A sheet prints sharp on any printer and stays small: ~150 pages for the whole compound.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from safezone.cards.codes import check_format, grouped
from safezone.cards.render import QUIET_ZONE, qr_matrix
from safezone.fonts import covered_codepoints, font_path

#: Card size: ISO/IEC 7810 ID-1, the size of a bank card, fits every wallet and card holder.
CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
COLUMNS = 2
ROWS = 5
CARDS_PER_PAGE = COLUMNS * ROWS
# Gutters between cards: every card is cut on its own, so a slightly off cut never eats into a
# neighbour; the cut marks sit in the gutters and margins, never on a card.
COLUMN_GAP = 6 * mm
ROW_GAP = 3 * mm
CUT_MARK_OFFSET = 0.5 * mm
CUT_MARK_LENGTH = 2.5 * mm

#: Side of one QR module: 21 modules make a 23 mm symbol, large enough for worn cards and cheap
#: scanners, small enough to leave room for the text.
MODULE = 1.1 * mm
#: Sentence printed on every card: where to use it and what for.
INSTRUCTION = "请到架空层安全体验区的互动终端扫码，参加安全知识挑战、赢取积分。"
#: Printed at the bottom of every card: what to do when it is lost (and whom to call, when the
#: community's service phone is set: :data:`PHONE_NOTICE`).
LOST_NOTICE = "卡片遗失请告知社区工作人员停用补办"
PHONE_NOTICE = "遗失或咨询请致电社区：{phone}"
#: Size of the instructions and the notice: readable without glasses for most elders.
INSTRUCTION_SIZE = 10
#: Rows of the index page(s) that come first in every print job.
INDEX_ROWS_PER_PAGE = 38
CARD_TITLE = "安全体验卡"

# Punctuation that must not begin a line (Chinese line-breaking rule).
_NO_LINE_START = frozenset("，。、；：！？）」』”’…,.;:!?)")

#: reportlab names of the bundled faces, usable by any PDF after :func:`register_fonts`.
FONT_REGULAR = "SafezoneSans"
FONT_BOLD = "SafezoneSans-Bold"
_REGULAR = FONT_REGULAR
_BOLD = FONT_BOLD
_CODE_FONT = "Courier-Bold"
_ACCENT = HexColor("#9B1C16")  # deep safety red; white text on it has a contrast of 8:1
_INK = HexColor("#1A1A1A")
_MUTED = HexColor("#555555")
_CUT = Color(0, 0, 0)

#: Callback told how many cards of how many are drawn so far.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PrintableCard:
    """What one printed card shows: its code (as QR and in small text) and who it belongs to."""

    #: The card code (any accepted spelling; it is normalised and checked before printing).
    code: str
    #: Resident's nickname, printed large (never the full name).
    nickname: str
    #: Where the holder lives, without the door number, e.g. ``1号地块5栋2单元``.
    address_label: str
    #: Community name, e.g. ``锦秀城三期``.
    site_name: str
    #: Door number, printed after the address so two cards of one family read differently.
    room: str = ""
    #: Full name for the index page (staff hand the cards out by it); never on the card.
    full_name: str | None = None
    #: The community's service phone (settings ``service_phone``); empty: not printed.
    service_phone: str = ""


@functools.cache
def register_fonts() -> None:
    """Register the bundled Regular and Bold faces with reportlab, once per process."""
    pdfmetrics.registerFont(TTFont(_REGULAR, str(font_path())))
    pdfmetrics.registerFont(TTFont(_BOLD, str(font_path(bold=True))))


def _printable(text: str, covered: frozenset[int]) -> str:
    """``text`` on one line, with characters the font cannot draw shown as ``?`` (not as boxes).

    ``covered`` is the font's code point set, looked up once per sheet rather than per string.
    """
    flat = " ".join(text.split())
    return "".join(char if ord(char) in covered or char == " " else "?" for char in flat)


def _fit_size(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest font size <= ``size`` at which ``text`` fits ``width`` (not below ``smallest``)."""
    natural = pdfmetrics.stringWidth(text, font, size)
    if natural <= width:
        return size
    return max(smallest, size * width / natural)


def truncate_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` at ``size``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


@functools.lru_cache(maxsize=64)
def _wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Break ``text`` into lines no wider than ``width``; Chinese breaks between any characters.

    Closing punctuation never starts a line (it hangs past the edge instead), as in print.
    """
    lines: list[str] = []
    line = ""
    for char in text:
        too_wide = pdfmetrics.stringWidth(line + char, font, size) > width
        if line and too_wide and char not in _NO_LINE_START:
            lines.append(line)
            line = char.lstrip()
        else:
            line += char
    if line:
        lines.append(line)
    return tuple(lines)


def _qr_runs(matrix: Sequence[Sequence[bool]]) -> list[tuple[int, int, int]]:
    """Dark modules as ``(row, first column, length)`` runs; fewer rectangles, smaller PDF."""
    runs: list[tuple[int, int, int]] = []
    for row, cells in enumerate(matrix):
        start = None
        for column, dark in enumerate(cells):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((row, start, column - start))
                start = None
        if start is not None:
            runs.append((row, start, len(cells) - start))
    return runs


def _draw_qr(canvas: Canvas, matrix: Sequence[Sequence[bool]], left: float, top: float) -> None:
    """Fill the dark modules of ``matrix`` with its top-left corner at (``left``, ``top``)."""
    canvas.saveState()
    canvas.setFillColor(_INK)
    # Work in module units with y pointing down, so every rectangle is a few small integers:
    # a short content stream, and no float formatting for ~150 rectangles per card.
    canvas.translate(left, top)
    canvas.scale(MODULE, -MODULE)
    rectangles = " ".join(
        f"{column} {row} {length} 1 re" for row, column, length in _qr_runs(matrix)
    )
    # One filled path per symbol ("f" = fill, non-zero rule): no seams between touching rows.
    canvas.addLiteral(f"{rectangles} f")
    canvas.restoreState()


def _draw_cut_marks(canvas: Canvas, x: float, y: float) -> None:
    """Short hairlines outside each corner of the card at (``x``, ``y``), along its edges."""
    canvas.setStrokeColor(_CUT)
    canvas.setLineWidth(0.25)
    # Within a row gutter the marks of two cards meet half-way, so they never touch a card.
    vertical = min(CUT_MARK_LENGTH, ROW_GAP / 2 - CUT_MARK_OFFSET)
    horizontal = min(CUT_MARK_LENGTH, COLUMN_GAP / 2 - CUT_MARK_OFFSET)
    lines = []
    for corner_x, dx in ((x, -1), (x + CARD_WIDTH, 1)):
        for corner_y, dy in ((y, -1), (y + CARD_HEIGHT, 1)):
            start_x = corner_x + dx * CUT_MARK_OFFSET
            lines.append((start_x, corner_y, start_x + dx * horizontal, corner_y))
            start_y = corner_y + dy * CUT_MARK_OFFSET
            lines.append((corner_x, start_y, corner_x, start_y + dy * vertical))
    canvas.lines(lines)


# Card layout, in points from the card's bottom-left corner. The QR of a 16-character code is
# always version 1 (21 modules); check_format guarantees the length.
_QR_MODULES = 21
_BAND_HEIGHT = 7 * mm
_BAND_Y = CARD_HEIGHT - 3 * mm - _BAND_HEIGHT
_QR_LEFT = 2.5 * mm + QUIET_ZONE * MODULE
_QR_TOP = _BAND_Y - 1 * mm - QUIET_ZONE * MODULE
_TEXT_X = 2.5 * mm + (_QR_MODULES + 2 * QUIET_ZONE) * MODULE + 0.5 * mm
_TEXT_WIDTH = CARD_WIDTH - 3 * mm - _TEXT_X


def _define_template(canvas: Canvas, name: str, site_name: str, phone: str,
                     covered: frozenset[int]) -> None:
    """Define form ``name``: everything one site's cards share, drawn once per PDF.

    Each card then references the form instead of repeating its drawing operations, which keeps
    the file small and the writing fast; a form is vector content like the rest (no image).
    """
    canvas.beginForm(name, 0, 0, CARD_WIDTH, CARD_HEIGHT)
    # Title band, inset from the cut line so a slightly off cut shows no white sliver.
    canvas.setFillColor(_ACCENT)
    canvas.roundRect(3 * mm, _BAND_Y, CARD_WIDTH - 6 * mm, _BAND_HEIGHT, 1.5 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    title_width = pdfmetrics.stringWidth(CARD_TITLE, _BOLD, 10)
    site = _printable(site_name, covered)
    site_room = CARD_WIDTH - 14 * mm - title_width - 3 * mm
    site_size = _fit_size(site, _BOLD, 10, site_room, 6)
    canvas.setFont(_BOLD, site_size)
    canvas.drawString(5 * mm, _BAND_Y + 2.2 * mm, truncate_text(site, _BOLD, site_size, site_room))
    canvas.setFont(_BOLD, 10)
    canvas.drawRightString(CARD_WIDTH - 5 * mm, _BAND_Y + 2.2 * mm, CARD_TITLE)

    canvas.setStrokeColor(_MUTED)
    canvas.setLineWidth(0.4)
    divider_y = _BAND_Y - 16 * mm
    canvas.line(_TEXT_X, divider_y, _TEXT_X + _TEXT_WIDTH, divider_y)

    canvas.setFillColor(_INK)
    canvas.setFont(_REGULAR, INSTRUCTION_SIZE)
    baseline = _BAND_Y - 20 * mm
    for line in _wrap(INSTRUCTION, _REGULAR, INSTRUCTION_SIZE, _TEXT_WIDTH)[:3]:
        canvas.drawString(_TEXT_X, baseline, line)
        baseline -= 4.1 * mm

    # Across the card's foot, under the QR's clear-text code: lost card / whom to call.
    notice = PHONE_NOTICE.format(phone=_printable(phone, covered)) if phone.strip() else LOST_NOTICE
    width = CARD_WIDTH - 6 * mm
    size = _fit_size(notice, _BOLD, INSTRUCTION_SIZE, width, 8)
    canvas.setFont(_BOLD, size)
    canvas.drawString(3 * mm, 3 * mm, truncate_text(notice, _BOLD, size, width))
    canvas.endForm()


def _draw_card(
    canvas: Canvas,
    card: PrintableCard,
    code: str,
    template: str,
    covered: frozenset[int],
) -> None:
    """Draw one card at the origin (the caller translates): template, QR, code and holder."""
    canvas.doForm(template)

    # QR symbol: its quiet zone (4 modules) lies inside the card and below the band.
    matrix = qr_matrix(code)
    _draw_qr(canvas, matrix, _QR_LEFT, _QR_TOP)
    qr_bottom = _QR_TOP - len(matrix) * MODULE
    qr_centre = _QR_LEFT + len(matrix) * MODULE / 2
    # The code in clear text, below the quiet zone, for staff to type if the QR is damaged.
    canvas.setFillColor(_INK)
    canvas.setFont(_CODE_FONT, 7)
    canvas.drawCentredString(qr_centre, qr_bottom - QUIET_ZONE * MODULE - 1 * mm, grouped(code))

    nickname = _printable(card.nickname, covered) or "—"
    nick_size = _fit_size(nickname, _BOLD, 18, _TEXT_WIDTH, 9)
    canvas.setFont(_BOLD, nick_size)
    canvas.drawString(_TEXT_X, _BAND_Y - 8 * mm, truncate_text(nickname, _BOLD, nick_size, _TEXT_WIDTH))

    address = _printable(card.address_label + card.room, covered)
    address_size = _fit_size(address, _REGULAR, 11, _TEXT_WIDTH, 7)
    canvas.setFont(_REGULAR, address_size)
    canvas.drawString(
        _TEXT_X, _BAND_Y - 13.5 * mm, truncate_text(address, _REGULAR, address_size, _TEXT_WIDTH)
    )


def index_pages(count: int) -> int:
    """Pages the index takes for ``count`` cards."""
    return -(-count // INDEX_ROWS_PER_PAGE)


def _draw_index(canvas: Canvas, cards: Sequence[PrintableCard], covered: frozenset[int]) -> int:
    """The index pages in front of the cards: who is on which page and where (row by row), so
    staff hand each card to the right person. Returns the number of index pages drawn."""
    first_card_page = index_pages(len(cards)) + 1
    left, top = 15 * mm, A4[1] - 15 * mm
    columns = (("序号", 0), ("姓名", 14 * mm), ("昵称", 50 * mm), ("住址", 86 * mm),
               ("页码", 150 * mm), ("位置", 166 * mm))
    pages = index_pages(len(cards))
    for page in range(pages):
        canvas.setFillColor(_INK)
        canvas.setFont(_BOLD, 15)
        canvas.drawString(left, top, "安全体验卡 发卡索引")
        canvas.setFont(_REGULAR, 10)
        canvas.setFillColor(_MUTED)
        canvas.drawString(left, top - 6 * mm, f"共 {len(cards)} 张卡，第 {first_card_page} 页起为卡片；"
                                              "位置按从左到右、从上到下数（1–10）。")
        y = top - 15 * mm
        canvas.setFillColor(_INK)
        canvas.setFont(_BOLD, 10.5)
        for title, x in columns:
            canvas.drawString(left + x, y, title)
        canvas.setStrokeColor(_MUTED)
        canvas.setLineWidth(0.4)
        canvas.line(left, y - 2 * mm, A4[0] - left, y - 2 * mm)
        canvas.setFont(_REGULAR, 10.5)
        start = page * INDEX_ROWS_PER_PAGE
        for n, card in enumerate(cards[start:start + INDEX_ROWS_PER_PAGE], start=start):
            y -= 6.5 * mm
            values = (str(n + 1), card.full_name or "—", card.nickname,
                      card.address_label + card.room,
                      str(first_card_page + n // CARDS_PER_PAGE), str(n % CARDS_PER_PAGE + 1))
            widths = (13, 35, 35, 63, 15, 15)
            for (_title, x), value, w in zip(columns, values, widths, strict=True):
                text = _printable(value, covered)
                canvas.drawString(left + x, y, truncate_text(text, _REGULAR, 10.5, (w - 1) * mm))
        canvas.setFont(_REGULAR, 9)
        canvas.setFillColor(_MUTED)
        canvas.drawRightString(A4[0] - left, 10 * mm, f"索引 第 {page + 1} 页 / 共 {pages} 页")
        canvas.showPage()
    return pages


def card_origin(index: int) -> tuple[float, float]:
    """Bottom-left corner (points) of the ``index``-th card on its page (0..9, row by row)."""
    page_width, page_height = A4
    column, row = index % COLUMNS, index // COLUMNS
    left = (page_width - COLUMNS * CARD_WIDTH - (COLUMNS - 1) * COLUMN_GAP) / 2
    top = (page_height + ROWS * CARD_HEIGHT + (ROWS - 1) * ROW_GAP) / 2
    x = left + column * (CARD_WIDTH + COLUMN_GAP)
    y = top - (row + 1) * CARD_HEIGHT - row * ROW_GAP
    return x, y


def write_card_sheets(
    cards: Sequence[PrintableCard],
    out: BinaryIO | Path,
    progress: Progress | None = None,
    *,
    index: bool = True,
) -> int:
    """Write ``cards`` as A4 sheets (10 per page) to ``out`` and return the number of pages,
    index pages included: with ``index`` (the default) the PDF starts with an index of every
    card's holder, room, page and position (:func:`index_pages` pages).

    ``out`` is a binary file object or a path; a path is written to a temporary file beside it
    and renamed when complete, so a failure never leaves a half-written PDF. ``progress`` is
    called with ``(cards drawn, total)``. Raises ValueError for an empty list,
    :class:`safezone.cards.codes.CardCodeError` for an invalid code and FileNotFoundError for a
    missing folder — all before anything is written.
    """
    if not cards:
        raise ValueError("no cards to print")
    codes = [check_format(card.code) for card in cards]
    target = Path(out) if isinstance(out, (str, os.PathLike)) else None
    if target is not None and not target.parent.is_dir():
        raise FileNotFoundError(f"folder {target.parent} does not exist")
    register_fonts()

    if target is None:
        return _render(cards, codes, out, progress, index)  # type: ignore[arg-type]
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        pages = _render(cards, codes, str(partial), progress, index)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _render(
    cards: Sequence[PrintableCard],
    codes: Sequence[str],
    destination: BinaryIO | str,
    progress: Progress | None,
    index: bool = True,
) -> int:
    """Draw every card and save the PDF to ``destination``; return the page count."""
    # Binary Flate streams without reportlab's default ASCII85 wrapping: ~20 % smaller and no
    # slow pure-Python encoding step. The switch is global in reportlab, so it is restored.
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        return _draw_document(cards, codes, destination, progress, index)
    finally:
        rl_config.useA85 = previous


def _draw_document(
    cards: Sequence[PrintableCard],
    codes: Sequence[str],
    destination: BinaryIO | str,
    progress: Progress | None,
    index: bool = True,
) -> int:
    """Lay out the pages (index first) and save them."""
    # invariant=1: no timestamps or random ids, so the same cards give the same bytes.
    canvas = Canvas(destination, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle("安全体验卡 / safety cards")
    canvas.setCreator("safezone")
    covered = frozenset(covered_codepoints(font_path()))
    templates: dict[tuple[str, str], str] = {}
    for card in cards:
        key = (card.site_name, card.service_phone)
        if key not in templates:
            templates[key] = f"SafezoneCard{len(templates)}"
            _define_template(canvas, templates[key], card.site_name, card.service_phone, covered)
    total = len(cards)
    # One card (a re-issue at the desk) needs no index.
    pages = _draw_index(canvas, cards, covered) if index and len(cards) > 1 else 0
    for number, (card, code) in enumerate(zip(cards, codes, strict=True)):
        slot = number % CARDS_PER_PAGE
        if slot == 0 and number:
            canvas.showPage()
        if slot == 0:
            pages += 1
            # The page number the index refers to, in the bottom margin (never on a card).
            canvas.setFont(_REGULAR, 8)
            canvas.setFillColor(_MUTED)
            canvas.drawRightString(A4[0] - 12 * mm, 2.5 * mm, f"第 {pages} 页")
        x, y = card_origin(slot)
        _draw_cut_marks(canvas, x, y)
        canvas.saveState()
        canvas.translate(x, y)
        _draw_card(canvas, card, code, templates[(card.site_name, card.service_phone)], covered)
        canvas.restoreState()
        if progress is not None:
            progress(number + 1, total)
    canvas.showPage()
    canvas.save()
    return pages
