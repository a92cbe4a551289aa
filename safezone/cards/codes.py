"""Card codes: random, unguessable, easy to type, self-checking (DESIGN.md decision 4).

A code looks like ``SZ7K 3QXP M9RT 2HCV`` on the card (16 characters, printed in groups of 4):

* ``SZ`` — a fixed prefix, so a scanner can tell our cards from any other QR code at once;
* 13 random characters — 13 × log2(31) ≈ 64.4 bits, drawn from the injected ``rng``;
* 1 check character.

The alphabet has no 0/O and no 1/I/L, so nothing printed can be read two ways, and it is a subset
of the QR alphanumeric set, so the QR stays small (version 1) and robust.

Check character: the alphabet has 31 symbols and 31 is prime. Every character ``v_i`` (prefix and
check character included) gets the weight ``i`` (1..16); a code is valid when
``sum(i * v_i) ≡ 0 (mod 31)``. Changing one character by ``d ≠ 0`` changes the sum by ``i·d``,
never a multiple of 31 because both factors are non-zero modulo a prime; swapping neighbours
``a, b`` changes it by ``(a - b)·(i - (i+1)) = b - a ≠ 0``. So every single substitution and every
adjacent transposition is caught (both are also checked exhaustively in the tests).
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
import unicodedata

#: The symbols of a code: digits 2-9 and upper-case letters without I, L and O.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: Fixed start of every code; part of the checksum like any other character.
PREFIX = "SZ"
#: Number of random characters.
RANDOM_LENGTH = 13
#: Full length of a normalised code: prefix + random part + check character.
CODE_LENGTH = len(PREFIX) + RANDOM_LENGTH + 1
#: Bits of randomness in a code (the prefix and the check character add none).
ENTROPY_BITS = RANDOM_LENGTH * math.log2(len(ALPHABET))

_MODULUS = len(ALPHABET)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Separators people type or that printers/IMEs produce between groups; dropped by normalise().
_SEPARATORS = frozenset("-_.·\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc")

#: Reasons :class:`CardCodeError` can carry, in the order they are checked.
FORMAT_REASONS = ("empty", "character", "length", "checksum")


class CardCodeError(ValueError):
    """A scanned or typed code is not a well-formed card code.

    ``reason`` is one of :data:`FORMAT_REASONS`; the message explains it in English for logs and
    the CLI (people see :meth:`safezone.cards.service.CardCheck.message` instead).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def normalise(raw: str) -> str:
    """Return ``raw`` as a code would be stored and hashed: upper case, no spaces or hyphens.

    Accepts what people type from a printed card: lower case, surrounding or inner white space,
    hyphens/dashes between groups, and full-width characters from a Chinese input method
    (NFKC turns ``ＳＺ７Ｋ`` into ``SZ7K``). It does not validate; see :func:`check_format`.
    """
    if not isinstance(raw, str):
        raise TypeError(f"card code must be a str, not {type(raw).__name__}")
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(char for char in text if not char.isspace() and char not in _SEPARATORS)


def _weighted_sum(code: str) -> int:
    """Sum of ``position × value`` over ``code`` (positions from 1), modulo 31."""
    return sum(position * _VALUE[char] for position, char in enumerate(code, start=1)) % _MODULUS


def check_character(body: str) -> str:
    """Return the character that makes ``body + char`` a valid code.

    ``body`` is the prefix plus the random part (upper case, alphabet characters only). The
    check character sits at position ``n = len(body) + 1`` and must satisfy
    ``sum + n·c ≡ 0 (mod 31)``, so ``c = -sum · n⁻¹ (mod 31)``.
    """
    if len(body) + 1 >= _MODULUS:
        raise ValueError("codes longer than 30 characters would repeat a weight modulo 31")
    unknown = sorted(set(body) - _VALUE.keys())
    if unknown:
        raise ValueError(f"characters outside the code alphabet: {''.join(unknown)}")
    position = len(body) + 1
    value = (-_weighted_sum(body) * pow(position, -1, _MODULUS)) % _MODULUS
    return ALPHABET[value]


def generate_code(rng: random.Random | None = None) -> str:
    """Return a new normalised code: prefix, 13 random characters from ``rng``, check character.

    ``rng`` defaults to :class:`secrets.SystemRandom` (the OS's CSPRNG); tests pass a seeded
    :class:`random.Random`. Production callers must never pass a seeded generator.
    """
    source = rng if rng is not None else secrets.SystemRandom()
    body = PREFIX + "".join(source.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def check_format(raw: str) -> str:
    """Return the normalised code, or raise :class:`CardCodeError` saying what is wrong.

    Checked in this order: ``empty`` (nothing left after normalising), ``character`` (a symbol
    outside the alphabet, or a code that does not start with ``SZ`` — another QR code, not one of
    our cards), ``length`` (truncated or too long), ``checksum`` (mistyped, damaged or altered).
    """
    code = normalise(raw)
    if not code:
        raise CardCodeError("empty", "no card code given")
    bad = sorted(set(code) - _VALUE.keys())
    if bad:
        shown = " ".join(repr(char) for char in bad[:5])
        raise CardCodeError(
            "character",
            f"not a safezone card code: contains {shown} (codes use 2-9 and A-Z without I, L, O)",
        )
    # A short piece of a real code ("S") is a length problem, anything else not ours at all.
    if not (code.startswith(PREFIX) or PREFIX.startswith(code)):
        raise CardCodeError(
            "character", f"not a safezone card code: it does not start with {PREFIX}"
        )
    if len(code) != CODE_LENGTH:
        raise CardCodeError(
            "length", f"card code has {len(code)} characters, expected {CODE_LENGTH}"
        )
    if _weighted_sum(code) != 0:
        raise CardCodeError(
            "checksum", "card code check character does not match (mistyped or damaged card)"
        )
    return code


def hash_code(code: str) -> str:
    """Return the SHA-256 hex digest of the normalised ``code`` — the only form ever stored.

    No server secret is mixed in, so a kiosk holding only hashes can check a card offline; the
    64 random bits are what makes guessing a code (or inverting a hash) impractical.
    """
    return hashlib.sha256(normalise(code).encode("utf-8")).hexdigest()


def grouped(code: str, size: int = 4) -> str:
    """Return the normalised ``code`` in space-separated groups of ``size`` (as printed on cards)."""
    plain = normalise(code)
    return " ".join(plain[start : start + size] for start in range(0, len(plain), size))
