"""Choosing text sizes that fit: step several texts down together, and keep large text large.

A screen that shows real content (questions, explanations, game cards) measures its words
(:meth:`screen.text.TextRenderer.height_of`) before it draws them and takes the largest sizes
at which everything fits — never cutting words off. Normal text may shrink to the 36 px
minimum (DESIGN.md); large text never below what the same words get in normal text, so the
large-text toggle never makes anything smaller, and whatever fits in normal text also fits in
large text (at worst at the normal-text sizes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from screen.theme import MIN_TEXT

Sizes = tuple[int, ...]


def shrink_levels(starts: Sizes, floors: Sizes, step: int = 2) -> Iterator[Sizes]:
    """Sizes stepping down together, ``step`` px a level, each from its start to its floor."""
    level = 0
    while True:
        sizes = tuple(max(floor, start - step * level) for start, floor in zip(starts, floors, strict=True))
        yield sizes
        if all(size <= floor for size, floor in zip(sizes, floors, strict=True)):
            return
        level += 1


def largest_fit(starts: Sizes, floors: Sizes, fits: Callable[[Sizes], bool]) -> tuple[Sizes, bool]:
    """The first sizes of :func:`shrink_levels` that ``fits``; the floors and False when none do."""
    for sizes in shrink_levels(starts, floors):
        if fits(sizes):
            return sizes, True
    return tuple(min(start, floor) for start, floor in zip(starts, floors, strict=True)), False


def fit_text_sizes(large: bool, normal_starts: Sizes, large_starts: Sizes,
                   fits: Callable[[Sizes], bool]) -> tuple[Sizes, bool]:
    """Sizes for the current text size: normal text from ``normal_starts`` down to 36 px; large
    text from ``large_starts`` down to the sizes normal text ends up with."""
    normal, ok = largest_fit(normal_starts, (MIN_TEXT,) * len(normal_starts), fits)
    if not large:
        return normal, ok
    return largest_fit(large_starts, normal, fits)
