"""Reading a content file: bytes to text to (YAML node tree, Python data), keeping line numbers.

The node tree (``yaml.compose``) remembers where every key and value starts, so a schema
error at a pydantic ``loc`` such as ``("questions", 2, "options")`` can be shown at its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import charset_normalizer
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = tuple[str | int, ...]

# libyaml is about 10x faster at composing and keeps the same marks; pure Python is the fallback.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(Exception):
    """A file could not be turned into data; carries the 1-based line to blame."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ParsedYaml:
    """A parsed document: its node tree (for line numbers) and its plain Python data."""

    node: Node
    data: Any


def decode_utf8(raw: bytes) -> str:
    """Decode a content file as UTF-8 (a BOM is tolerated); raise ``SourceError`` otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = charset_normalizer.from_bytes(raw).best()
        # Chinese Windows editors often save as GBK; naming the guess tells the author the fix.
        hint = f" (it looks like {guess.encoding})" if guess is not None else ""
        raise SourceError(
            line,
            f"file is not valid UTF-8{hint}: byte 0x{raw[exc.start]:02x} at line {line}; "
            "save it as UTF-8",
        ) from None


def parse_yaml(text: str) -> ParsedYaml | None:
    """Parse one YAML document; ``None`` when it holds nothing (empty or only comments).

    Raises ``SourceError`` with the line of a syntax error.
    """
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return ParsedYaml(node=node, data=loader.construct_document(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or "invalid YAML"
        context = ""
        if exc.context:
            # For an unclosed bracket or quote the problem is found far away (often at the end
            # of the file); where the construct started is what the author needs.
            started = exc.context_mark.line + 1 if exc.context_mark is not None else line
            context = (
                f" ({exc.context} started at line {started})"
                if started != line
                else (f" ({exc.context})")
            )
        raise SourceError(line, f"YAML syntax error: {what}{context}") from None
    except yaml.YAMLError as exc:  # errors without a position, e.g. a reader error
        raise SourceError(1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def _key_text(key: Node) -> str | None:
    return key.value if isinstance(key, ScalarNode) else None


def duplicate_keys(node: Node, loc: Loc = ()) -> Iterator[tuple[Loc, str, int, int]]:
    """Yield ``(loc of the mapping, key, first line, repeated line)`` for every repeated key.

    PyYAML silently keeps the last of two equal keys, which hides a copy-paste mistake.
    """
    if isinstance(node, MappingNode):
        first_line: dict[str, int] = {}
        for key, value in node.value:
            name = _key_text(key)
            if name is None:
                continue
            line = key.start_mark.line + 1
            if name in first_line:
                yield loc, name, first_line[name], line
            else:
                first_line[name] = line
            yield from duplicate_keys(value, (*loc, name))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from duplicate_keys(item, (*loc, index))


def locate(node: Node, loc: Loc) -> tuple[int, Loc]:
    """Return the 1-based line of the node at ``loc`` and the part of ``loc`` found in the file.

    A mapping entry is blamed on its key's line (``options:``), a list item on its first line.
    Parts not in the file (a missing field, a union tag such as ``rect``) are skipped, so the
    line falls back to the nearest parent that exists.
    """
    current = node
    line = node.start_mark.line + 1
    found: list[str | int] = []
    for part in loc:
        if isinstance(current, MappingNode) and isinstance(part, str):
            for key, value in current.value:
                if _key_text(key) == part:
                    line = key.start_mark.line + 1
                    current = value
                    found.append(part)
                    break
        elif (
            isinstance(current, SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(current.value)
        ):
            current = current.value[part]
            line = current.start_mark.line + 1
            found.append(part)
    return line, tuple(found)


def format_loc(loc: Loc) -> str:
    """Show a location as authors think of it: ``questions[2].options[0].text``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
