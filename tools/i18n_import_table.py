"""Carry a Python string table into the gettext catalogs, and compile the catalogs.

The admin and the kiosk keep their strings in ``.po`` catalogs (msgid = the message key, e.g.
``residents.plot_n``). Branches written before that kept them in Python tables; this tool merges
such a table into the catalogs without touching what translators already wrote::

    git show other-branch:admin/messages.py > /tmp/messages.py
    python tools/i18n_import_table.py admin /tmp/messages.py          # MESSAGES: key -> (zh, en)
    python tools/i18n_import_table.py kiosk /tmp/i18n.py --name STRINGS  # key -> {"zh-CN": .., "en": ..}
    python tools/i18n_import_table.py compile                         # every catalog's .mo
    python tools/i18n_import_table.py check                           # exit 1 if a .mo is stale

The table is read with :func:`ast.literal_eval` (the file is never imported or run). New keys
are added to every language's catalog; a key that exists keeps its translation unless
``--overwrite`` is given. Each catalog's ``.mo`` is recompiled after a merge.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone, not installed
from safezone.languages import GETTEXT_LOCALES

ROOT = Path(__file__).resolve().parent.parent
#: Catalog name → (folder of locales, gettext domain).
CATALOGS: dict[str, tuple[Path, str]] = {
    "core": (ROOT / "safezone" / "locale", "safezone"),  # SafezoneError messages
    "admin": (ROOT / "admin" / "translations", "messages"),
    "kiosk": (ROOT / "kiosk" / "locale", "kiosk"),
}
#: Our language tags → gettext locale folder names (the order of a (zh, en) tuple).
LOCALES: dict[str, str] = dict(GETTEXT_LOCALES)


def po_path(catalog: str, locale: str) -> Path:
    """Where ``catalog``'s ``.po`` for the gettext ``locale`` lives."""
    folder, domain = CATALOGS[catalog]
    return folder / locale / "LC_MESSAGES" / f"{domain}.po"


def read_table(path: Path, name: str) -> dict[str, dict[str, str]]:
    """The dict assigned to ``name`` in ``path``, as key → {language tag: text}.

    Accepts key → (zh, en) tuples (admin/messages.py) and key → {"zh-CN": .., "en": ..} dicts
    (kiosk/i18n.py).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            raw = ast.literal_eval(node.value)  # type: ignore[union-attr]
            break
    else:
        raise SystemExit(f"{path}: no assignment to {name}")
    table: dict[str, dict[str, str]] = {}
    for key, value in raw.items():
        if isinstance(value, tuple | list):
            table[key] = dict(zip(LOCALES, value, strict=True))
        elif isinstance(value, dict):
            table[key] = {tag: value[tag] for tag in LOCALES if tag in value}
        else:
            raise SystemExit(f"{path}: {key!r} is neither a (zh, en) pair nor a language dict")
    return table


def _load(path: Path, locale: str, domain: str) -> Catalog:
    if path.is_file():
        with path.open("rb") as handle:
            return read_po(handle, locale=locale, domain=domain)
    return Catalog(locale=locale, domain=domain, project="safezone", charset="utf-8")


def _write_po(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True)
    path.write_bytes(buffer.getvalue())


def compiled(path: Path, locale: str, domain: str) -> bytes:
    """The ``.mo`` bytes the ``.po`` at ``path`` compiles to (deterministic: sorted ids)."""
    buffer = io.BytesIO()
    write_mo(buffer, _load(path, locale, domain), use_fuzzy=False)
    return buffer.getvalue()


def merge(catalog: str, table: dict[str, dict[str, str]], *, overwrite: bool = False) -> dict[str, int]:
    """Add ``table``'s keys to every locale of ``catalog``; returns added count per locale."""
    _, domain = CATALOGS[catalog]
    added: dict[str, int] = {}
    for tag, locale in LOCALES.items():
        path = po_path(catalog, locale)
        po = _load(path, locale, domain)
        count = 0
        for key, texts in table.items():
            text = texts.get(tag)
            if not text:
                continue
            existing = po.get(key)
            if existing is None:
                po.add(key, text)
                count += 1
            elif overwrite and existing.string != text:
                existing.string = text
                count += 1
        _write_po(po, path)
        added[locale] = count
    return added


def stale_catalogs() -> list[Path]:
    """Every ``.mo`` that is missing or differs from what its ``.po`` compiles to."""
    stale = []
    for catalog, (_, domain) in CATALOGS.items():
        for locale in LOCALES.values():
            po = po_path(catalog, locale)
            mo = po.with_suffix(".mo")
            if po.is_file() and (not mo.is_file() or mo.read_bytes() != compiled(po, locale, domain)):
                stale.append(mo)
    return stale


def compile_all() -> list[Path]:
    """Write every catalog's ``.mo`` that is stale; returns what was written."""
    written = []
    for mo in stale_catalogs():
        locale, domain = mo.parent.parent.name, mo.stem
        mo.write_bytes(compiled(mo.with_suffix(".po"), locale, domain))
        written.append(mo)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=[*CATALOGS, "compile", "check"],
                        help="a catalog to merge a table into, or compile / check every catalog")
    parser.add_argument("table", nargs="?", type=Path, help="Python file holding the table")
    parser.add_argument("--name", default=None,
                        help="name of the dict in that file (default: MESSAGES for admin, STRINGS for kiosk)")
    parser.add_argument("--overwrite", action="store_true",
                        help="also replace translations of keys the catalog already has")
    args = parser.parse_args(argv)
    if args.action == "check":
        stale = stale_catalogs()
        for mo in stale:
            print(f"{mo.relative_to(ROOT)}: out of date; run 'python tools/i18n_import_table.py compile'")
        return 1 if stale else 0
    if args.action == "compile":
        for mo in compile_all():
            print(f"compiled {mo.relative_to(ROOT)}")
        return 0
    if args.table is None:
        parser.error("give the Python file holding the table")
    name = args.name or ("STRINGS" if args.action == "kiosk" else "MESSAGES")
    added = merge(args.action, read_table(args.table, name), overwrite=args.overwrite)
    compile_all()
    for locale, count in added.items():
        print(f"{args.action} {locale}: {count} entries added or changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
