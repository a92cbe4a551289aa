"""Parsing the roadshow form. Field rules live in the core service; here only text → values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.datastructures import MultiDict

from admin.params import record_id, whole_number
from safezone.services.localtime import LOCAL_TZ
from safezone.services.roadshows import MAX_CAPACITY, MAX_CHECKIN_POINTS, TOPICS

#: HTML ``datetime-local`` format (seconds optional).
_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


@dataclass
class EventInput:
    """The submitted event fields, parsed; ``errors`` maps a field to a message key."""

    values: dict[str, object] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _local(text: str) -> datetime | None:
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=LOCAL_TZ)
        except ValueError:
            continue
    return None


def parse_event_form(form: MultiDict) -> EventInput:
    """Read the event form: local wall-clock times become aware datetimes, numbers are checked."""
    result = EventInput()
    raw = {k: form.get(k, "").strip() for k in
           ("title", "title_en", "place", "starts_at", "ends_at", "capacity", "staff_id",
            "description", "checkin_points")}
    raw["topics"] = [t for t in form.getlist("topics") if t]
    result.raw = raw
    values: dict[str, object] = {
        "title": raw["title"], "title_en": raw["title_en"] or None, "place": raw["place"],
        "description": raw["description"], "topics": raw["topics"],
    }
    for name in ("starts_at", "ends_at"):
        parsed = _local(str(raw[name]))
        if parsed is None:
            result.errors[name] = "err.datetime"
        values[name] = parsed
    for name, default, high in (("capacity", None, MAX_CAPACITY),
                                ("checkin_points", 10, MAX_CHECKIN_POINTS)):
        text = str(raw[name])
        number = whole_number(text, low=0, high=high)
        if not text:
            values[name] = default
        elif number is not None:
            values[name] = number
        else:
            result.errors[name] = "err.number_range"
    values["staff_id"] = record_id(str(raw["staff_id"]))
    result.values = values
    return result


def form_defaults(event: object | None) -> dict[str, object]:
    """The form's initial text for an existing event (or an empty one)."""
    if event is None:
        return {"topics": [], "checkin_points": "10"}
    return {
        "title": event.title, "title_en": event.title_en or "", "place": event.place,
        "starts_at": event.starts_at.astimezone(LOCAL_TZ).strftime(_FORMATS[0]),
        "ends_at": event.ends_at.astimezone(LOCAL_TZ).strftime(_FORMATS[0]),
        "capacity": "" if event.capacity is None else str(event.capacity),
        "staff_id": "" if event.staff_id is None else str(event.staff_id),
        "description": event.description, "topics": list(event.topics),
        "checkin_points": str(event.checkin_points),
    }


__all__ = ["TOPICS", "EventInput", "form_defaults", "parse_event_form"]
