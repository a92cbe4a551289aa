"""QR images of card codes: PNG for screens, SVG for the web, the module matrix for PDFs.

Every QR is error-correction level M (15 % of the symbol may be damaged) in alphanumeric mode: a
16-character code fits version 1 (21 × 21 modules), the smallest and easiest symbol to scan.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_ALPHA_NUM, QRData

from safezone.cards.codes import check_format
from safezone.cards.qr_mask import make_with_best_mask

#: Light modules a scanner needs around the symbol (the QR standard's "quiet zone").
QUIET_ZONE = 4


def _qr(code: str, *, box: int = 10, border: int = QUIET_ZONE) -> qrcode.QRCode:
    """Build the QR symbol of a valid ``code``; raises CardCodeError for anything else."""
    normalised = check_format(code)
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box, border=border)
    symbol.add_data(QRData(normalised.encode("ascii"), mode=MODE_ALPHA_NUM))
    symbol.best_fit()
    # What symbol.make() would build, in a third of the time (see qr_mask).
    make_with_best_mask(symbol)
    return symbol


def qr_matrix(code: str) -> list[list[bool]]:
    """Return the dark (True) / light modules of ``code``'s QR, without the quiet zone.

    Raises :class:`safezone.cards.codes.CardCodeError` when ``code`` is not a valid card code:
    printing a card nobody can use helps no one.
    """
    return [list(row) for row in _qr(code, border=0).get_matrix()]


def qr_png(code: str, box: int = 10) -> bytes:
    """Return a black-on-white PNG of ``code``'s QR, ``box`` pixels per module, with quiet zone.

    Raises CardCodeError for an invalid code and ValueError when ``box`` is not 1..100.
    """
    if not 1 <= box <= 100:
        raise ValueError(f"box must be 1..100 pixels per module, got {box}")
    image = _qr(code, box=box).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(code: str) -> str:
    """Return ``code``'s QR as a standalone SVG document (one path, scalable, with quiet zone).

    Raises CardCodeError for an invalid code.
    """
    image = _qr(code).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
