"""The kids' sticker book, derived from recorded answers: card holders keep theirs, guests only the
visit's; a sticker earned this visit is new; adult questions and wrong answers earn nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy.orm import Session

from safezone.content import load_content
from safezone.models import PlayMode
from safezone.services.stickers import CROSSING_PICTURE, sticker_book, sticker_catalogue

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle():
    return load_content(REPO_ROOT / "content", REPO_ROOT / "assets").bundle


def test_the_catalogue_is_every_kids_item_with_a_picture(bundle) -> None:
    stickers = sticker_catalogue(bundle)
    ids = [s.id for s in stickers]
    assert len(ids) == len(set(ids)) >= 90
    assert "fire-kids-lighter-found" in ids and "crossing-level-1" in ids
    assert not any(bundle.questions[i].audience == "adult" for i in ids if i in bundle.questions)
    assert all((REPO_ROOT / "assets" / s.picture).is_file() for s in stickers)
    by_id = {s.id: s for s in stickers}
    # A choice question's sticker is its right answer's picture; a level's is the zebra.
    assert by_id["fire-kids-lighter-found"].picture == "images/emoji/1f469.png"
    assert by_id["crossing-level-1"].picture == CROSSING_PICTURE
    topics = [s.topic for s in stickers]
    assert topics == sorted(topics, key=("fire", "home", "traffic", "cyber").index)


def test_a_card_holder_keeps_stickers_across_visits_and_sees_what_is_new(
    db: Session, community: Community, play_round: PlayRound, now: datetime, bundle
) -> None:
    child = community.resident("小明")
    play_round(child, [("fire-kids-lighter-found", True), ("fire-kids-alarm-beeping", False)],
                          now=now, mode=PlayMode.KIDS)
    second, _ = play_round(child, [("fire-kids-alarm-beeping", True), ("fire-kids-lighter-found", True),
                                   ("fire-lane-short-stop", True)],  # an adult question: no sticker
                           now=now + timedelta(days=1), mode=PlayMode.KIDS)
    book = sticker_book(db, bundle, resident_id=child.id, play_ids=[second.id])
    assert book.collected == {"fire-kids-lighter-found", "fire-kids-alarm-beeping"}
    assert book.new == {"fire-kids-alarm-beeping"}  # the lighter was already in the book
    assert book.count == 2 and book.total == len(sticker_catalogue(bundle))
    page = {s.id: got for s, got in book.page("fire")}
    assert page["fire-kids-lighter-found"] and not page["fire-kids-stop-drop-roll"]
    assert all(s.topic == "fire" for s, _ in book.page("fire"))
    other = community.resident("小红")
    assert sticker_book(db, bundle, resident_id=other.id).count == 0


def test_a_guest_has_only_the_visits_stickers(
    db: Session, play_round: PlayRound, now: datetime, bundle
) -> None:
    play_round(None, [("home-kids-kettle", True)], now=now, mode=PlayMode.KIDS)
    visit, _ = play_round(None, [("home-kids-socket-poke", True), ("crossing-level-1", True)],
                          now=now + timedelta(hours=1), mode=PlayMode.KIDS)
    book = sticker_book(db, bundle, play_ids=[visit.id])
    assert book.collected == {"home-kids-socket-poke", "crossing-level-1"} == book.new
    assert "home-kids-kettle" not in book.collected  # another child's visit
    assert sticker_book(db, bundle).count == 0  # no card, no visit: an empty book
