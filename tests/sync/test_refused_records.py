"""Records the server refuses for good are parked, reported and retried now and then; they never
block what is queued behind them, and nothing leaves the outbox without an acknowledgement.

A live HTTP server (SQLite server database) behind a small WSGI "proxy" that can do what real
deployments do: refuse big bodies with an HTML 413 (nginx's ``client_max_body_size``) and —
standing in for a server that does not name the refused records — drop the error details.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sync_support import (
    LiveServer,
    live_server,
    make_api_app,
    make_community,
    open_replica,
    play_session,
)

from safezone.app_context import Database
from safezone.cli import cli as root
from safezone.cli.sync_cmd import COMMANDS
from safezone.config import Settings
from safezone.models import AgeGroup, Household, PlaySession, Resident
from safezone.sync import agent as agent_module
from safezone.sync import outbox, tokens
from safezone.sync.agent import SyncAgent, configured_kiosk_id, enrol_replica
from safezone.sync.models import SyncOutbox

#: A kiosk whose clock battery died: what its records are dated.
DEAD_CLOCK = datetime(1970, 1, 1, 8, 0, tzinfo=UTC)
#: A resident the kiosk knows and the server does not (e.g. a server restored from an old backup).
STRANGER = 9999


class Proxy:
    """WSGI middleware in front of the sync API; counts the pushes it sees."""

    def __init__(self, app: Any) -> None:
        self.app = app
        #: Bodies longer than this are refused with an HTML 413, as nginx does (None: no limit).
        self.max_body: int | None = None
        #: Drop ``details`` from error answers (a server that does not name the bad records).
        self.strip_details = False
        self.pushes = 0

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/api/v1/push":
            self.pushes += 1
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if self.max_body is not None and length > self.max_body:
                environ["wsgi.input"].read(length)
                body = b"<html><head><title>413 Request Entity Too Large</title></head></html>"
                start_response("413 Request Entity Too Large",
                               [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
                return [body]
        if not self.strip_details:
            return self.app(environ, start_response)
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        if int(answer["status"][:3]) >= 400 and body.startswith(b"{"):
            body = json.dumps({**json.loads(body), "details": []}).encode()
        headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
        start_response(answer["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@dataclass
class District:
    """The server (behind its proxy) and one enrolled kiosk replica with its agent."""

    server: LiveServer
    proxy: Proxy
    server_db: Database
    kiosk_db: Database
    kiosk_dir: Path
    agent: SyncAgent
    residents: list[int]

    @property
    def kiosk_id(self) -> uuid.UUID:
        return configured_kiosk_id(self.kiosk_db)  # type: ignore[return-value]

    def play(self, *, when: datetime, resident_id: int | None = None, answers: int = 3) -> uuid.UUID:
        """One finished quiz on the kiosk, committed (queued by the outbox triggers)."""
        with self.kiosk_db.sessions() as session:
            played = play_session(session, now=when, resident_id=resident_id, kiosk_id=self.kiosk_id,
                                  answers=answers, seed=answers)
            session.commit()
            return played.id

    def on_server(self) -> set[uuid.UUID]:
        with self.server_db.sessions() as session:
            return set(session.scalars(select(PlaySession.id)))

    def queue(self) -> tuple[int, int]:
        """(records pending, of which parked) on the kiosk."""
        with self.kiosk_db.sessions() as session:
            return outbox.pending_count(session), outbox.parked_count(session)


@pytest.fixture
def district(settings: Settings, database: Database, clock, tmp_path: Path, now: datetime) -> Iterator[District]:
    with database.sessions() as session:
        community = make_community(session, now, residents=2)
        ticket = tokens.create_kiosk(session, "1号地块5栋架空层", now=now, rng=random.Random(1))
        session.commit()
    app = make_api_app(settings, clock)
    proxy = Proxy(app.wsgi_app)
    app.wsgi_app = proxy  # type: ignore[method-assign]
    with live_server(app) as server:
        kiosk_dir = tmp_path / "kiosk"
        kiosk_db = open_replica(kiosk_dir)
        enrol_replica(kiosk_db, server.url, ticket.code)
        agent = SyncAgent(kiosk_db, rng=random.Random(1), clock=lambda: now)
        agent.sync_once()  # the roster: the community's residents are known on the kiosk
        with kiosk_db.sessions() as session:
            # A resident only this kiosk knows (the server lost it): every record naming it is refused.
            household = session.scalars(select(Household.id)).first()
            session.add(Resident(id=STRANGER, household_id=household, nickname="外来", consent=True,
                                 age_group=AgeGroup.ADULT, created_at=now))
            session.commit()
        yield District(server, proxy, database, kiosk_db, kiosk_dir, agent, community.resident_ids)
        kiosk_db.dispose()
    app.extensions["safezone"].database.dispose()


def _cli() -> click.Group:
    for command in COMMANDS:  # the lead registers them in safezone/cli/__init__.py
        if command.name not in root.commands:
            root.add_command(command)
    return root


@pytest.mark.parametrize("server_names_records", [True, False], ids=["named", "found_by_halving"])
def test_refused_records_are_parked_and_everything_else_arrives(
        district: District, now: datetime, server_names_records: bool, monkeypatch) -> None:
    district.proxy.strip_details = not server_names_records
    r1, r2 = district.residents
    good = [district.play(when=now, resident_id=r1)]
    dead_clock = district.play(when=DEAD_CLOCK)
    good.append(district.play(when=now + timedelta(minutes=5)))
    stranger = district.play(when=now + timedelta(minutes=10), resident_id=STRANGER)
    good.append(district.play(when=now + timedelta(minutes=15), resident_id=r2))
    pushes = district.proxy.pushes

    district.agent.run_round()
    status = district.agent.status()
    assert status.state == "online", status
    assert district.on_server() >= set(good)
    assert not {dead_clock, stranger} & district.on_server()
    # Nothing without an acknowledgement left the kiosk: the refused records wait, flagged.
    pending, parked = district.queue()
    assert pending == parked == status.pending == status.parked
    assert parked == (1 + 3) + (1 + 3 + 1)  # each session, its answers; the stranger's points
    with district.kiosk_db.sessions() as session:
        units = {p.unit: p for p in outbox.parked_units(session)}
        queued = set(session.scalars(select(SyncOutbox.record_id)))
    assert {dead_clock, stranger} <= queued
    assert units[f"session:{dead_clock}"].error == "invalid_payload"
    assert {p.error for k, p in units.items() if k != f"session:{dead_clock}"} == {"unknown_resident"}
    assert len(units) == 3  # the two sessions, and the stranger's play points on their own
    if server_names_records:
        assert "loc=sessions.1.started_at" in units[f"session:{dead_clock}"].describe()
        assert district.proxy.pushes - pushes <= 4  # each refusal named its records
    else:
        assert district.proxy.pushes - pushes <= agent_module.MAX_REFUSALS_PER_ROUND
    assert status.refusal is not None and "3 refused units" in status.refusal

    # Parked records are not sent again round after round, and block nothing behind them.
    pushes = district.proxy.pushes
    later = district.play(when=now + timedelta(minutes=20), resident_id=r1)
    district.agent.run_round()
    assert district.proxy.pushes - pushes == 1 and later in district.on_server()
    assert district.queue() == (parked, parked)

    # `safezone sync` says what was refused and why, and exits 1.
    monkeypatch.setenv("SAFEZONE_DATA_DIR", str(district.kiosk_dir))
    result = CliRunner().invoke(_cli(), ["sync", "--no-content"])
    assert result.exit_code == 1, result.output
    assert f"{parked} record(s) in 3 unit(s) were refused by the server" in result.output
    assert f"session {dead_clock} (4 records): HTTP 422 invalid_payload" in result.output
    assert "unknown_resident" in result.output and "--retry-parked" in result.output


def test_a_batch_too_big_for_the_proxy_is_split_and_a_session_too_big_alone_is_parked(
        district: District, now: datetime, monkeypatch) -> None:
    plays = [district.play(when=now + timedelta(minutes=n)) for n in range(6)]
    huge = district.play(when=now + timedelta(hours=1), answers=40)
    plays.append(district.play(when=now + timedelta(hours=2)))
    with district.kiosk_db.sessions() as session:
        batch = outbox.collect_batch(session, sent_at=now)
        session.rollback()
    one = len(batch.subset([f"session:{plays[0]}"]).batch.model_dump_json())
    district.proxy.max_body = 3 * one  # three small sessions fit; the huge one never does
    district.agent.run_round()
    assert district.agent.status().state == "online"
    assert district.on_server() >= set(plays) and huge not in district.on_server()
    assert district.agent.batch_sessions < outbox.DEFAULT_BATCH_SESSIONS  # later batches are smaller
    with district.kiosk_db.sessions() as session:
        (unit,) = outbox.parked_units(session)
    assert (unit.unit, unit.status, unit.error) == (f"session:{huge}", 413, "http_413")

    # The proxy is fixed; a retry from the command line sends the parked session.
    district.proxy.max_body = None
    monkeypatch.setenv("SAFEZONE_DATA_DIR", str(district.kiosk_dir))
    result = CliRunner().invoke(_cli(), ["sync", "--no-content", "--retry-parked"])
    assert result.exit_code == 0, result.output
    assert "retried 1 parked unit(s)" in result.output and "; 0 pending" in result.output
    assert huge in district.on_server() and district.queue() == (0, 0)


def test_parked_records_are_retried_now_and_then_by_the_agent(district: District, now: datetime) -> None:
    dead_clock = district.play(when=DEAD_CLOCK)
    agent = SyncAgent(district.kiosk_db, rng=random.Random(2), parked_retry_rounds=3)
    agent.run_round()
    assert agent.status().parked == 4
    pushes = district.proxy.pushes
    agent.run_round()  # round 2: parked records are left alone
    assert district.proxy.pushes == pushes
    agent.run_round()  # round 3: tried again, refused again, parked again
    assert district.proxy.pushes == pushes + 1
    assert agent.status().parked == 4 and agent.status().state == "online"
    with district.kiosk_db.sessions() as session:
        (unit,) = outbox.parked_units(session)
    assert unit.unit == f"session:{dead_clock}"


def test_a_server_refusing_everything_costs_a_bounded_number_of_requests_a_round(
        district: District, now: datetime, monkeypatch) -> None:
    monkeypatch.setattr(agent_module, "MAX_REFUSALS_PER_ROUND", 4)
    district.proxy.strip_details = True
    for n in range(8):
        district.play(when=DEAD_CLOCK + timedelta(minutes=n))
    pushes = district.proxy.pushes
    district.agent.run_round()
    status = district.agent.status()
    assert status.state == "refused" and "invalid_payload" in (status.last_error or "")
    assert district.proxy.pushes - pushes == 5  # the budget, then the refusal stops the round
    assert 0 < status.parked < status.pending == 8 * 4
    for _ in range(10):  # later rounds carry on where it stopped
        district.agent.run_round()
    assert district.agent.status().parked == district.agent.status().pending == 32
    assert district.on_server() == set()


def test_a_revoked_kiosk_parks_nothing_and_keeps_everything(district: District, now: datetime) -> None:
    with district.server_db.sessions() as session:
        tokens.revoke_kiosk(session, district.kiosk_id, now=now, actor_label="admin")
        session.commit()
    district.play(when=now, resident_id=district.residents[0])
    district.play(when=DEAD_CLOCK)
    assert district.agent.run_round() == district.agent.max_delay
    status = district.agent.status()
    assert status.state == "revoked" and "kiosk_revoked" in (status.last_error or "")
    assert status.parked == 0 and status.pending == district.queue()[0] > 0
    with district.kiosk_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PlaySession)) == 2
        assert outbox.parked_units(session) == []


def test_a_damaged_parked_list_only_means_sending_again(district: District, now: datetime) -> None:
    district.play(when=DEAD_CLOCK)
    district.agent.run_round()
    with district.kiosk_db.sessions() as session:
        assert outbox.parked_count(session) == 4
        outbox.set_state(session, outbox.PARKED_KEY, "{damaged")
        session.commit()
        # A damaged value parks nothing: the records are simply sent (and parked) again.
        assert outbox.parked_units(session) == [] and outbox.parked_count(session) == 0
    district.agent.run_round()
    with district.kiosk_db.sessions() as session:
        (unit,) = outbox.parked_units(session)
        assert re.fullmatch(r"session:[0-9a-f-]{36}", unit.unit)
        assert outbox.pending_count(session) == 4


def test_one_refusal_names_every_refused_unit_so_nothing_is_bisected(
        district: District, now: datetime) -> None:
    # 30 dead-clock sessions are 150 schema errors (each session's times and 3 answers), more
    # than a refusal used to list: the server now names them all, by record id.
    good, dead = [], []
    for n in range(30):
        dead.append(district.play(when=DEAD_CLOCK + timedelta(minutes=n)))
        if n % 3 == 0:
            good.append(district.play(when=now + timedelta(minutes=n), resident_id=district.residents[0]))
    pushes = district.proxy.pushes
    district.agent.run_round()
    assert district.agent.status().state == "online"
    assert district.proxy.pushes - pushes == 2  # the refused batch, then the rest of it
    with district.kiosk_db.sessions() as session:
        units = outbox.parked_units(session)
    assert {p.unit for p in units} == {f"session:{d}" for d in dead}
    assert all(d["kind"] and d["id"] and d["reason"] for p in units for d in p.details)
    assert district.on_server() >= set(good) and not set(dead) & district.on_server()
