"""Kiosk side: the sync agent — push the outbox, pull roster, roadshows and content.

``SyncAgent.sync_once()`` is one full round (``safezone sync`` runs it once); ``start()`` runs
rounds in a background thread of the kiosk process: every ``interval`` seconds while the server
answers, with exponential back-off and full jitter while it does not. ``status()`` is cheap and
thread-safe: the kiosk can draw its offline indicator ("离线，数据已保存") from it every frame.
No timestamp from this machine is compared with the server's, so a wrong kiosk clock cannot
make anything be skipped or resent.

A batch the server refuses because of its records (403 ``foreign_kiosk``, 409, 413, 422) is
not retried as it is: a 413 batch is split smaller; otherwise the refused records — named by
the server's details, or found by splitting the batch in halves — are parked in the outbox
(see :class:`safezone.sync.outbox.ParkedUnit`) and the rest is sent. Parked records are shown
in the status and by ``safezone sync``, and retried now and then (every
``parked_retry_rounds`` rounds, or ``safezone sync --retry-parked``). A refused token (401,
403) stops the round with everything kept, as does any other refusal.

With a ``content_loader`` (the kiosk passes one), a newly installed content pack is also
loaded and validated here, in the agent's thread, and offered in :attr:`SyncStatus.content`;
the kiosk switches to it between two visits, never during one.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.content.bundle import ContentBundle
from safezone.content.loader import LoadResult
from safezone.db.base import utcnow
from safezone.models import Kiosk
from safezone.sync import outbox, replica
from safezone.sync.client import Offline, Refused, SyncClient, SyncError
from safezone.sync.kinds import RECORD_KINDS
from safezone.sync.outbox import OutgoingBatch, ParkedUnit
from safezone.sync.schemas import ContentPack, PushResult, RoadshowList, Roster

#: Keys of the client state (table ``sync_state``).
SERVER_URL, KIOSK_ID, KIOSK_NAME, TOKEN = "server_url", "kiosk_id", "kiosk_name", "token"
ROSTER_VERSION = "roster_version"
#: Most batches pushed in one round (the rest waits for the next round).
MAX_BATCHES_PER_ROUND = 1000
#: Refused pushes one round may spend finding and parking refused records; past it the round
#: stops with the server's reason (a server refusing everything must not cost thousands of
#: requests a round) and carries on next round.
MAX_REFUSALS_PER_ROUND = 64
#: Rounds between automatic retries of parked records (about an hour at the 30 s interval).
PARKED_RETRY_ROUNDS = 120

ClientFactory = Callable[[str, "str | None"], SyncClient]
#: Loads a content folder (the kiosk passes its cached loader): ``loader(folder)``.
ContentLoader = Callable[[Path], LoadResult]

_MESSAGES = {
    "not_configured": ("未连接服务器（单机模式）", "No server configured (single machine)"),
    "online": ("已同步", "Synced"),
    "syncing": ("正在同步…", "Syncing…"),
    "offline": ("离线，数据已保存", "Offline — data saved"),
    "revoked": ("终端已停用，数据已保存", "Kiosk revoked — data saved"),
    "refused": ("同步被拒绝，数据已保存", "Sync refused — data saved"),
}


@dataclass(frozen=True)
class ReadyContent:
    """A content pack installed, loaded and validated off the kiosk's UI thread: the kiosk only
    has to swap its reference to ``bundle`` (between visits)."""

    #: The pack's version (the folder name under ``content-packs``).
    version: str
    #: The loaded content, with no problem in it.
    bundle: ContentBundle = field(compare=False, repr=False)


@dataclass(frozen=True)
class SyncStatus:
    """What the kiosk's indicator shows, and what the kiosk takes from the agent."""

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
    #: Records the server refused for good, kept in the outbox and not sent (see the module).
    parked: int = 0
    #: The server's reason for the latest parked unit, for staff (None when nothing is parked).
    refusal: str | None = None
    #: The newest content pack, ready to play (None until one was installed while running).
    content: ReadyContent | None = None

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
    #: Version of the content pack loaded this round and offered in the status (kiosk only).
    content_ready: str | None = None
    clock_skew_seconds: float | None = None
    #: Records waiting after the round, parked ones included.
    pending_after: int = 0
    #: Units parked this round, every unit parked after it, and the records in those.
    newly_parked: list[ParkedUnit] = field(default_factory=list)
    parked_units: list[ParkedUnit] = field(default_factory=list)
    parked_after: int = 0
    #: Parked units queued normally again at the start of this round (a retry).
    unparked: int = 0
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
        content_loader: ContentLoader | None = None,
        parked_retry_rounds: int = PARKED_RETRY_ROUNDS,
    ) -> None:
        self.database = database
        self.packs_dir = packs_dir
        self.assets_dir = assets_dir
        self.content_loader = content_loader
        self.parked_retry_rounds = parked_retry_rounds
        #: Batch size; halved when the server (or a proxy before it) answers 413.
        self.batch_rows = outbox.DEFAULT_BATCH_ROWS
        self.batch_sessions = outbox.DEFAULT_BATCH_SESSIONS
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
        self._rounds = 0
        self._refusals_left = MAX_REFUSALS_PER_ROUND
        # The pack current at start-up is the one the kiosk loaded itself: only a later one is
        # loaded here and offered.
        self._offered_version = (replica.current_pack_version(packs_dir)
                                 if packs_dir is not None and content_loader is not None else None)

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

    def _queue_figures(self) -> tuple[int, int, str | None]:
        """(records pending, records parked, the status line about parked records)."""
        with self.database.sessions() as session:
            return (outbox.pending_count(session), outbox.parked_count(session),
                    _refusal_text(outbox.parked_units(session)))

    def _finish_report(self, report: SyncReport) -> SyncReport:
        with self.database.sessions() as session:
            report.pending_after = outbox.pending_count(session)
            report.parked_units = outbox.parked_units(session)
            report.parked_after = outbox.parked_count(session)
        return report

    def sync_once(self, *, retry_parked: bool = False) -> SyncReport:
        """One full round: push everything queued, then pull roster, roadshows and content.

        ``retry_parked`` first queues the parked records normally again (parked again if the
        server still refuses them). Raises :class:`Offline`, :class:`Refused` or
        :class:`SyncError`; data stays queued.
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
            if retry_parked:
                with self.database.sessions() as session:
                    report.unparked = outbox.unpark_all(session)
                    session.commit()
            self._push_all(client, report)
            self._pull(client, report)
            return self._finish_report(report)

    def push_pending(self) -> SyncReport:
        """Push everything queued, without pulling (benchmarks, a quick flush at shutdown)."""
        with self._round_lock:
            client = self._client()
            if client is None:
                raise SyncError("此终端尚未注册 / this kiosk is not enrolled")
            outbox.prepare_replica(self.database.engine)
            report = SyncReport()
            self._push_all(client, report)
            return self._finish_report(report)

    def _collect(self, skip_units: Iterable[str] = ()) -> OutgoingBatch:
        """The next batch in the outbox, leaving out the units ``skip_units`` (a batch still
        in flight)."""
        session: Session
        with self.database.sessions() as session:
            outgoing = outbox.collect_batch(session, sent_at=self.clock(),
                                            max_rows=self.batch_rows,
                                            max_sessions=self.batch_sessions,
                                            skip_units=skip_units)
            session.rollback()  # end the read snapshot
        return outgoing

    def _push_all(self, client: SyncClient, report: SyncReport) -> None:
        """Push batches until the outbox is empty (or ``MAX_BATCHES_PER_ROUND``).

        Pipelined: while the server stores one batch, this thread reads the next one from the
        outbox (leaving out the units in flight), so the kiosk's reading and the server's
        writing overlap. Only this thread touches the database; the other only waits on HTTP.
        A batch is acknowledged only after its own response, in order. When the server
        refuses a batch, the read-ahead is dropped and read again after the refusal is
        handled (it may have parked units or shrunk the batch size).
        """
        self._refusals_left = MAX_REFUSALS_PER_ROUND
        outgoing = self._collect()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="safezone-push") as pool:
            for _ in range(MAX_BATCHES_PER_ROUND):
                if outgoing.empty:
                    return
                outgoing.batch.sent_at = self.clock()
                in_flight = pool.submit(client.push, outgoing.batch)
                following = self._collect(skip_units=outgoing.units)
                if self._deliver(client, outgoing, report, in_flight=in_flight):
                    outgoing = following
                else:
                    outgoing = self._collect()

    def _deliver(self, client: SyncClient, outgoing: OutgoingBatch, report: SyncReport,
                 in_flight: Future[PushResult] | None = None) -> bool:
        """Push ``outgoing`` (or wait for ``in_flight``, its push already under way); when the
        server refuses its records, split it or park the refused units and deliver the rest.
        True when it was accepted as it was. Raises whatever must stop the round (offline, a
        refused token or request, more than ``MAX_REFUSALS_PER_ROUND`` refusals)."""
        try:
            result = in_flight.result() if in_flight is not None else client.push(outgoing.batch)
        except Refused as exc:
            if not refuses_records(exc):
                raise
            self._refusals_left -= 1
            if self._refusals_left < 0:
                raise
            units = list(outgoing.units)
            if len(units) == 1:
                named = outgoing.refused_units(exc.details)
                self._park(outgoing, {units[0]: named.get(units[0]) or exc.details}, exc, report)
                return False
            if exc.status == 413:
                # Too big for the server or a proxy before it: halve this batch, and the
                # batches after it too.
                self.batch_sessions = max(1, min(self.batch_sessions, len(outgoing.batch.sessions)) // 2)
                self.batch_rows = max(1, min(self.batch_rows, len(outgoing.seqs)) // 2)
                parts: tuple[OutgoingBatch, ...] = outgoing.split()
            else:
                named = outgoing.refused_units(exc.details)
                if named:
                    self._park(outgoing, named, exc, report)
                    parts = (outgoing.subset(k for k in units if k not in named),)
                else:  # the server did not say which records: find them by halving
                    parts = outgoing.split()
            for part in parts:
                if not part.empty:
                    self._deliver(client, part, report)
            return False
        with self.database.sessions() as session:
            outbox.acknowledge(session, outgoing)
            session.commit()
        self._count(outgoing, result, report)
        return True

    def _park(self, outgoing: OutgoingBatch, named: dict[str, list[dict]], refusal: Refused,
              report: SyncReport) -> None:
        """Park the units ``named`` (with the details naming each) and commit at once."""
        parked_at = self.clock().isoformat(timespec="seconds")
        units = [ParkedUnit(unit=key, records=outgoing.records_in(key), status=refusal.status,
                            error=refusal.error, message=refusal.message,
                            details=list(details)[:5], parked_at=parked_at)
                 for key, details in named.items()]
        with self.database.sessions() as session:
            outbox.park(session, units)
            if any(u.unit.startswith("points:") for u in units):
                # Refused ledger rows stop counting in the kiosk's balances: pull the whole
                # roster next, so every baseline is set again without them.
                outbox.set_state(session, ROSTER_VERSION, None)
            session.commit()
        report.newly_parked.extend(units)

    @staticmethod
    def _count(outgoing: OutgoingBatch, result: PushResult, report: SyncReport) -> None:
        batch = outgoing.batch
        report.batches += 1
        report.sessions += len(batch.sessions)
        report.answers += len(batch.answers)
        report.other_records += (len(batch.points_entries) + len(batch.badge_awards)
                                 + len(batch.checkins))
        report.new_on_server += sum(getattr(result, k).new for k in RECORD_KINDS)
        report.clock_skew_seconds = result.clock_skew_seconds

    def _pull_roster(self, client: SyncClient, report: SyncReport) -> None:
        """Pull the roster changes since the stored cursor and apply them together with the new
        cursor, in one transaction (a kill leaves the old roster and the old cursor, which the
        server answers again). A server without roster changes (HTTP 404) gets the old
        whole-roster pull; its version is stored in the same place, and a newer server answers
        that version with a full snapshot."""
        with self.database.sessions() as session:
            have = outbox.get_state(session, ROSTER_VERSION)
        try:
            changes = client.roster_changes(have)
        except Refused as exc:
            if exc.status != 404:
                raise
            pulled = client.roster(have)
            if isinstance(pulled.data, Roster):
                with self.database.sessions() as session:
                    counts = replica.apply_roster(session, pulled.data)
                    outbox.set_state(session, ROSTER_VERSION, pulled.data.version)
                    session.commit()
                report.roster_changed = True
                report.revoked_cards = counts.revoked_cards
            return
        changed = changes.full or any((changes.sites, changes.residents, changes.cards,
                                       changes.removed_cards))
        if not changed and changes.cursor == have:
            return
        with self.database.sessions() as session:
            if changed:
                counts = replica.apply_roster_changes(session, changes)
                report.roster_changed = True
                report.revoked_cards = counts.revoked_cards
            outbox.set_state(session, ROSTER_VERSION, changes.cursor)
            session.commit()

    def _pull(self, client: SyncClient, report: SyncReport) -> None:
        self._pull_roster(client, report)
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
            if self.content_loader is not None:
                self._offer_content(report)

    def _offer_content(self, report: SyncReport) -> None:
        """Load the current pack when it is not the one the kiosk plays or was offered, and
        offer it in the status once it loaded without a single problem."""
        version = report.content_version
        if version is None or version == self._offered_version or self.content_loader is None:
            return
        # Tried once per version: a pack that does not load is not parsed again every round.
        self._offered_version = version
        assert self.packs_dir is not None
        try:
            # The version folder itself, not the "current" link: it stays valid when the link
            # moves on.
            result = self.content_loader(self.packs_dir / version)
        except Exception as exc:  # noqa: BLE001 — the kiosk keeps playing what it has
            report.content_error = f"content pack {version} could not be loaded: {exc}"
            return
        if not result.ok:
            first = result.problems[0]
            report.content_error = (f"content pack {version} has {len(result.problems)} "
                                    f"problem(s), first: {first}")
            return
        self._set_status(content=ReadyContent(version=version, bundle=result.bundle))
        report.content_ready = version

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
        self._rounds += 1
        retry = self.parked_retry_rounds > 0 and self._rounds % self.parked_retry_rounds == 0
        try:
            report = self.sync_once(retry_parked=retry)
        except Offline as exc:
            state, error = "offline", exc.message
        except Refused as exc:
            state, error = ("revoked" if exc.revoked else "refused"), f"{exc.error}: {exc.message}"
        except Exception as exc:  # noqa: BLE001 — logged in the status, retried later
            state, error = "refused", f"{exc.__class__.__name__}: {exc}"
        else:
            self._set_status(state="online", pending=report.pending_after,
                             last_success_at=self.clock(), last_error=report.content_error,
                             failures=0, parked=report.parked_after,
                             refusal=_refusal_text(report.parked_units))
            return self.next_delay(0)
        failures = previous.failures + 1
        try:
            pending, parked, refusal = self._queue_figures()
        except Exception:  # noqa: BLE001 — a broken replica: keep the last known figures
            pending, parked, refusal = previous.pending, previous.parked, previous.refusal
        self._set_status(state=state, last_error=error, failures=failures, pending=pending,
                         parked=parked, refusal=refusal)
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


def refuses_records(refusal: Refused) -> bool:
    """True when the server refused the batch because of records in it (so other records can
    still go), not because of this kiosk's token or the request itself."""
    if refusal.revoked:
        return False
    return refusal.status in (409, 413, 422) or (refusal.status == 403
                                                 and refusal.error == "foreign_kiosk")


def _refusal_text(parked: list[ParkedUnit]) -> str | None:
    """The status line about parked records: how many units, and the latest reason."""
    if not parked:
        return None
    latest = parked[-1].describe()
    if len(parked) == 1:
        return latest
    return f"{len(parked)} refused units kept on this kiosk; latest: {latest}"
