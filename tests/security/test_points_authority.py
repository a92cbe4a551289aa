"""Server-authoritative points (issue 16): the server derives play and check-in points from the
records themselves, applies the daily cap and the repeat rule over every kiosk, refuses ledger
rows without a valid source (422, named, so the kiosk parks them) and never takes a kiosk's
amount. On the original main a kiosk token minted 10,000 points a row."""

from __future__ import annotations

from datetime import datetime, timedelta

from security_support import Server, batch, ledger_row, resident_play
from sqlalchemy import select

from safezone.models import PlaySession
from safezone.services import points
from safezone.services.points import DAILY_PLAY_CAP, POINTS_PER_CORRECT, POINTS_PER_REPEAT


def _balance(server: Server, resident_id: int) -> int:
    with server.db.sessions() as s:
        return points.balance(s, resident_id)


def test_ten_thousand_forged_ledger_rows_credit_nothing_beyond_the_capped_sessions(
        server: Server, now: datetime) -> None:
    rid = server.residents[0]
    # Two sessions worth 15 fresh correct answers each: 300 points before the cap.
    plays = [resident_play(now + timedelta(minutes=10 * n), rid,
                           [f"fire-q{n}{i:02d}" for i in range(15)]) for n in range(2)]
    sessions = [s for s, _ in plays]
    answers = [a for _, these in plays for a in these]
    assert server.push("a", batch(now, sessions=sessions, answers=answers)).status_code == 200
    assert _balance(server, rid) == DAILY_PLAY_CAP

    # 10,000 forged rows naming the pushed sessions: acknowledged, amounts ignored.
    for n in range(2):
        forged = [ledger_row(now, rid, source_id=sessions[i % 2]["id"]) for i in range(5000)]
        answer = server.push("a", batch(now, points_entries=forged))
        assert answer.status_code == 200, answer.json
    assert _balance(server, rid) == DAILY_PLAY_CAP

    # Rows naming no session, another resident's session, badges, or an unknown check-in:
    # refused and named one by one (the kiosk parks them with this reason).
    bad = ([ledger_row(now, rid) for _ in range(1997)]
           + [ledger_row(now, server.residents[1], source_id=sessions[0]["id"])]
           + [ledger_row(now, rid, reason="badge", source_id="badge-first-play")]
           + [ledger_row(now, rid, reason="checkin", source_id=sessions[0]["id"])])
    answer = server.push("a", batch(now, points_entries=bad))
    assert answer.status_code == 422
    assert answer.json["error"] == "refused_records"
    assert {d["id"] for d in answer.json["details"]} == {r["id"] for r in bad}
    assert all(d["kind"] == "points_entries" and d["reason"] for d in answer.json["details"])
    assert _balance(server, rid) == DAILY_PLAY_CAP
    # The sessions carry the server's figure, not the kiosk's 10,000.
    with server.db.sessions() as s:
        awarded = sorted(s.scalars(select(PlaySession.points_awarded)))
    assert awarded == [0, DAILY_PLAY_CAP]  # the first earned 150, capped; the second nothing


def test_daily_cap_and_repeats_count_every_kiosk(server: Server, now: datetime, clock) -> None:
    rid = server.residents[0]
    first, first_answers = resident_play(now, rid, [f"fire-a{i}" for i in range(8)])
    assert server.push("a", batch(now, sessions=[first], answers=first_answers,
                                  points_entries=[ledger_row(now, rid, source_id=first["id"],
                                                             amount=80)])).status_code == 200
    assert _balance(server, rid) == 8 * POINTS_PER_CORRECT
    # Kiosk b, an hour later the same day: 2 repeats of kiosk a's questions and 6 fresh ones
    # would earn 66, but only 20 are left under the cap.
    later = now + timedelta(hours=1)
    second, second_answers = resident_play(
        later, rid, ["fire-a0", "fire-a1"] + [f"fire-b{i}" for i in range(6)])
    assert server.push("b", batch(later, sessions=[second], answers=second_answers,
                                  points_entries=[ledger_row(later, rid, source_id=second["id"],
                                                             amount=66)])).status_code == 200
    assert _balance(server, rid) == DAILY_PLAY_CAP
    # The next local day, kiosk b: the repeat rule (30 days) still counts kiosk a's answers.
    tomorrow = now + timedelta(days=1)
    clock.current = tomorrow + timedelta(hours=1)
    third, third_answers = resident_play(tomorrow, rid, ["fire-a2", "fire-c0"])
    assert server.push("b", batch(tomorrow, sessions=[third],
                                  answers=third_answers)).status_code == 200
    assert _balance(server, rid) == DAILY_PLAY_CAP + POINTS_PER_REPEAT + POINTS_PER_CORRECT


def test_a_session_pushed_twice_or_finished_later_is_credited_once(
        server: Server, now: datetime) -> None:
    rid = server.residents[0]
    session, answers = resident_play(now, rid, ["fire-x1", "fire-x2"])
    unfinished = {**session, "finished_at": None, "score": 0, "points_awarded": 0}
    assert server.push("a", batch(now, sessions=[unfinished], answers=answers)).status_code == 200
    assert _balance(server, rid) == 0
    for _ in range(2):
        assert server.push("a", batch(now, sessions=[session])).status_code == 200
    assert _balance(server, rid) == 2 * POINTS_PER_CORRECT


def test_back_dated_sessions_cannot_fill_one_daily_cap_after_another(
        server: Server, now: datetime) -> None:
    rid = server.residents[0]
    plays = [resident_play(now - timedelta(days=d), rid, [f"fire-d{d}-{i}" for i in range(10)])
             for d in range(1, 61)]  # one full cap a day for the last 60 days
    answer = server.push("a", batch(now, sessions=[s for s, _ in plays],
                                    answers=[a for _, these in plays for a in these]))
    assert answer.status_code == 200, answer.json
    # Only plays finished within MAX_POINTS_AGE (30 days) of receipt earn points.
    assert _balance(server, rid) == 30 * DAILY_PLAY_CAP
