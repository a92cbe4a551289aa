"""The games' and the screen toolkit's place in the house, read from the source (AST).

Core at the bottom; the screen toolkit (``screen/``) and the games above it; the kiosk and the
admin at the top. Every import is checked, the lazy ones inside functions too: a lazy import of
the kiosk is still an import circle, only hidden.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Top-level packages a game (rules, views, host protocol) must never import.
GAMES_MAY_NOT = {"kiosk", "admin"}
#: Top-level packages the screen toolkit must never import: it stands on pygame alone.
SCREEN_MAY_NOT = {"kiosk", "games", "admin", "safezone", "flask", "sqlalchemy"}
#: What a pure rules module (and the game-type contract) must never import: no display, no UI.
RULES_MAY_NOT = {"kiosk", "admin", "screen", "pygame", "flask"}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every module ``source`` imports (absolute names), with its line, wherever it stands."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def violations(files: list[Path], forbidden: set[str]) -> list[str]:
    """``path:line: module`` for each import of a forbidden top-level package (or a relative one,
    which would hide where it goes)."""
    bad = []
    for path in files:
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            top = module.split(".")[0]
            if top in forbidden or module.startswith("."):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    return bad


def _python_files(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no Python files under {package}/"
    return files


def test_games_never_import_the_kiosk_or_the_admin() -> None:
    assert violations(_python_files("games"), GAMES_MAY_NOT) == []


def test_the_screen_toolkit_imports_neither_front_end_nor_games_nor_the_core() -> None:
    assert violations(_python_files("screen"), SCREEN_MAY_NOT) == []


def test_game_rules_stay_display_free() -> None:
    rules = sorted((ROOT / "games").glob("*/rules.py")) + [ROOT / "games" / "base.py", ROOT / "games" / "host.py"]
    assert len(rules) >= 6
    # host.py names the screen toolkit's host protocol on purpose; it must still import no pygame.
    pure = [path for path in rules if path.name != "host.py"]
    assert violations(pure, RULES_MAY_NOT) == []
    assert violations([ROOT / "games" / "host.py"], RULES_MAY_NOT - {"screen"}) == []


@pytest.mark.parametrize("source, expected", [
    ("from kiosk.theme import INK\n", ["x.py:1: kiosk.theme.INK"]),
    ("def f():\n    import kiosk.backend\n", ["x.py:2: kiosk.backend"]),
    ("from kiosk import i18n\n", ["x.py:1: kiosk.i18n"]),
    ("from . import theme\n", ["x.py:1: ."]),
    ("import kioskish\nfrom screen import theme\n", []),
])
def test_the_checker_finds_every_kind_of_import(tmp_path: Path, source: str, expected: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    assert violations([path], GAMES_MAY_NOT) == expected
