"""Issuing, revoking and identifying cards, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cards_support import MakeResident
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session

import safezone.models  # noqa: F401  (every table on the metadata)
from safezone.app_context import Database
from safezone.cards.codes import ALPHABET, check_character, generate_code, grouped, hash_code
from safezone.cards.service import (
    CardCheck,
    CardError,
    active_card,
    identify,
    issue_card,
    issue_cards,
    revoke_card,
)
from safezone.db.base import Base
from safezone.models import AuditEntry, Card, CardStatus


def _tamper(code: str) -> str:
    """The same code with one random character changed (the check character no longer fits)."""
    position = 5
    replacement = next(c for c in ALPHABET if c != code[position])
    return code[:position] + replacement + code[position + 1 :]


def _audits(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_issue_then_identify(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    resident = make_resident(db_session, nickname="安全小卫士")
    issued = issue_card(db_session, resident, now=now, rng=random.Random(1), actor_label="staff:li")

    assert issued.card.status is CardStatus.ACTIVE
    assert issued.card.code_hash == hash_code(issued.code)
    assert issued.card.issued_at == now
    assert active_card(db_session, resident.id) is issued.card

    check = identify(db_session, issued.code)
    assert check == CardCheck(ok=True, reason="ok", resident=resident, card=issued.card)
    assert check.message() == "欢迎你，安全小卫士（1号地块5栋）！"
    assert check.message("en") == "Welcome, 安全小卫士 (1号地块5栋)!"
    assert "张三" not in check.message()  # the full name never reaches the kiosk

    (entry,) = _audits(db_session, "card.issue")
    assert entry.actor_label == "staff:li"
    assert entry.target_type == "card" and entry.target_id == str(issued.card.id)
    assert entry.details == {"resident_id": resident.id, "replaces": []}


@pytest.mark.parametrize(
    "spelling", [str.lower, grouped, lambda c: "  " + grouped(c).replace(" ", "-") + "\n"]
)
def test_identify_accepts_typed_spellings(
    db_session: Session, make_resident: MakeResident, now: datetime, spelling
) -> None:
    resident = make_resident(db_session)
    issued = issue_card(db_session, resident, now=now, rng=random.Random(2))
    check = identify(db_session, spelling(issued.code))
    assert check.ok and check.resident is resident


def test_reissue_revokes_the_old_card(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    resident = make_resident(db_session)
    first = issue_card(db_session, resident, now=now, rng=random.Random(3))
    later = now + timedelta(days=3)
    second = issue_card(db_session, resident, now=later, rng=random.Random(4))

    assert first.code != second.code
    assert first.card.status is CardStatus.REVOKED
    assert first.card.revoked_reason == "reissued" and first.card.revoked_at == later
    assert active_card(db_session, resident.id) is second.card
    assert identify(db_session, second.code).ok

    old = identify(db_session, first.code)
    assert (old.ok, old.reason, old.card) == (False, "revoked", first.card)
    assert "停用" in old.message() and "「游客体验」" in old.message()

    active = db_session.scalars(
        select(Card).where(Card.resident_id == resident.id, Card.status == CardStatus.ACTIVE)
    ).all()
    assert active == [second.card]
    (revoked_entry,) = _audits(db_session, "card.revoke")
    assert revoked_entry.target_id == str(first.card.id)
    assert revoked_entry.details == {"resident_id": resident.id, "reason": "reissued"}
    issue_entries = _audits(db_session, "card.issue")
    assert issue_entries[-1].details == {"resident_id": resident.id, "replaces": [first.card.id]}


def test_revoke(db_session: Session, make_resident: MakeResident, now: datetime) -> None:
    resident = make_resident(db_session)
    issued = issue_card(db_session, resident, now=now, rng=random.Random(5))
    revoke_card(db_session, issued.card, reason="  lost at the market ", now=now, actor_label="x")

    assert issued.card.status is CardStatus.REVOKED
    assert issued.card.revoked_reason == "lost at the market"
    assert active_card(db_session, resident.id) is None
    check = identify(db_session, issued.code)
    assert (check.ok, check.reason, check.resident) == (False, "revoked", resident)
    (entry,) = _audits(db_session, "card.revoke")
    assert entry.actor_label == "x" and entry.details["reason"] == "lost at the market"

    with pytest.raises(CardError, match="already revoked"):
        revoke_card(db_session, issued.card, reason="again", now=now)
    assert issued.card.revoked_reason == "lost at the market"
    assert len(_audits(db_session, "card.revoke")) == 1


@pytest.mark.parametrize(
    ("reason", "message"), [("   ", "reason is required"), ("x" * 201, "201 characters")]
)
def test_revoke_needs_a_sensible_reason(
    db_session: Session, make_resident: MakeResident, now: datetime, reason: str, message: str
) -> None:
    issued = issue_card(db_session, make_resident(db_session), now=now, rng=random.Random(6))
    with pytest.raises(CardError, match=message):
        revoke_card(db_session, issued.card, reason=reason, now=now)
    assert issued.card.status is CardStatus.ACTIVE
    assert _audits(db_session, "card.revoke") == []


def test_bad_codes_are_explained(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    issued = issue_card(db_session, make_resident(db_session), now=now, rng=random.Random(7))
    unknown = generate_code(random.Random(99))
    cases = {
        "": "empty",
        _tamper(issued.code): "checksum",
        issued.code[:-3]: "length",
        issued.code + "A": "length",
        "https://weixin.qq.com/r/abc": "character",
        "\x00\x01garbage": "character",
        unknown: "unknown",
    }
    for raw, reason in cases.items():
        check = identify(db_session, raw)
        assert (check.ok, check.reason, check.resident, check.card) == (False, reason, None, None)
        zh, en = check.message("zh-CN"), check.message("en")
        assert zh and en and zh != en
        if reason != "empty":  # the empty case asks to scan again; all others offer a way out
            assert "工作人员" in zh and "「游客体验」" in zh
            assert "staff" in en and "guest" in en


def test_a_valid_looking_code_with_one_changed_character_is_unknown(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    issued = issue_card(db_session, make_resident(db_session), now=now, rng=random.Random(8))
    body = _tamper(issued.code)[:-1]
    forged = body + check_character(body)  # someone who knows the check-character rule
    check = identify(db_session, forged)
    assert (check.ok, check.reason) == (False, "unknown")


def test_every_message_is_distinct_and_bilingual() -> None:
    reasons = ["empty", "character", "length", "checksum", "unknown", "revoked"]
    zh = [CardCheck(ok=False, reason=r).message() for r in reasons]
    en = [CardCheck(ok=False, reason=r).message("en") for r in reasons]
    assert len(set(zh)) == len(set(en)) == len(reasons)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in zh)
    assert all(text.isascii() or "“" in text for text in en)


def test_anonymised_residents_get_no_card_and_old_cards_stop(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    resident = make_resident(db_session)
    issued = issue_card(db_session, resident, now=now, rng=random.Random(9))
    resident.anonymised_at = now
    db_session.flush()
    check = identify(db_session, issued.code)
    assert (check.ok, check.reason) == (False, "revoked")
    with pytest.raises(CardError, match="anonymised"):
        issue_card(db_session, resident, now=now)
    assert active_card(db_session, resident.id) is issued.card


def test_issue_cards_is_all_or_nothing(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    first = make_resident(db_session, nickname="一")
    second = make_resident(db_session, nickname="二", room="1204")
    with pytest.raises(CardError, match="listed twice"):
        issue_cards(db_session, [first, second, first], now=now)
    assert db_session.scalars(select(Card)).all() == []

    issued = issue_cards(db_session, [first, second], now=now, rng=random.Random(10))
    assert [item.card.resident_id for item in issued] == [first.id, second.id]
    assert all(identify(db_session, item.code).ok for item in issued)
    assert issue_cards(db_session, [], now=now) == []


def test_a_code_already_stored_is_never_issued_again(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    first = issue_card(db_session, make_resident(db_session), now=now, rng=random.Random(11))
    other = make_resident(db_session, nickname="二", room="0101")
    # Same seed: the first code drawn collides with the stored one and must be replaced.
    second = issue_card(db_session, other, now=now, rng=random.Random(11))
    assert second.code != first.code
    assert identify(db_session, second.code).resident is other


class _StuckRandom(random.Random):
    """A broken random source that always picks the same symbol."""

    def choice(self, seq):  # type: ignore[override]
        return seq[0]


def test_a_broken_random_source_is_refused(
    db_session: Session, make_resident: MakeResident, now: datetime
) -> None:
    residents = [make_resident(db_session, nickname=n, room=n) for n in ("1", "2")]
    with pytest.raises(CardError, match="not random"):
        issue_cards(db_session, residents, now=now, rng=_StuckRandom())
    assert db_session.scalars(select(Card)).all() == []


def test_services_only_flush(
    any_database: Database, make_resident: MakeResident, now: datetime
) -> None:
    with any_database.sessions() as session:
        issued = issue_card(session, make_resident(session), now=now, rng=random.Random(12))
        session.rollback()
    with any_database.sessions() as session:
        assert session.scalars(select(Card)).all() == []
        assert identify(session, issued.code).reason == "unknown"


def test_only_the_hash_is_stored(
    any_database: Database, make_resident: MakeResident, now: datetime, tmp_path: Path
) -> None:
    with any_database.sessions() as session:
        residents = [make_resident(session, nickname=f"居民{i}", room=f"{i:04d}") for i in range(5)]
        issued = issue_cards(session, residents, now=now, rng=random.Random(13))
        revoke_card(session, issued[0].card, reason="lost", now=now)
        issued.append(issue_card(session, residents[0], now=now, rng=random.Random(14)))
        session.commit()
    secrets = {item.code for item in issued} | {grouped(item.code) for item in issued}

    checked = 0
    with any_database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                for column, value in zip(table.columns, row, strict=True):
                    if value is None:
                        continue
                    text = str(value)
                    if isinstance(column.type, (String, Text)):
                        checked += 1
                    assert not any(secret in text for secret in secrets), (table.name, column.name)
    assert checked > 0

    if any_database.engine.dialect.name == "sqlite":
        any_database.dispose()  # checkpoints the WAL into the file
        raw = b"".join(path.read_bytes() for path in tmp_path.rglob("safezone.db*"))
        assert raw
        assert not any(secret.encode() in raw for secret in secrets)
        assert hash_code(issued[1].code).encode() in raw
