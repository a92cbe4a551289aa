"""Gettext catalogs: every key translated in every language, placeholders alike, .mo up to date,
and the table importer the lead uses to carry other branches' keys over."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from safezone.catalogs import CatalogError, read_mo
from safezone.languages import LANGUAGES, gettext_locale

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "i18n_import_table.py"
_spec = importlib.util.spec_from_file_location("i18n_import_table", TOOL)
assert _spec and _spec.loader
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

_FIELD = re.compile(r"{(\w+)")


def _po(catalog: str, tag: str):
    path = tool.po_path(catalog, gettext_locale(tag))
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("catalog", sorted(tool.CATALOGS))
def test_every_key_is_translated_in_every_language(catalog: str) -> None:
    ids = {}
    for tag in LANGUAGES:
        po = _po(catalog, tag)
        untranslated = [m.id for m in po if m.id and (not m.string or m.fuzzy)]
        assert not untranslated, f"{catalog} {tag}: untranslated or fuzzy: {untranslated}"
        ids[tag] = {m.id: m.string for m in po if m.id}
    reference = ids[LANGUAGES[0]]
    for tag in LANGUAGES[1:]:
        assert set(ids[tag]) == set(reference), (
            f"{catalog} {tag}: missing {sorted(set(reference) - set(ids[tag]))}, "
            f"extra {sorted(set(ids[tag]) - set(reference))}")
        for key, text in reference.items():
            if catalog == "kiosk" and key.startswith("date."):
                continue  # a date pattern picks its own fields (month number or month name)
            assert sorted(_FIELD.findall(text)) == sorted(_FIELD.findall(ids[tag][key])), (catalog, tag, key)


def test_compiled_catalogs_are_up_to_date() -> None:
    stale = tool.stale_catalogs()
    assert not stale, f"run 'python tools/i18n_import_table.py compile': {stale}"


def test_compiled_catalog_reads_back_like_its_po() -> None:
    po = _po("admin", "en")
    mo = read_mo(tool.po_path("admin", "en").with_suffix(".mo"))
    assert mo == {m.id: m.string for m in po if m.id}


def test_a_broken_mo_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.mo"
    bad.write_bytes(b"not a catalog at all, really")
    with pytest.raises(CatalogError, match="x.mo: not a gettext catalog"):
        read_mo(bad)
    with pytest.raises(CatalogError, match="cannot read"):
        read_mo(tmp_path / "missing.mo")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tool pointed at a copy of the admin catalogs."""
    folder, domain = tool.CATALOGS["admin"]
    copy = tmp_path / "translations"
    for tag in LANGUAGES:
        po = tool.po_path("admin", gettext_locale(tag))
        target = copy / po.relative_to(folder)
        target.parent.mkdir(parents=True)
        target.write_bytes(po.read_bytes())
        target.with_suffix(".mo").write_bytes(po.with_suffix(".mo").read_bytes())
    monkeypatch.setitem(tool.CATALOGS, "admin", (copy, domain))
    return copy


def test_importer_adds_new_keys_and_keeps_existing_translations(scratch: Path, tmp_path: Path) -> None:
    table = tmp_path / "messages.py"
    table.write_text(
        'MESSAGES: dict[str, tuple[str, str]] = {\n'
        '    "actions": ("别的", "Something else"),\n'
        '    # branch: feature-x\n'
        '    "feature_x.title": ("新功能 {n}", "New feature {n}"),\n'
        '}\n', encoding="utf-8")
    assert tool.main(["admin", str(table)]) == 0
    zh = read_mo(tool.po_path("admin", "zh_Hans_CN").with_suffix(".mo"))
    en = read_mo(tool.po_path("admin", "en").with_suffix(".mo"))
    assert zh["feature_x.title"] == "新功能 {n}" and en["feature_x.title"] == "New feature {n}"
    assert en["actions"] == "Actions"  # a translator's text is not overwritten
    assert tool.main(["admin", str(table), "--overwrite"]) == 0
    assert read_mo(tool.po_path("admin", "en").with_suffix(".mo"))["actions"] == "Something else"
    assert tool.stale_catalogs() == []


def test_importer_reads_kiosk_style_tables_and_refuses_bad_ones(tmp_path: Path) -> None:
    table = tmp_path / "i18n.py"
    table.write_text('STRINGS = {"back": {"zh-CN": "返回", "en": "Back"}}\n', encoding="utf-8")
    assert tool.read_table(table, "STRINGS") == {"back": {"zh-CN": "返回", "en": "Back"}}
    table.write_text('STRINGS = {"back": 3}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="neither a"):
        tool.read_table(table, "STRINGS")
    with pytest.raises(SystemExit, match="no assignment to MESSAGES"):
        tool.read_table(table, "MESSAGES")


def test_check_command_passes_on_this_tree() -> None:
    run = subprocess.run([sys.executable, str(TOOL), "check"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
