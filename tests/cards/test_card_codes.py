"""Card codes: alphabet, randomness, the check character and what people type."""

from __future__ import annotations

import hashlib
import math
import random
import string

import pytest

from safezone.cards import codes
from safezone.cards.codes import (
    ALPHABET,
    CODE_LENGTH,
    PREFIX,
    CardCodeError,
    check_character,
    check_format,
    generate_code,
    grouped,
    hash_code,
    normalise,
)

QR_ALPHANUMERIC = string.digits + string.ascii_uppercase + " $%*+-./:"


def _reason(raw: str) -> str:
    with pytest.raises(CardCodeError) as caught:
        check_format(raw)
    assert str(caught.value)  # every refusal explains itself
    return caught.value.reason


@pytest.fixture
def sample_codes() -> list[str]:
    """300 codes from a seeded generator."""
    rng = random.Random(20261128)
    return [generate_code(rng) for _ in range(300)]


def test_alphabet_is_unambiguous_and_qr_alphanumeric() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert set(ALPHABET) <= set(QR_ALPHANUMERIC)
    assert not set(ALPHABET) & set("01OIL")
    assert ALPHABET == ALPHABET.upper()
    assert set(PREFIX) <= set(ALPHABET)
    # The check-character proof needs a prime modulus larger than every position weight.
    assert all(len(ALPHABET) % d for d in range(2, len(ALPHABET)))
    assert CODE_LENGTH < len(ALPHABET)


def test_entropy_is_at_least_60_bits() -> None:
    random_chars = CODE_LENGTH - len(PREFIX) - 1
    bits = random_chars * math.log2(len(ALPHABET))
    assert bits >= 60
    assert codes.ENTROPY_BITS == pytest.approx(bits)


def test_generated_codes_have_the_documented_shape(sample_codes: list[str]) -> None:
    for code in sample_codes:
        assert len(code) == CODE_LENGTH == 16
        assert code.startswith(PREFIX)
        assert set(code) <= set(ALPHABET)
        assert check_format(code) == code
    assert len(set(sample_codes)) == len(sample_codes)


def test_random_part_uses_every_symbol_and_the_given_rng(sample_codes: list[str]) -> None:
    used = {char for code in sample_codes for char in code[len(PREFIX) : -1]}
    assert used == set(ALPHABET)
    assert generate_code(random.Random(7)) == generate_code(random.Random(7))
    assert generate_code(random.Random(7)) != generate_code(random.Random(8))


def test_default_rng_is_the_system_csprng(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    real = codes.secrets.SystemRandom

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(codes.secrets, "SystemRandom", Recording)
    first, second = generate_code(), generate_code()
    assert len(made) == 2
    assert first != second
    assert check_format(first) == first


def test_every_single_substitution_is_caught(sample_codes: list[str]) -> None:
    for code in sample_codes:
        for position in range(CODE_LENGTH):
            for char in ALPHABET:
                if char == code[position]:
                    continue
                changed = code[:position] + char + code[position + 1 :]
                expected = "character" if position < len(PREFIX) else "checksum"
                assert _reason(changed) == expected, (code, position, char)


def test_every_adjacent_transposition_is_caught(sample_codes: list[str]) -> None:
    swaps = 0
    for code in sample_codes:
        for position in range(CODE_LENGTH - 1):
            left, right = code[position], code[position + 1]
            if left == right:
                continue
            swapped = code[:position] + right + left + code[position + 2 :]
            expected = "character" if position < len(PREFIX) else "checksum"
            assert _reason(swapped) == expected, (code, position)
            swaps += 1
    assert swaps > 4000


def test_check_sum_alone_catches_prefix_errors_too(sample_codes: list[str]) -> None:
    # The prefix test rejects foreign codes first; the weighted sum would catch them anyway.
    for code in sample_codes[:50]:
        for char in ALPHABET:
            if char != code[0]:
                body = char + code[1:-1]
                assert check_character(body) != code[-1]
        swapped_body = code[1] + code[0] + code[2:-1]
        assert check_character(swapped_body) != code[-1]


def test_check_character_rejects_what_it_cannot_protect() -> None:
    with pytest.raises(ValueError, match="outside the code alphabet: 0"):
        check_character("SZ0")
    with pytest.raises(ValueError, match="30 characters"):
        check_character("A" * 30)


@pytest.mark.parametrize(
    "typed",
    [
        "sz7k3qxpm9rt2hcv",
        "  SZ7K 3QXP M9RT 2HCV \n",
        "SZ7K-3QXP-M9RT-2HCV",
        "sz7k\t3qxp – m9rt—2hcv",
        "ＳＺ７Ｋ　３ＱＸＰ　Ｍ９ＲＴ　２ＨＣＶ",  # full-width, from a Chinese input method
    ],
)
def test_normalise_accepts_how_people_type_codes(typed: str) -> None:
    assert normalise(typed) == "SZ7K3QXPM9RT2HCV"


def test_normalise_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        normalise(b"SZ7K")  # type: ignore[arg-type]


def test_grouped_form_round_trips(sample_codes: list[str]) -> None:
    for code in sample_codes[:20]:
        printed = grouped(code)
        assert printed.split(" ") == [code[0:4], code[4:8], code[8:12], code[12:16]]
        assert check_format(printed.lower()) == code


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("  - \t", "empty"),
        ("https://example.com/x", "character"),
        ("SZ7K3QXPM9RT2HC0", "character"),  # 0 is not in the alphabet
        ("SZ7K3QXPM9RT2HCO", "character"),  # neither is O
        ("SZ7K3QXPM9RT2HCI", "character"),
        ("AB7K3QXPM9RT2HCV", "character"),  # right alphabet, not our prefix
        ("4711", "character"),
        ("S", "length"),
        ("SZ", "length"),
        ("SZ7K3QXPM9RT2HC", "length"),  # truncated
        ("SZ7K3QXPM9RT2HCVV", "length"),  # one too many
    ],
)
def test_check_format_reasons(raw: str, reason: str) -> None:
    assert _reason(raw) == reason


def test_check_format_names_the_reason_order(sample_codes: list[str]) -> None:
    assert codes.FORMAT_REASONS == ("empty", "character", "length", "checksum")
    code = sample_codes[0]
    wrong_check = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    assert _reason(wrong_check) == "checksum"


def test_hash_is_sha256_of_the_normalised_code(sample_codes: list[str]) -> None:
    code = sample_codes[0]
    expected = hashlib.sha256(code.encode()).hexdigest()
    assert hash_code(code) == expected
    assert hash_code(grouped(code).lower()) == expected
    assert len(expected) == 64 and code not in expected
    assert hash_code(sample_codes[1]) != expected
