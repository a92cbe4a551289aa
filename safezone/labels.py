"""How places are written: the one owner of the plot / building / unit / flat label format.

Models, dashboards, exports, rankings, card sheets and the import plan all call these
functions, so the community's addresses read the same everywhere (``1号地块5栋2单元1203``).
"""

from __future__ import annotations


def plot_label(plot: int) -> str:
    """``1号地块``."""
    return f"{plot}号地块"


def building_label(plot: int, building: int) -> str:
    """``1号地块5栋``."""
    return f"{plot_label(plot)}{building}栋"


def unit_label(plot: int, building: int, unit: int) -> str:
    """``1号地块5栋2单元`` (what a card shows: never the door number)."""
    return f"{building_label(plot, building)}{unit}单元"


def flat_label(plot: int, building: int, unit: int, room: str) -> str:
    """``1号地块5栋2单元1203``."""
    return f"{unit_label(plot, building, unit)}{room}"
