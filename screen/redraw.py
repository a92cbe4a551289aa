"""Redraw only when the picture changes: the state a scene's drawing depends on, as a value.

A full 1920×1080 redraw (background, panels, text) costs several milliseconds on a kiosk PC,
and most frames show exactly what the last one showed. A scene may define
``draw_state() -> Hashable``: a value that changes whenever its drawing would. When every
visible scene has one and none changed (and no input or scene change happened), the app keeps
the last frame. A scene without ``draw_state`` is simply redrawn every frame.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

_PRIMITIVES = (str, int, bool, type(None), frozenset)
_WIDGET_FIELDS = ("visible", "enabled", "selected", "pressed", "focused", "mark", "mark_label", "label",
                  "sublabel", "icon", "fraction", "hover", "held")


def widget_state(widgets: Iterable[Any]) -> tuple:
    """What the widgets look like: state flags, labels, progress and whole seconds left.

    A countdown counts by whole seconds: its ring and number are redrawn once a second.
    """
    state = []
    for widget in widgets:
        fields = tuple(getattr(widget, name, None) for name in _WIDGET_FIELDS)
        seconds = getattr(widget, "seconds_left", None)
        image = getattr(widget, "image", None)
        state.append((type(widget).__name__, widget.id, tuple(widget.rect), fields, seconds,
                      id(image) if image is not None else None))
    return tuple(state)


def scene_state(scene: Any, *extra: Hashable, skip: Iterable[Any] = ()) -> tuple:
    """A scene's widgets, its plain (str/int/bool/None) attributes, language, size, what the
    top bar shows besides the title (the sync pill: ``KioskApp.top_bar_state``) and ``extra``.

    Floats and objects are left out on purpose (timers, rules objects): a scene whose picture
    depends on them passes what matters in ``extra``. Widgets in ``skip`` are left out (a drag
    scene's moving cards, drawn over a still picture keyed by this state).
    """
    skipped = {id(widget) for widget in skip}
    plain = tuple(sorted((name, value) for name, value in vars(scene).items()
                         if isinstance(value, _PRIMITIVES) and not name.startswith("__")))
    ui = scene.ui
    return (type(scene).__name__, ui.lang, ui.large, scene.app.top_bar_state(),
            widget_state(w for w in scene.widgets if id(w) not in skipped), plain, extra)
