"""Read compiled gettext catalogs (``.mo``) without Babel: what the front ends load at start-up.

The kiosk and the admin keep their strings in ``.po`` catalogs (msgid = message key) compiled
to ``.mo`` files that are committed beside them (``tools/i18n_import_table.py compile``; a test
fails when one is stale). Reading a ``.mo`` here costs well under a millisecond and imports
nothing, so the kiosk's cold start does not pay for Babel.
"""

from __future__ import annotations

import struct
from pathlib import Path

from safezone.languages import LANGUAGES, gettext_locale

_MAGIC_LE = 0x950412DE


class CatalogError(Exception):
    """A ``.mo`` file is missing or not a gettext catalog; the message names the file."""


def read_mo(path: Path) -> dict[str, str]:
    """msgid → translation of every message in the ``.mo`` at ``path`` (header left out).

    Plural entries keep their first (singular) form under the singular msgid.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc.strerror}") from None
    if len(data) < 20:
        raise CatalogError(f"{path}: not a gettext catalog (too short)")
    order = "<" if struct.unpack("<I", data[:4])[0] == _MAGIC_LE else ">"
    magic, _version, count, ids_at, strs_at = struct.unpack(f"{order}5I", data[:20])
    if magic != _MAGIC_LE:
        raise CatalogError(f"{path}: not a gettext catalog (bad magic number)")
    messages: dict[str, str] = {}
    for index in range(count):
        id_len, id_off = struct.unpack_from(f"{order}2I", data, ids_at + 8 * index)
        str_len, str_off = struct.unpack_from(f"{order}2I", data, strs_at + 8 * index)
        msgid = data[id_off:id_off + id_len].decode("utf-8").split("\0")[0]
        if not msgid:
            continue  # the header
        messages[msgid] = data[str_off:str_off + str_len].decode("utf-8").split("\0")[0]
    return messages


def load_catalogs(folder: Path, domain: str) -> dict[str, dict[str, str]]:
    """key → {language tag: text} for every supported language's catalog of ``domain``."""
    table: dict[str, dict[str, str]] = {}
    for tag in LANGUAGES:
        mo = Path(folder) / gettext_locale(tag) / "LC_MESSAGES" / f"{domain}.mo"
        for key, text in read_mo(mo).items():
            table.setdefault(key, {})[tag] = text
    return table
