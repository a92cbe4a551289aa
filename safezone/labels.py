"""How places are written: the one owner of the plot / building / unit / flat label format.

Models, dashboards, exports, rankings, card sheets and the import plan all call these
functions, so the community's addresses read the same everywhere (``1号地块5栋2单元1203``).

It also owns the Chinese display words for the core's codes (topics, age groups, points
reasons, …) in documents the core writes itself — the month's report, the PDF summary, sign-in
sheets — so a 街道 reader never sees ``fire`` or ``elder``.
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


#: Topic code → Chinese name, in the culture wall's order.
TOPIC_ZH: dict[str, str] = {"fire": "消防安全", "home": "居家安全", "traffic": "交通安全",
                            "cyber": "网络安全"}
#: Age-group code (``guest``: plays without a card) → Chinese name.
AGE_GROUP_ZH: dict[str, str] = {"child": "儿童", "adult": "成年人", "elder": "老年人",
                                "guest": "游客（未持卡）"}
#: Points-ledger reason → Chinese name.
POINTS_REASON_ZH: dict[str, str] = {"play": "终端答题", "checkin": "路演签到", "badge": "获得徽章",
                                    "redeem": "积分兑换", "adjust": "人工调整"}
#: Registration state on an attendance list → Chinese name.
REGISTRATION_ZH: dict[str, str] = {"registered": "已报名", "waitlisted": "候补",
                                   "cancelled": "已取消", "walk_in": "现场参加"}


def topic_zh(code: str) -> str:
    """The Chinese name of a topic code (the code itself if unknown, never blank)."""
    return TOPIC_ZH.get(code, code)


def topics_zh(codes: list[str] | tuple[str, ...]) -> str:
    """Several topics joined with the Chinese enumeration comma."""
    return "、".join(topic_zh(c) for c in codes)


def age_group_zh(code: str) -> str:
    """The Chinese name of an age group code."""
    return AGE_GROUP_ZH.get(code, code)
