"""Many kiosks, one district (DESIGN.md decision 3): offline-first sync between kiosk replicas
and the central server.

Server side: :mod:`safezone.sync.tokens` (enrolment codes, per-kiosk API tokens),
:mod:`safezone.sync.ingest` (idempotent batch push), :mod:`safezone.sync.export` (roster,
content pack, upcoming roadshows). Kiosk side: :mod:`safezone.sync.outbox` (what still has to
be sent), :mod:`safezone.sync.replica` (applying what was pulled), :mod:`safezone.sync.client`
(HTTP) and :mod:`safezone.sync.agent` (the loop). Payloads are typed in
:mod:`safezone.sync.schemas`. Nothing here imports flask or pygame.
"""
