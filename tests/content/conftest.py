"""Fixtures for content tests: a scratch content folder and a loader bound to it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from safezone.content import LoadResult, load_content

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONTENT = REPO_ROOT / "content"
SAMPLE_ASSETS = REPO_ROOT / "assets"


@pytest.fixture
def content_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty content folder; the working directory is its parent so paths show short."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assets").mkdir()
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


@pytest.fixture
def write(content_dir: Path) -> Callable[[str, str], Path]:
    """Write a dedented YAML file under the content folder and return its path."""

    def write_file(name: str, text: str) -> Path:
        path = content_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write_file


@pytest.fixture
def load(content_dir: Path) -> Callable[[], LoadResult]:
    """Load the scratch content folder with the scratch assets folder."""
    return lambda: load_content(content_dir, content_dir.parent / "assets")


def _line_of(path: Path, needle: str) -> int:
    lines = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if needle in line
    ]
    assert len(lines) == 1, f"{needle!r} found on lines {lines}"
    return lines[0]


@pytest.fixture
def line_of() -> Callable[[Path, str], int]:
    """1-based line of the only line of a file containing a marker string."""
    return _line_of
