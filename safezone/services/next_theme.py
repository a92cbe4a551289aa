"""下次路演建议: for each building, the weakest topic and age group over the last 90 days and a
suggested roadshow theme.

Read from the rollups (DESIGN.md decision 8). A (topic, age group) cell counts only with at
least :data:`MIN_ANSWERS` answers, so three unlucky answers do not steer a roadshow. The
suggestion is the campaign coming up within :data:`CAMPAIGN_HORIZON_DAYS` on that topic (a
national day gives the roadshow its banner), otherwise the calendar's theme for the topic and
age group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from safezone import campaigns
from safezone.labels import age_group_zh, topic_zh
from safezone.services.dashboards import _buildings, accuracy_cells

#: The window the suggestion looks at.
WINDOW_DAYS = 90
#: Answers a topic and age group need before they can be called weakest.
MIN_ANSWERS = 20
#: A campaign this close on the weak topic is suggested instead of a plain theme.
CAMPAIGN_HORIZON_DAYS = 60


@dataclass(frozen=True)
class Suggestion:
    """One building's weakest topic/age group and what to do about it."""

    building_id: int
    label: str
    #: None when no cell has enough answers yet.
    topic: str | None
    age_group: str | None
    answers: int
    accuracy: float | None
    title: str
    description: str
    #: The campaign the suggestion comes from, if any (pre-fills the roadshow form).
    campaign_id: str | None

    @property
    def weakness_zh(self) -> str:
        """``老年人 · 消防安全`` (or a note that data is short)."""
        if self.topic is None:
            return "答题数据不足"
        return f"{age_group_zh(self.age_group or 'adult')} · {topic_zh(self.topic)}"


def suggestions(session: Session, today: date,
                calendar: campaigns.Calendar | None = None) -> list[Suggestion]:
    """One suggestion per building (plot/building order) from the last :data:`WINDOW_DAYS`."""
    since = today - timedelta(days=WINDOW_DAYS - 1)
    cells = accuracy_cells(session, since)
    coming = campaigns.upcoming(today, CAMPAIGN_HORIZON_DAYS, calendar)
    out = []
    for b in _buildings(session):
        candidates = [
            (correct / answers, -answers, topic, age, answers)
            for (b_id, topic, age), (answers, correct) in cells.items()
            if b_id == b["building_id"] and answers >= MIN_ANSWERS
        ]
        if not candidates:
            out.append(Suggestion(b["building_id"], b["label"], None, None, 0, None,
                                  "先组织一次综合安全体验活动",
                                  "本楼栋近 90 天答题太少，先请居民到互动终端体验四类安全知识。", None))
            continue
        accuracy, _n, topic, age, answers = min(candidates)
        campaign = next((c for c, _day in coming if topic in c.topics), None)
        if campaign is not None:
            title, description, campaign_id = (campaign.roadshow.title,
                                               campaign.roadshow.description, campaign.id)
        else:
            theme = campaigns.theme_for(topic, age, calendar)
            title = theme.title if theme else f"{topic_zh(topic)}专题路演"
            description, campaign_id = (theme.description if theme else ""), None
        out.append(Suggestion(b["building_id"], b["label"], topic, age, answers,
                              round(accuracy, 4), title, description, campaign_id))
    return out
