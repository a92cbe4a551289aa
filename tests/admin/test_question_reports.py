"""报告题目有误: staff withdraw a wrong question, an admin reviews it and puts it back; audited."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from safezone.content import DEFAULT_CONTENT_ROOT, load_content, select_questions
from safezone.models import AuditEntry, QuestionReport, Role
from safezone.services.question_reports import withdrawn_question_ids

QID = "traffic-ebike-lane-15kmh"


@pytest.fixture(scope="module")
def bundle():
    return load_content(DEFAULT_CONTENT_ROOT).bundle


def _actions(db_session) -> list[str]:
    db_session.rollback()
    return list(db_session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == QID).order_by(AuditEntry.id)))


def test_staff_report_withdraws_the_question_until_an_admin_reviews_it(
        client, auth, db_session, bundle):
    auth.login(Role.STAFF)
    page = client.get(f"/content/{QID}").get_data(as_text=True)
    assert "报告题目有误" in page and "《中华人民共和国道路交通安全法》（2021）第五十八条" in page
    reply = client.post(f"/content/{QID}/report", data={"reason": "出处条文号不对"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已报告" in reply and "待审核（已停用）" in reply and "出处条文号不对" in reply
    assert "审核完毕，重新启用" not in reply  # staff cannot put it back
    db_session.rollback()
    assert withdrawn_question_ids(db_session) == {QID}

    # The draw in the core never returns it, however often a round is drawn.
    for seed in range(20):
        drawn = select_questions(bundle, "traffic", "adult", 3, 50, random.Random(seed),
                                 disabled_ids=withdrawn_question_ids(db_session))
        assert QID not in {q.id for q in drawn}
    db_session.rollback()  # end the read: SQLite lets the app write only without it
    index = client.get("/content/?topic=traffic").get_data(as_text=True)
    assert "待审核（已停用）" in index

    assert client.post(f"/content/{QID}/resolve", data={"resolution": "x"}).status_code == 403
    auth.logout()
    auth.login(Role.ADMIN)
    reply = client.post(f"/content/{QID}/resolve", data={"resolution": "核对第五十八条，无误"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已审核，这道题重新启用" in reply and "核对第五十八条，无误" in reply
    db_session.rollback()
    assert withdrawn_question_ids(db_session) == frozenset()
    report = db_session.scalar(select(QuestionReport))
    assert report.resolved_at is not None and report.resolution == "核对第五十八条，无误"
    assert _actions(db_session) == ["content.question_report", "content.question_report_resolve"]


def test_a_blank_report_or_review_note_is_refused_and_changes_nothing(client, auth, db_session):
    auth.login(Role.ADMIN)
    reply = client.post(f"/content/{QID}/report", data={"reason": "   "},
                        follow_redirects=True).get_data(as_text=True)
    assert "请填写有误之处" in reply
    reply = client.post(f"/content/{QID}/resolve", data={"resolution": "看过了"},
                        follow_redirects=True).get_data(as_text=True)
    assert "没有待审核的报告" in reply
    client.post(f"/content/{QID}/report", data={"reason": "答案有争议"})
    reply = client.post(f"/content/{QID}/resolve", data={"resolution": ""},
                        follow_redirects=True).get_data(as_text=True)
    assert "请填写审核结论" in reply
    db_session.rollback()
    assert withdrawn_question_ids(db_session) == {QID}
    assert _actions(db_session) == ["content.question_report"]


def test_viewers_cannot_report_and_unknown_questions_are_404(client, auth):
    auth.login(Role.VIEWER)
    assert client.post(f"/content/{QID}/report", data={"reason": "错"}).status_code == 403
    assert "报告题目有误" not in client.get(f"/content/{QID}").get_data(as_text=True)
    auth.logout()
    auth.login(Role.STAFF)
    assert client.post("/content/no-such-question/report", data={"reason": "错"}).status_code == 404


def test_the_question_bank_shows_who_reviewed_each_question(client, auth, bundle):
    review = bundle.reviews[QID]
    auth.login(Role.VIEWER)
    index = client.get("/content/?topic=traffic").get_data(as_text=True)
    assert "已审核" in index and "未审核" in index
    detail = client.get(f"/content/{QID}").get_data(as_text=True)
    assert f"{review.by} 于 {review.date.isoformat()} 审核，依据引用登记表 {review.against}" in detail
