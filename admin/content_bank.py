"""The question bank as the admin sees it: loaded once per app from ``settings.content_dir``,
plus the list of questions staff switched off (kept in ``data_dir/disabled_questions.json``)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from admin.state import state
from safezone.content import ContentBundle, load_content
from safezone.content.disabled import read_disabled
from safezone.content.disabled import set_disabled as write_disabled


def bundle() -> ContentBundle:
    """The loaded content (invalid items are left out by the loader and reported by the CLI)."""
    cached = current_app.extensions.get("safezone.content")
    if cached is None:
        cached = load_content(Path(state().settings.content_dir)).bundle
        current_app.extensions["safezone.content"] = cached
    return cached


def question_text(question_id: str, lang: str) -> str:
    """The prompt of a question in ``lang`` (falls back to Chinese, then to the id)."""
    question = bundle().questions.get(question_id)
    if question is None:
        return question_id
    if lang == "en" and question.prompt.en:
        return question.prompt.en
    return question.prompt.zh


def disabled_ids() -> set[str]:
    """Ids of questions staff disabled (the kiosk does not ask them)."""
    return set(read_disabled(Path(state().settings.data_dir)))


def set_disabled(question_id: str, disabled: bool) -> None:
    """Enable or disable one question (the core replaces the file atomically)."""
    write_disabled(Path(state().settings.data_dir), question_id, disabled)
