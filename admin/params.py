"""Parsing what a browser sends, with ranges: every number from a query string or a form goes
through :func:`whole_number`, so no input can raise (``'²'.isdigit()`` is true and ``int('²')``
fails; ``days=99999999999`` overflows a date; an id past 2**31 - 1 overflows PostgreSQL's
integer). Text is cleaned of control and invisible characters for every request at once by
:class:`CleanRequest` (see :mod:`safezone.cleantext`)."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from safezone.cleantext import clean

#: Largest database id (PostgreSQL ``integer``).
MAX_ID = 2**31 - 1

T = TypeVar("T")


def whole_number(raw: object, *, low: int, high: int, default: T = None) -> int | T:  # type: ignore[assignment]
    """``raw`` as an int when it is ASCII digits within ``[low, high]``, else ``default``."""
    if not isinstance(raw, str):
        return default
    text = raw.strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return default
    value = int(text)
    return value if low <= value <= high else default


def record_id(raw: object) -> int | None:
    """A database id (1..MAX_ID) from a form or query value, or None."""
    return whole_number(raw, low=1, high=MAX_ID)


def _clean_value(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


class CleanMultiDict(ImmutableMultiDict):
    """Query and form parameters with control and invisible characters removed from every key
    and text value (uploaded files are left as they are)."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = list(mapping.items(multi=True))
        elif isinstance(mapping, dict):
            pairs = [(k, v) for k, values in mapping.items()
                     for v in (values if isinstance(values, (list, tuple)) else [values])]
        else:
            pairs = list(mapping)
        super().__init__([(_clean_value(k), _clean_value(v)) for k, v in pairs])


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {_clean_json(k): _clean_json(v) for k, v in value.items()}
    return value


class CleanRequest(Request):
    """The admin's request: parameters, form fields and JSON bodies are cleaned at the boundary.
    (The sync API reads its raw body and refuses such characters with 422 instead.)"""

    parameter_storage_class = CleanMultiDict

    def get_json(self, *args: Any, **kwargs: Any) -> Any:
        """The parsed JSON body, cleaned like the form fields."""
        return _clean_json(super().get_json(*args, **kwargs))


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in routes, at most :data:`MAX_ID` unless a route says otherwise."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


#: Endpoints that read a JSON body themselves (any other route reads forms: Flask-WTF turns a
#: JSON object into form data, but fails on a list or a number).
JSON_ENDPOINTS = frozenset({"roadshows.checkin_scan"})


def refuse_odd_json() -> None:
    """``before_request``: a JSON body that is not an object, sent to a form route, is a 400."""
    if (request.is_json and request.endpoint not in JSON_ENDPOINTS
            and not (request.endpoint or "").startswith("api.")
            and not isinstance(request.get_json(silent=True), dict | None)):
        abort(400)
