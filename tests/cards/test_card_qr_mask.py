"""The fast mask choice builds exactly the symbols the qrcode package builds by itself."""

from __future__ import annotations

import random

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_ALPHA_NUM, QRData, lost_point

from safezone.cards import qr_mask
from safezone.cards.codes import generate_code
from safezone.cards.render import qr_matrix


def _reference(data: str, version: int | None = None) -> qrcode.QRCode:
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, version=version)
    symbol.add_data(QRData(data.encode(), mode=MODE_ALPHA_NUM))
    symbol.best_fit(start=version)
    return symbol


@pytest.fixture(scope="module")
def sample() -> list[str]:
    rng = random.Random(42)
    return [generate_code(rng) for _ in range(150)]


def test_penalty_equals_qrcode_for_every_mask(sample: list[str]) -> None:
    for code in sample:
        symbol = _reference(code)
        for mask in qr_mask.MASKS:
            symbol.makeImpl(True, mask)
            rows = qr_mask._rows(symbol.modules)
            assert qr_mask.penalty(rows, symbol.modules_count) == lost_point(symbol.modules)


def test_choice_and_symbol_equal_qrcode(sample: list[str]) -> None:
    chosen = set()
    for code in sample:
        expected = _reference(code)
        expected.make(fit=False)
        assert qr_matrix(code) == expected.get_matrix()
        mask = qr_mask.best_mask(_reference(code))
        assert mask == _reference(code).best_mask_pattern()
        chosen.add(mask)
    assert len(chosen) >= 4  # the sample really exercises different masks


@pytest.mark.parametrize("version", [2, 7])
def test_larger_versions_match_too(version: int) -> None:
    # Cards only need version 1; the module stays correct for any symbol it is given.
    data = "SAFEZONE" * (4 if version == 2 else 12)
    fast = _reference(data, version)
    qr_mask.make_with_best_mask(fast)
    slow = _reference(data, version)
    slow.make(fit=False)
    assert fast.version == slow.version == version
    assert fast.get_matrix() == slow.get_matrix()
