"""Content: the typed schema of content/ files, their loader and validator."""

from safezone.content.bundle import ContentBundle, ContentLocation, summary
from safezone.content.loader import (
    DEFAULT_ASSETS_ROOT,
    DEFAULT_CONTENT_ROOT,
    LoadResult,
    Problem,
    load_content,
)
from safezone.content.selection import select_questions

__all__ = [
    "DEFAULT_ASSETS_ROOT",
    "DEFAULT_CONTENT_ROOT",
    "ContentBundle",
    "ContentLocation",
    "LoadResult",
    "Problem",
    "load_content",
    "select_questions",
    "summary",
]
