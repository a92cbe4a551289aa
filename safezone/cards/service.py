"""Issue, revoke and identify cards. Services only flush; the caller commits.

A card identifies a resident, it does not authenticate them: :func:`identify` answers "whose card
is this" for the kiosk greeting and roadshow check-in, with a friendly message when the answer is
"nobody".
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from safezone.cards.codes import CardCodeError, check_format, generate_code, hash_code
from safezone.models import Building, Card, CardStatus, Household, Resident
from safezone.services import audit

#: Reason stored on a card replaced by a new one.
REISSUED = "reissued"
#: Longest revocation reason the database keeps (``Card.revoked_reason``).
MAX_REASON_LENGTH = 200
# A fresh 64-bit code colliding with a stored hash is astronomically unlikely; a few rounds turn
# "unlikely" into "never" without looping forever on a broken random source.
_MAX_CODE_ROUNDS = 5


class CardError(Exception):
    """A card operation that cannot be done; the message says why in plain English."""


@dataclass(frozen=True)
class IssuedCard:
    """A newly issued card and its code. The code exists only here: print it, never store it."""

    card: Card
    code: str


# (zh-CN, en) texts per reason. Every refusal offers a way forward: scan again, see staff, or play
# as a guest — nobody should be left standing at the kiosk with nothing to do.
_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": (
        "没有读到卡号。请把卡片上的二维码对准扫码口，再试一次。",
        "No card code was read. Hold the QR code on your card up to the scanner and try again.",
    ),
    "character": (
        "这不是本社区的安全体验卡。请找工作人员办卡，或选择「游客体验」。",
        (
            "This is not one of our community safety cards. Ask a staff member for a card, "
            "or choose “Play as guest”."
        ),
    ),
    "length": (
        "卡号不完整，请再扫一次。如果还是不行，请找工作人员，或选择「游客体验」。",
        (
            "The card code is incomplete. Please scan again; if it still fails, ask a staff member "
            "or choose “Play as guest”."
        ),
    ),
    "checksum": (
        (
            "这张卡无法识别（卡号可能输错或卡片有磨损）。请再扫一次，或找工作人员，"
            "也可以选择「游客体验」。"
        ),
        (
            "This card cannot be read (the code may be mistyped or the card worn). Please scan "
            "again or ask a staff member — or choose “Play as guest”."
        ),
    ),
    "unknown": (
        "系统里还没有这张卡。请找工作人员登记，或选择「游客体验」。",
        "This card is not registered yet. Please ask a staff member, or choose “Play as guest”.",
    ),
    "revoked": (
        "这张卡已经停用（可能已换了新卡）。请使用新卡，或找工作人员补办；也可以选择「游客体验」。",
        (
            "This card is no longer valid (perhaps a new one replaced it). Please use your new card "
            "or ask a staff member — or choose “Play as guest”."
        ),
    ),
}


@dataclass(frozen=True)
class CardCheck:
    """The answer of :func:`identify`.

    ``ok`` is True only for an active card of a current resident. ``reason`` is ``"ok"``, one of
    the format reasons of :data:`safezone.cards.codes.FORMAT_REASONS`, ``"unknown"`` or
    ``"revoked"``. For a revoked card ``card`` and ``resident`` are set for staff screens, but a
    kiosk must not greet the holder.
    """

    ok: bool
    reason: str
    resident: Resident | None = None
    card: Card | None = None

    def message(self, lang: str = "zh-CN") -> str:
        """Return a friendly sentence for the person holding the card, in ``lang`` (zh-CN or en).

        A recognised card greets the resident by nickname and building (never the full name);
        any other result explains what happened and what to do next.
        """
        english = lang.lower().startswith("en")
        if self.ok and self.resident is not None:
            nickname = self.resident.nickname
            building = self.resident.household.building.label
            if english:
                return f"Welcome, {nickname} ({building})!"
            return f"欢迎你，{nickname}（{building}）！"
        zh, en = _MESSAGES[self.reason]
        return en if english else zh


def _check_reason(reason: str) -> str:
    """Return the stripped revocation ``reason`` or raise :class:`CardError`."""
    cleaned = reason.strip()
    if not cleaned:
        raise CardError("a revocation reason is required (e.g. 'lost', 'resident moved out')")
    if len(cleaned) > MAX_REASON_LENGTH:
        raise CardError(
            f"revocation reason is {len(cleaned)} characters long; keep it under "
            f"{MAX_REASON_LENGTH + 1}"
        )
    return cleaned


def _revoke(card: Card, *, reason: str, now: datetime) -> None:
    """Mark ``card`` revoked (no audit entry, no flush)."""
    card.status = CardStatus.REVOKED
    card.revoked_at = now
    card.revoked_reason = reason


def active_card(session: Session, resident_id: int) -> Card | None:
    """Return the resident's active card, or None when they have none."""
    return session.scalars(
        select(Card)
        .where(Card.resident_id == resident_id, Card.status == CardStatus.ACTIVE)
        .order_by(Card.id.desc())
        .limit(1)
    ).first()


def _fresh_codes(session: Session, count: int, rng: random.Random | None) -> list[tuple[str, str]]:
    """Return ``count`` new ``(code, hash)`` pairs whose hashes are unique and not yet stored."""
    fresh: dict[str, str] = {}
    for _ in range(_MAX_CODE_ROUNDS):
        batch: dict[str, str] = {}
        while len(batch) < count - len(fresh):
            code = generate_code(rng)
            digest = hash_code(code)
            if digest in fresh or digest in batch:
                break  # a repeat within one batch: only a broken random source does that
            batch[digest] = code
        for chunk in _chunks(sorted(batch), 500):
            for stored in session.scalars(select(Card.code_hash).where(Card.code_hash.in_(chunk))):
                del batch[stored]
        fresh.update(batch)
        if len(fresh) == count:
            return [(code, digest) for digest, code in fresh.items()]
    raise CardError(
        f"could not draw {count} unused card codes in {_MAX_CODE_ROUNDS} rounds; "
        "the random source is not random"
    )


def issue_card(
    session: Session,
    resident: Resident,
    *,
    now: datetime,
    rng: random.Random | None = None,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> IssuedCard:
    """Issue a new card to ``resident`` and return it with its code (flushed, not committed).

    The resident's previous active card, if any, is revoked with reason ``"reissued"``: one
    active card per resident. Raises :class:`CardError` for an anonymised resident. The audit
    entry names the card and the resident, never the code.
    """
    return issue_cards(
        session, [resident], now=now, rng=rng, actor_label=actor_label, actor_id=actor_id
    )[0]


def issue_cards(
    session: Session,
    residents: Sequence[Resident],
    *,
    now: datetime,
    rng: random.Random | None = None,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> list[IssuedCard]:
    """Issue one new card to each of ``residents`` (in order), like :func:`issue_card` for each.

    Loads the residents' active cards and checks the new hashes in a few set-based queries and
    inserts the cards in one flush, so printing a whole compound's cards stays fast. All-or-nothing within the caller's transaction: an anonymised
    or repeated resident raises :class:`CardError` before anything is changed.
    """
    seen: set[int] = set()
    for resident in residents:
        if resident.anonymised_at is not None:
            raise CardError(f"resident {resident.id} is anonymised and cannot get a card")
        if resident.id in seen:
            raise CardError(f"resident {resident.id} is listed twice; one card per resident")
        seen.add(resident.id)

    previous: dict[int, list[Card]] = {}
    for ids in _chunks([r.id for r in residents], 500):
        for card in session.scalars(
            select(Card).where(Card.resident_id.in_(ids), Card.status == CardStatus.ACTIVE)
        ):
            previous.setdefault(card.resident_id, []).append(card)

    issued: list[IssuedCard] = []
    replaced: dict[int, list[int]] = {}
    codes = _fresh_codes(session, len(residents), rng)
    for resident, (code, digest) in zip(residents, codes, strict=True):
        old_cards = previous.get(resident.id, [])
        for old in old_cards:
            _revoke(old, reason=REISSUED, now=now)
        replaced[resident.id] = [old.id for old in old_cards]
        card = Card(
            resident_id=resident.id, code_hash=digest, status=CardStatus.ACTIVE, issued_at=now
        )
        card.resident = resident
        session.add(card)
        issued.append(IssuedCard(card=card, code=code))
    session.flush()  # assigns card ids for the audit entries

    # The audit entries go in with one flush at the end, not one flush (and INSERT round) each.
    for item in issued:
        resident_id = item.card.resident_id
        for old_id in replaced[resident_id]:
            _audit_revoke(
                session, old_id, resident_id, REISSUED, now, actor_label, actor_id, flush=False
            )
        audit.record(
            session,
            action="card.issue",
            actor_label=actor_label,
            actor_id=actor_id,
            now=now,
            target_type="card",
            target_id=item.card.id,
            details={"resident_id": resident_id, "replaces": replaced[resident_id]},
            flush=False,
        )
    session.flush()
    return issued


def _audit_revoke(
    session: Session,
    card_id: int,
    resident_id: int,
    reason: str,
    now: datetime,
    actor_label: str,
    actor_id: int | None,
    *,
    flush: bool = True,
) -> None:
    """Append the audit entry of one revocation (``flush=False``: the caller flushes)."""
    audit.record(
        session,
        action="card.revoke",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="card",
        target_id=card_id,
        details={"resident_id": resident_id, "reason": reason},
        flush=flush,
    )


def revoke_card(
    session: Session,
    card: Card,
    *,
    reason: str,
    now: datetime,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> None:
    """Revoke ``card`` for ``reason`` (e.g. "lost"); flushed, not committed, audited.

    Raises :class:`CardError` when the card is already revoked or the reason is empty or longer
    than 200 characters; nothing is changed then.
    """
    cleaned = _check_reason(reason)
    if card.status is CardStatus.REVOKED:
        raise CardError(
            f"card {card.id} is already revoked ({card.revoked_reason or 'no reason given'})"
        )
    _revoke(card, reason=cleaned, now=now)
    session.flush()
    _audit_revoke(session, card.id, card.resident_id, cleaned, now, actor_label, actor_id)


@lru_cache(maxsize=1)
def _identify_query() -> Select[Card]:
    # One round trip for the card, its resident, household, building and plot (everything the
    # greeting shows): identify is the hot path of kiosk greetings and roadshow check-in bursts.
    # Inner joins are safe because every link is a non-null foreign key. Built once with a bound
    # parameter, since building the statement and its loader options costs more than running it.
    return (
        select(Card)
        .where(Card.code_hash == bindparam("code_hash"))
        .options(
            joinedload(Card.resident, innerjoin=True)
            .joinedload(Resident.household, innerjoin=True)
            .joinedload(Household.building, innerjoin=True)
            .joinedload(Building.plot, innerjoin=True)
        )
    )


def identify(session: Session, raw: str) -> CardCheck:
    """Tell whose card ``raw`` (a scanned or typed code) is.

    Steps: format and check character (no database access for garbage), then a lookup by hash,
    then the card's status. A card whose resident was anonymised counts as revoked.
    """
    try:
        code = check_format(raw)
    except CardCodeError as exc:
        return CardCheck(ok=False, reason=exc.reason)
    card = session.scalars(_identify_query(), {"code_hash": hash_code(code)}).first()
    if card is None:
        return CardCheck(ok=False, reason="unknown")
    resident = card.resident
    if card.status is not CardStatus.ACTIVE or resident.anonymised_at is not None:
        return CardCheck(ok=False, reason="revoked", resident=resident, card=card)
    return CardCheck(ok=True, reason="ok", resident=resident, card=card)


_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    """Yield ``items`` in slices of at most ``size`` (keeps IN lists within engine limits)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
