"""Kiosk side: the sync agent — push the outbox, pull roster, roadshows and content.

``SyncAgent.sync_once()`` is one full round (``safezone sync`` runs it once); ``start()`` runs
rounds in a background thread of the kiosk process: every ``interval`` seconds while the server
answers, with exponential back-off and full jitter while it does not. ``status()`` is cheap and
thread-safe: the kiosk can draw its offline indicator ("离线，数据已保存") from it every frame.
No timestamp from this machine is compared with the server's, so a wrong kiosk clock cannot
make anything be skipped or resent.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.db.base import utcnow
from safezone.models import Kiosk
from safezone.sync import outbox, replica
from safezone.sync.client import Offline, Refused, SyncClient, SyncError
from safezone.sync.schemas import ContentPack, RoadshowList, Roster

#: Keys of the client state (table ``sync_state``).
SERVER_URL, KIOSK_ID, KIOSK_NAME, TOKEN = "server_url", "kiosk_id", "kiosk_name", "token"
ROSTER_VERSION = "roster_version"
#: Most batches pushed in one round (the rest waits for the next round).
MAX_BATCHES_PER_ROUND = 1000

ClientFactory = Callable[[str, "str | None"], SyncClient]

_MESSAGES = {
    "not_configured": ("未连接服务器（单机模式）", "No server configured (single machine)"),
    "online": ("已同步", "Synced"),
    "syncing": ("正在同步…", "Syncing…"),
    "offline": ("离线，数据已保存", "Offline — data saved"),
    "revoked": ("终端已停用，数据已保存", "Kiosk revoked — data saved"),
    "refused": ("同步被拒绝，数据已保存", "Sync refused — data saved"),
}


@dataclass(frozen=True)
class SyncStatus:
    """What the kiosk's indicator shows."""

    #: ``not_configured``, ``syncing``, ``online``, ``offline``, ``revoked`` or ``refused``.
    state: str
    #: Records waiting to be sent (as of the last round).
    pending: int = 0
    #: Kiosk-clock time of the last successful round.
    last_success_at: datetime | None = None
    #: The last error, for staff (None when the last round worked).
    last_error: str | None = None
    #: Consecutive failed rounds.
    failures: int = 0

    @property
    def offline(self) -> bool:
        """True when the indicator should say the kiosk is working without the server."""
        return self.state in ("offline", "revoked", "refused")

    def message(self, lang: str = "zh-CN") -> str:
        """Short, honest text for the screen, e.g. ``离线，数据已保存``."""
        zh, en = _MESSAGES[self.state]
        return en if lang == "en" else zh


@dataclass
class SyncReport:
    """What one round did."""

    batches: int = 0
    sessions: int = 0
    answers: int = 0
    other_records: int = 0
    new_on_server: int = 0
    roster_changed: bool = False
    revoked_cards: int = 0
    roadshows: int = 0
    content_version: str | None = None
    content_error: str | None = None
    clock_skew_seconds: float | None = None
    pending_after: int = 0
    notes: list[str] = field(default_factory=list)


def _default_client(server_url: str, token: str | None) -> SyncClient:
    return SyncClient(server_url, token)


def enrol_replica(database: Database, server_url: str, code: str, *,
                  client_factory: ClientFactory = _default_client) -> Kiosk:
    """Enrol this kiosk: exchange ``code`` for a token, store the server URL, kiosk id and
    token in the replica, add the kiosk's own row (sessions reference it) and install the
    outbox. Raises :class:`~safezone.sync.client.SyncError` subclasses on failure."""
    answer = client_factory(server_url, None).enrol(code)
    with database.sessions() as session:
        kiosk = session.get(Kiosk, answer.kiosk_id)
        if kiosk is None:
            kiosk = Kiosk(id=answer.kiosk_id, name=answer.kiosk_name, created_at=answer.server_time)
            session.add(kiosk)
        kiosk.name = answer.kiosk_name
        outbox.set_state(session, SERVER_URL, server_url)
        outbox.set_state(session, KIOSK_ID, str(answer.kiosk_id))
        outbox.set_state(session, KIOSK_NAME, answer.kiosk_name)
        outbox.set_state(session, TOKEN, answer.token)
        outbox.set_state(session, ROSTER_VERSION, None)
        session.commit()
    outbox.prepare_replica(database.engine)
    return kiosk


def configured_kiosk_id(database: Database) -> uuid.UUID | None:
    """The enrolled kiosk's id (pass it to the kiosk's backend), or None in single-machine mode."""
    with database.sessions() as session:
        value = outbox.get_state(session, KIOSK_ID)
    return uuid.UUID(value) if value else None


class SyncAgent:
    """Syncs one kiosk replica with its server; see the module docstring."""

    def __init__(
        self,
        database: Database,
        *,
        packs_dir: Path | None = None,
        assets_dir: Path | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        interval: float = 30.0,
        base_delay: float = 2.0,
        max_delay: float = 300.0,
        client_factory: ClientFactory = _default_client,
    ) -> None:
        self.database = database
        self.packs_dir = packs_dir
        self.assets_dir = assets_dir
        self.clock = clock
        self.rng = rng or random.Random()
        self.interval = interval
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.client_factory = client_factory
        self._lock = threading.Lock()
        self._round_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus(state="not_configured")
        self._prepared = False

    # -- status -------------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        """The latest status (no database access; safe to call every frame)."""
        with self._lock:
            return self._status

    def _set_status(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]

    # -- one round ----------------------------------------------------------------------------

    def _client(self) -> SyncClient | None:
        with self.database.sessions() as session:
            url = outbox.get_state(session, SERVER_URL)
            token = outbox.get_state(session, TOKEN)
        if not url or not token:
            return None
        return self.client_factory(url, token)

    def _pending(self) -> int:
        with self.database.sessions() as session:
            return outbox.pending_count(session)

    def sync_once(self) -> SyncReport:
        """One full round: push everything queued, then pull roster, roadshows and content.

        Raises :class:`Offline`, :class:`Refused` or :class:`SyncError`; data stays queued.
        """
        with self._round_lock:
            client = self._client()
            if client is None:
                raise SyncError("此终端尚未注册 / this kiosk is not enrolled; run "
                                "'safezone sync --server URL --enrol-code CODE'")
            if not self._prepared:
                outbox.prepare_replica(self.database.engine)
                self._prepared = True
            report = SyncReport()
            self._push_all(client, report)
            self._pull(client, report)
            report.pending_after = self._pending()
            return report

    def push_pending(self) -> SyncReport:
        """Push everything queued, without pulling (benchmarks, a quick flush at shutdown)."""
        with self._round_lock:
            client = self._client()
            if client is None:
                raise SyncError("此终端尚未注册 / this kiosk is not enrolled")
            outbox.prepare_replica(self.database.engine)
            report = SyncReport()
            self._push_all(client, report)
            report.pending_after = self._pending()
            return report

    def _push_all(self, client: SyncClient, report: SyncReport) -> None:
        for _ in range(MAX_BATCHES_PER_ROUND):
            session: Session
            with self.database.sessions() as session:
                outgoing = outbox.collect_batch(session, sent_at=self.clock())
                session.rollback()  # end the read snapshot
            if outgoing.empty:
                return
            result = client.push(outgoing.batch)
            with self.database.sessions() as session:
                outbox.acknowledge(session, outgoing)
                session.commit()
            batch = outgoing.batch
            report.batches += 1
            report.sessions += len(batch.sessions)
            report.answers += len(batch.answers)
            report.other_records += (len(batch.points_entries) + len(batch.badge_awards)
                                     + len(batch.checkins))
            report.new_on_server += sum(getattr(result, k).new for k in (
                "sessions", "answers", "points_entries", "badge_awards", "checkins"))
            report.clock_skew_seconds = result.clock_skew_seconds

    def _pull(self, client: SyncClient, report: SyncReport) -> None:
        with self.database.sessions() as session:
            have = outbox.get_state(session, ROSTER_VERSION)
        pulled = client.roster(have)
        if isinstance(pulled.data, Roster):
            with self.database.sessions() as session:
                counts = replica.apply_roster(session, pulled.data)
                outbox.set_state(session, ROSTER_VERSION, pulled.data.version)
                session.commit()
            report.roster_changed = True
            report.revoked_cards = counts.revoked_cards
        roadshows: RoadshowList = client.roadshows()
        with self.database.sessions() as session:
            report.roadshows = replica.apply_roadshows(session, roadshows)
            session.commit()
        if self.packs_dir is not None:
            content = client.content(replica.current_pack_version(self.packs_dir))
            if isinstance(content.data, ContentPack):
                try:
                    replica.install_content_pack(content.data, self.packs_dir,
                                                 assets_dir=self.assets_dir)
                except replica.ContentPackRejected as exc:
                    # Keep playing the current pack; staff see why in the status.
                    report.content_error = str(exc)
            report.content_version = replica.current_pack_version(self.packs_dir)

    # -- the loop -----------------------------------------------------------------------------

    def next_delay(self, failures: int) -> float:
        """Seconds until the next round: the interval (±10 %) after a success, else exponential
        back-off with full jitter, capped at ``max_delay``."""
        if failures <= 0:
            return self.interval * self.rng.uniform(0.9, 1.1)
        ceiling = min(self.max_delay, self.base_delay * 2 ** min(failures - 1, 30))
        return self.rng.uniform(ceiling / 2, ceiling)

    def run_round(self) -> float:
        """One round with every error handled; updates :meth:`status` and returns the delay
        before the next round."""
        previous = self.status()
        try:
            client_ready = self._client() is not None
        except Exception as exc:  # noqa: BLE001 — a broken replica must not kill the thread
            self._set_status(state="refused", last_error=str(exc), failures=previous.failures + 1)
            return self.next_delay(previous.failures + 1)
        if not client_ready:
            self._set_status(state="not_configured")
            return self.interval
        self._set_status(state="syncing")
        try:
            report = self.sync_once()
        except Offline as exc:
            state, error = "offline", exc.message
        except Refused as exc:
            state, error = ("revoked" if exc.revoked else "refused"), f"{exc.error}: {exc.message}"
        except Exception as exc:  # noqa: BLE001 — logged in the status, retried later
            state, error = "refused", f"{exc.__class__.__name__}: {exc}"
        else:
            self._set_status(state="online", pending=report.pending_after,
                             last_success_at=self.clock(), last_error=report.content_error,
                             failures=0)
            return self.next_delay(0)
        failures = previous.failures + 1
        try:
            pending = self._pending()
        except Exception:  # noqa: BLE001
            pending = previous.pending
        self._set_status(state=state, last_error=error, failures=failures, pending=pending)
        if state == "revoked":
            return self.max_delay
        return self.next_delay(failures)

    def start(self) -> None:
        """Run rounds in a daemon thread until :meth:`stop`."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            delay = 0.0
            while not self._stop.wait(delay):
                delay = self.run_round()

        self._thread = threading.Thread(target=loop, name="safezone-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after its current round and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
