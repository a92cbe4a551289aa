"""The top bar's title: the community's name and the zone's — or, in event mode, the roadshow's,
which staff type in and may make long — laid out to end before the text-size and language
toggles, and before the sync pill while it shows (kiosk/sync_status.py).

Words get room before they get smaller: the title stays on one line while it fits; else it
takes two (the community's name above the zone or roadshow when that fits on a line of its own,
else the whole title wrapped); only then does it step down, 2 px a step, to 36 px at the least
(large text: to the size normal text gets). Measured with the real font, nothing rendered, and
remembered per title, room and text size: a scene redraws its top bar on every change, and
measuring is a few hundred ``Font.size`` calls at worst.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from screen.fitting import fit_text_sizes
from screen.text import TextRenderer
from screen.theme import LARGE_TYPE, NORMAL_TYPE

#: Between the community's name and the zone or roadshow on one line.
SEPARATOR = " · "
#: Layouts remembered per renderer (titles × rooms × text sizes: a handful in a day).
_REMEMBERED = 32
_fits: WeakKeyDictionary[TextRenderer, dict[tuple, TitleFit]] = WeakKeyDictionary()


@dataclass(frozen=True)
class TitleFit:
    """The title as drawn: its words (with a line break, or wrapped at ``width``), its size."""

    text: str
    size: int
    width: int
    #: True when the roadshow's title had to lose its tail (an ellipsis ends it).
    cut: bool = False


def fit_title(text: TextRenderer, site: str, part: str, width: int, height: int, large: bool) -> TitleFit:
    """The top bar's title — ``site`` and ``part`` (the zone or the roadshow) — within
    ``width`` × ``height``, as large as it fits (see the module's description)."""
    key = (site, part, width, height, large)
    remembered = _fits.setdefault(text, {})
    fit = remembered.get(key)
    if fit is None:
        if len(remembered) >= _REMEMBERED:
            remembered.clear()
        fit = remembered[key] = _fit(text, site, part, width, height, large)
    return fit


def _fit(text: TextRenderer, site: str, part: str, width: int, height: int, large: bool) -> TitleFit:
    joined = f"{site}{SEPARATOR}{part}"
    stacked = f"{site}\n{part}"

    def arrangement(size: int) -> str | None:
        font = text.font(size, True)
        if font.size(joined)[0] <= width:
            return joined
        if text.line_height(size, True) + font.get_height() > height:
            return None  # two lines at this size are already too tall
        if max(font.size(site)[0], font.size(part)[0]) <= width:
            return stacked
        if len(text.wrap(joined, size, width, True)) <= 2:
            return joined
        return None

    (size,), ok = fit_text_sizes(large, (NORMAL_TYPE.body,), (LARGE_TYPE.body,),
                                 lambda sizes: arrangement(sizes[0]) is not None)
    words = arrangement(size) if ok else None
    if words is not None:
        return TitleFit(words, size, width)
    # The last resort, for a roadshow title longer than two lines of the top bar can hold at
    # 36 px (staff may type anything; the sync pill takes room while offline): its tail gives
    # way to an ellipsis, so the bar still names the community and starts the roadshow's name
    # rather than running under the toggles. The community's name is never cut.
    keep = _longest_prefix(text, site, part, size, width, height)
    return TitleFit(f"{site}{SEPARATOR}{part[:keep].rstrip()}…", size, width, cut=True)


def _longest_prefix(text: TextRenderer, site: str, part: str, size: int, width: int, height: int) -> int:
    """How many characters of ``part`` fit with the name and an ellipsis in two lines."""

    def fits(count: int) -> bool:
        words = f"{site}{SEPARATOR}{part[:count].rstrip()}…"
        return len(text.wrap(words, size, width, True)) <= 2 and text.height_of(words, size, width, True) <= height

    low, high = 0, len(part)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    # English (any Latin word) is cut between words: "charging e-bikes…", not "charging e-bi…".
    if 0 < low < len(part) and _latin(part[low - 1]) and _latin(part[low]):
        space = part.rfind(" ", 0, low)
        if space > 0:
            low = space
    return low


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()
