"""Fixtures for asset tests: the repository's folders and the two build scripts as modules.

The scripts live in tools/ (not a package); they are imported from their files. Importing them
needs only PyYAML and Pillow: npm, resvg-py, espeak-ng and sox are used only when they run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT_ROOT = REPO_ROOT / "content"
ASSETS_ROOT = REPO_ROOT / "assets"


def _load_tool(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def build_art() -> ModuleType:
    """tools/build_art.py as a module."""
    return _load_tool("build_art")


@pytest.fixture(scope="session")
def build_sounds() -> ModuleType:
    """tools/build_sounds.py as a module."""
    return _load_tool("build_sounds")
