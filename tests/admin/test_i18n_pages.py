"""Every UI string exists in both languages, and every page renders in zh-CN and English."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

import admin
from admin.i18n import message_table
from safezone.models import Role
from safezone.services.roadshows import create_event
from safezone.sync.tokens import create_kiosk

ADMIN_DIR = Path(admin.__file__).parent
#: key -> (zh, en), read from the compiled catalogs.
MESSAGES = {key: (texts.get("zh-CN", ""), texts.get("en", "")) for key, texts in message_table().items()}
_KEY = re.compile(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]""")


def test_every_message_has_both_languages():
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        # Placeholders must match, or one language would crash or drop a value.
        assert sorted(re.findall(r"{(\w+)", zh)) == sorted(re.findall(r"{(\w+)", en)), key


def test_every_literal_key_used_is_defined():
    sources = list(ADMIN_DIR.rglob("*.html")) + list(ADMIN_DIR.rglob("*.py"))
    used = {key for path in sources for key in _KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the pattern found no keys"
    missing = sorted(k for k in used - set(MESSAGES) if not k.endswith("."))
    assert not missing, missing


def test_dynamic_key_families_are_complete():
    from admin.exports.views import TABLES
    from safezone.models import AgeGroup, CardStatus, PointsReason
    from safezone.services.dashboards import AGE_GROUPS, TOPICS

    wanted = (
        [f"role.{r.value}" for r in Role] + [f"age.{a.value}" for a in AgeGroup]
        + [f"age.{a}" for a in AGE_GROUPS] + [f"cards.status.{c.value}" for c in CardStatus]
        + [f"points.reason.{p.value}" for p in PointsReason] + [f"topic.{t}" for t in TOPICS]
        + [f"exports.table.{k}" for k in TABLES] + [f"weekday.{d}" for d in range(1, 8)]
    )
    assert [k for k in wanted if k not in MESSAGES] == []


@pytest.fixture
def full_site(community, db_session, now):
    """Data behind every page: the community, a roadshow and a kiosk."""
    event = create_event(db_session, title="消防路演", place="广场", topics=["fire"], now=now,
                         starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2))
    kiosk = create_kiosk(db_session, "1号地块5栋架空层", now=now).kiosk
    kiosk.last_seen_at = now - timedelta(minutes=5)
    db_session.commit()
    return {**community, "event": event, "kiosk": kiosk}


def _pages(full_site) -> list[str]:
    r = full_site["residents"][0]
    e = full_site["event"]
    return [
        "/", "/residents/", f"/residents/{r.id}", f"/residents/{r.id}/anonymise",
        f"/residents/households/{r.household_id}", "/residents/import", "/residents/cards/print",
        "/roadshows/", "/roadshows/?view=calendar", "/roadshows/new", f"/roadshows/{e.id}",
        f"/roadshows/{e.id}/edit", f"/roadshows/{e.id}/checkin", "/dashboards/", "/dashboards/unreached",
        "/store/", f"/store/?resident={r.id}", "/content/", "/exports/", "/audit/", "/staff", "/password",
        "/kiosks/", f"/kiosks/{full_site['kiosk'].id}/revoke",
    ]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_renders(client, auth, full_site, lang):
    auth.login(Role.ADMIN)
    client.get(f"/?lang={lang}")
    for url in _pages(full_site):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, url
        assert "<script>" not in html and " style=" not in html, url  # CSP: no inline code or styles
        if lang == "en":
            # Every visible word comes from the dictionary: no Chinese UI text left on English pages
            # except data (names, addresses, titles) and the language switch.
            assert "概览" not in html and "退出登录" not in html, url
