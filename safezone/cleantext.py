"""One rule for text coming from outside (web forms, query strings, JSON, sync pushes, imports):
no NUL or other control characters (PostgreSQL cannot store NUL; terminals and logs misread the
rest), and no invisible bidi overrides or zero-width characters (they make a name look like
another, or reverse what follows it on screen and in exports).

:func:`clean` strips them (the admin does this at its boundary, for every form field and query
parameter); :func:`problem` says what is wrong so an API can refuse the value instead.
"""

from __future__ import annotations

import re

#: C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: Bidi embeddings, overrides and isolates; zero-width and invisible formatting characters.
_INVISIBLE = ("\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
              "\u206a-\u206f\ufeff\ufff9-\ufffb")
_BAD = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")


def clean(value: str) -> str:
    """``value`` without control, bidi-override and zero-width characters."""
    return _BAD.sub("", value) if _BAD.search(value) else value


def problem(value: str) -> str | None:
    """None when ``value`` is clean, else a sentence naming the first offending character."""
    found = _BAD.search(value)
    if found is None:
        return None
    return (f"contains the invisible or control character U+{ord(found.group()):04X} "
            f"at position {found.start()}")


def require_clean(value: str) -> str:
    """``value`` unchanged, or ValueError naming the offending character (for validators)."""
    reason = problem(value)
    if reason is not None:
        raise ValueError(reason)
    return value
