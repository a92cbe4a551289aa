"""The house's layering rules as a test.

core (``safezone/``) at the bottom imports no pygame, Flask, kiosk, admin, games or launcher;
the kiosk and the admin never import each other; the admin never imports pygame. Checked
statically over every module's AST (lazy imports inside functions count too) and, for the
core, by importing every module in a fresh interpreter.

And the kiosk's whole path imports nothing Unix-only: the touchscreen PCs communities buy often
run Windows or ARM Linux. A fresh interpreter with ``fcntl``, ``resource``, ``pwd``, … blocked
and ``os.fork`` removed starts the kiosk robot headless and takes a screenshot.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("safezone", "kiosk", "admin", "games", "launcher")

#: package → top-level modules it must never import.
FORBIDDEN: dict[str, set[str]] = {
    "safezone": {"pygame", "flask", "flask_login", "flask_wtf", "flask_limiter", "flask_babel",
                 "werkzeug", "kiosk", "admin", "games", "launcher"},
    "kiosk": {"admin", "flask", "launcher"},
    "admin": {"kiosk", "pygame", "launcher"},
}

#: Modules a Windows Python does not have (or ``os.fork``, which it lacks too).
UNIX_ONLY = ("fcntl", "resource", "pwd", "grp", "termios", "tty", "pty", "posix_ipc", "syslog",
             "crypt", "spwd", "nis", "readline")


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every absolute import in ``path``, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def _uses_fork(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in {"fork", "forkpty", "setsid"}
            and isinstance(node.value, ast.Name) and node.value.id == "os"]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_rules_hold_in_every_module(package: str) -> None:
    breaches = [f"{path.relative_to(ROOT)}:{line}: imports {module}"
                for path in _modules(package) for line, module in _imports(path)
                if module in FORBIDDEN[package]]
    assert not breaches, "\n".join(breaches)


def test_the_rule_checker_sees_lazy_imports(tmp_path: Path) -> None:
    """The checker must catch an import hidden in a function, or it proves nothing."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import pygame.display\n    from flask import g\n", encoding="utf-8")
    assert {module for _, module in _imports(probe)} == {"pygame", "flask"}


def test_unix_only_code_stays_out_of_the_kiosk_path() -> None:
    """Statically: no kiosk, games, screen or core module imports a Unix-only module or forks."""
    breaches: list[str] = []
    for package in ("safezone", "kiosk", "games"):
        for path in _modules(package):
            rel = path.relative_to(ROOT)
            breaches += [f"{rel}:{line}: imports {module}" for line, module in _imports(path)
                         if module in UNIX_ONLY]
            breaches += [f"{rel}:{line}: os.fork" for line in _uses_fork(path)]
    assert not breaches, "\n".join(breaches)


def test_importing_the_whole_core_loads_no_front_end() -> None:
    code = textwrap.dedent("""
        import importlib, json, pkgutil, sys
        import safezone
        for info in pkgutil.walk_packages(safezone.__path__, "safezone."):
            if info.name.startswith("safezone.migrations") or info.name.endswith("__main__"):
                continue  # Alembic's env.py migrates and __main__ runs the CLI when imported
            importlib.import_module(info.name)
        print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, check=True).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert not loaded & FORBIDDEN["safezone"], loaded & FORBIDDEN["safezone"]


_BLOCKER = """
import importlib.abc, os, sys
BLOCKED = set({blocked!r})

class UnixOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked: Unix-only)", name=name)
        return None

for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]
sys.meta_path.insert(0, UnixOnly())
for attr in ("fork", "forkpty", "setsid", "getuid", "geteuid"):
    if hasattr(os, attr):
        delattr(os, attr)

from safezone.cli import cli
try:
    cli.main(["kiosk", "--headless", "--script", {script!r}, "--screenshots", {shots!r}],
             prog_name="safezone")
except SystemExit as exc:
    if exc.code:
        raise
print("MODULES", sorted({{m.split(".")[0] for m in sys.modules}} & BLOCKED))
print("HEAVY", sorted({{m.split(".")[0] for m in sys.modules}} & {{"babel", "flask", "flask_babel", "admin", "alembic"}}))
"""


def test_kiosk_starts_with_unix_only_modules_blocked(tmp_path: Path) -> None:
    from safezone.app_context import open_database
    from safezone.config import Settings

    data = tmp_path / "var"
    open_database(Settings(data_dir=data), migrate=True).dispose()
    script = tmp_path / "first-frame.txt"
    script.write_text("screenshot: first-frame\n", encoding="utf-8")
    shots = tmp_path / "shots"
    code = _BLOCKER.format(blocked=sorted(UNIX_ONLY), script=str(script), shots=str(shots))
    env = {**os.environ, "SAFEZONE_DATA_DIR": str(data), "SDL_VIDEODRIVER": "dummy",
           "SDL_AUDIODRIVER": "dummy"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "robot ok: 1 steps" in run.stdout, run.stdout
    assert "MODULES []" in run.stdout, run.stdout
    # Cold start pays neither for Babel (the kiosk reads compiled catalogs), nor Alembic, nor the admin.
    assert "HEAVY []" in run.stdout, run.stdout
    [shot] = shots.glob("first-frame*.png")
    assert shot.stat().st_size > 10_000
