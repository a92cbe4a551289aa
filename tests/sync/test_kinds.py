"""One owner for the record kinds: the API's Literal, the batch lists and the outbox agree."""

from __future__ import annotations

from safezone.sync import outbox, schemas
from safezone.sync.kinds import RECORD_KINDS, SESSION_UNIT_KINDS, RecordKind


def test_api_literal_spells_the_enum() -> None:
    assert schemas.RECORD_KINDS == RECORD_KINDS == tuple(RecordKind)


def test_every_kind_is_a_batch_list_and_an_outbox_kind() -> None:
    for kind in RecordKind:
        assert kind.value in schemas.PushBatch.model_fields
        assert outbox._LISTS[kind.value] == kind.outbox_kind
        assert type(kind.outbox_kind) is str  # drivers bind plain strings, not enum members
    assert set(SESSION_UNIT_KINDS) == {"session", "answer", "badge"}
    assert len({k.outbox_kind for k in RecordKind}) == len(RecordKind)
