"""Turning pydantic validation errors into one clear sentence for a content author."""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

from pydantic_core import ErrorDetails

from safezone.content.schema import all_field_names
from safezone.content.yaml_source import Loc, format_loc

# For these the value the author wrote is the most useful clue, so it is quoted.
_SHOW_INPUT = frozenset(
    {
        "literal_error",
        "int_type",
        "int_parsing",
        "float_type",
        "bool_type",
        "string_type",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "int_from_float",
    }
)


@cache
def _known_fields() -> list[str]:
    return sorted(all_field_names())


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def describe(error: ErrorDetails, found: Loc) -> str:
    """One line ``<where>: <what>`` for a pydantic error whose ``loc`` matched ``found`` in YAML."""
    kind = error["type"]
    loc = error["loc"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    where = format_loc(found)
    if kind == "missing":
        message = f"missing required field {loc[-1]!r}"
    elif kind == "extra_forbidden":
        name = str(loc[-1])
        close = difflib.get_close_matches(name, _known_fields(), n=1, cutoff=0.75)
        message = f"unknown field {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        where = format_loc(found[:-1])
    elif kind == "model_type" or kind == "dict_type":
        message = f"expected a mapping of 'key: value' lines, got {_type_name(value)}"
    elif kind == "list_type":
        message = f"expected a list of '- ' lines, got {_type_name(value)}"
    elif kind == "union_tag_not_found":
        message = f"missing {ctx.get('discriminator', 'tag')!s}"
    elif kind == "union_tag_invalid":
        # pydantic quotes the discriminator already: "'shape'".
        tag_name = str(ctx.get("discriminator", "tag")).strip("'")
        message = f"{tag_name} {ctx.get('tag')!r} is not one of {ctx.get('expected_tags')!s}"
    else:
        message = error["msg"]
        if kind in _SHOW_INPUT and not isinstance(value, (dict, list)):
            message += f" (got {value!r})"
    return f"{where}: {message}" if where else message
