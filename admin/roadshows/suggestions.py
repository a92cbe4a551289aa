"""Ideas for a new roadshow: campaign templates from the safety-day calendar and each building's
next-theme suggestion, and the form values they pre-fill (``/roadshows/new?campaign=ID`` or
``?building=ID``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from admin.db import db
from admin.state import now
from safezone import campaigns
from safezone.services import next_theme
from safezone.services.localtime import LOCAL_TZ, local_day

_FORMAT = "%Y-%m-%dT%H:%M"
#: Campaigns offered on the form: those within this many days.
CAMPAIGN_DAYS = 120


def ideas() -> dict[str, object]:
    """Upcoming campaigns (with their next day) and the per-building suggestions."""
    today = local_day(now())
    return {"campaigns": campaigns.upcoming(today, CAMPAIGN_DAYS),
            "buildings": next_theme.suggestions(db(), today)}


def prefill(args: Mapping[str, str], defaults: dict[str, object]) -> dict[str, object]:
    """``defaults`` with a campaign's template or a building's suggestion filled in, as picked
    in the query string; unknown ids leave the defaults as they are."""
    today = local_day(now())
    values = dict(defaults)
    campaign = campaigns.find(args.get("campaign", ""))
    if campaign is not None:
        template = campaigns.roadshow_template(campaign, today, LOCAL_TZ)
        values.update(title=template["title"], description=template["description"],
                      topics=template["topics"],
                      starts_at=template["starts_at"].strftime(_FORMAT),
                      ends_at=template["ends_at"].strftime(_FORMAT))
        return values
    raw = args.get("building", "")
    if raw.isdigit():
        pick = next((s for s in next_theme.suggestions(db(), today)
                     if s.building_id == int(raw)), None)
        if pick is not None:
            if pick.campaign_id:
                return prefill({"campaign": pick.campaign_id}, defaults)
            start = (now().astimezone(LOCAL_TZ) + timedelta(days=7)).replace(
                hour=9, minute=30, second=0, microsecond=0)
            values.update(title=pick.title, description=pick.description,
                          topics=[pick.topic] if pick.topic else [],
                          place=f"{pick.label}楼下", starts_at=start.strftime(_FORMAT),
                          ends_at=(start + timedelta(hours=2)).strftime(_FORMAT))
    return values
