"""Views of the sync API. Thin: parse, authenticate, call :mod:`safezone.sync`, answer JSON.

Every view is marked :func:`admin.security.public` for the admin's deny-by-default guard (there
is no staff login here) and checks the kiosk's bearer token itself; each request runs in its own
database transaction, committed only when the whole request succeeded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from functools import wraps
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from admin import content_bank
from admin.api.openapi import openapi_document
from admin.security import public
from admin.state import now, state
from safezone.db.engine import session_scope
from safezone.models import Kiosk
from safezone.sync import export, ingest, tokens
from safezone.sync.schemas import (
    MAX_CURSOR_CHARS,
    MAX_ERROR_DETAILS,
    MAX_PUSH_BYTES,
    RECORD_KINDS,
    EnrolRequest,
    EnrolResponse,
    KioskInfo,
    PushBatch,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: Largest enrolment request body.
_MAX_ENROL_BYTES = 4096
#: Longest ``loc`` of a validation error in an answer.
_MAX_LOC_CHARS = 200


class _Refusal(Exception):
    def __init__(self, status: int, error: str, message: str,
                 details: Sequence[dict[str, Any]] = (), *, truncated: bool = False,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.details = status, error, message, details
        self.truncated = truncated
        self.retry_after = retry_after


#: Refusals the app itself raises on API routes (unknown route, wrong method, rate limit).
_GENERIC_ERRORS = {
    403: ("forbidden", "无权访问 / forbidden"),
    404: ("not_found", "没有这个接口 / no such API route"),
    413: ("payload_too_large", "请求体过大 / the body is too large; send smaller batches"),
    429: ("rate_limited", "请求过于频繁，请稍后再试 / too many requests; wait a minute and retry"),
}


def api_error(status: int) -> Response:
    """The JSON refusal for an error raised outside a view on an API route (``ApiError``)."""
    error, message = _GENERIC_ERRORS.get(status, ("error", "请求被拒绝 / request refused"))
    return _error(status, error, message)


def _error(status: int, error: str, message: str, details: Sequence[dict[str, Any]] = (),
           headers: dict[str, str] | None = None, *, truncated: bool = False) -> Response:
    """A JSON refusal (see ``ApiError``); at most ``MAX_ERROR_DETAILS`` details, and
    ``"truncated": true`` when some were left out."""
    body: dict[str, Any] = {"error": error, "message": message,
                            "details": list(details[:MAX_ERROR_DETAILS])}
    if truncated or len(details) > MAX_ERROR_DETAILS:
        body["truncated"] = True
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _ok(model: BaseModel, *, etag: str | None = None) -> Response:
    response = current_app.response_class(model.model_dump_json(), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if etag is not None:
        response.set_etag(etag)
    return response


def _transaction() -> AbstractContextManager[Session]:
    """One session per request: committed when the block finishes, else rolled back (the
    core's :func:`safezone.db.engine.session_scope`)."""
    return session_scope(state().database.sessions)


def _json_body(model: type[BaseModel], limit: int) -> Any:
    """The request body parsed into ``model``; refusals carry the reason."""
    if request.mimetype != "application/json":
        raise _Refusal(415, "unsupported_media_type",
                       "请求体必须是 JSON / send the body as application/json")
    request.max_content_length = limit
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise _Refusal(413, "payload_too_large",
                       f"请求体过大 / the body is larger than {limit} bytes; send smaller batches"
                       ) from None
    if not raw:
        raise _Refusal(400, "empty_body", "请求体为空 / the body is empty")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise _Refusal(400, "invalid_json", "请求体不是有效的 JSON / the body is not valid JSON",
                           [{"msg": e["msg"]} for e in errors[:5]]) from None
        raise _Refusal(422, "invalid_payload", "数据校验失败 / the payload is not valid",
                       _invalid_records(raw, errors[:MAX_ERROR_DETAILS]),
                       truncated=len(errors) > MAX_ERROR_DETAILS) from None


def _invalid_records(raw: bytes, errors: Sequence[Any]) -> list[dict[str, Any]]:
    """One detail per validation error: ``loc``, ``msg``, ``type``, ``reason`` and, when the
    error lies inside a record (``answers.3.chosen``) whose id the body gives, that record's
    ``kind`` and ``id``. The body failed validation, so ids are read from it defensively."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    details = []
    for error in errors:
        loc, msg = error["loc"], error["msg"]
        # A loc may hold a key the body made up (an unknown field): keep the answer bounded.
        where = ".".join(str(part) for part in loc)[:_MAX_LOC_CHARS]
        record_id = _record_id(body, loc)
        detail: dict[str, Any] = {}
        if record_id is not None:
            detail = {"kind": loc[0], "id": record_id}
            where_in_record = ".".join(str(part) for part in loc[2:])[:_MAX_LOC_CHARS]
        else:
            where_in_record = where
        detail.update(reason=f"{where_in_record}: {msg}" if where_in_record else msg,
                      loc=where, msg=msg, type=error["type"])
        details.append(detail)
    return details


def _record_id(body: Any, loc: Sequence[Any]) -> str | None:
    """The id (canonical UUID text) of the record at ``loc[:2]`` of the parsed body, if it
    has a valid one."""
    if not (isinstance(body, dict) and len(loc) >= 2 and loc[0] in RECORD_KINDS
            and isinstance(loc[1], int)):
        return None  # not inside a record of a batch list (e.g. ``sent_at``)
    records = body.get(loc[0])
    if not isinstance(records, list) or not 0 <= loc[1] < len(records):
        return None
    record = records[loc[1]]
    value = record.get("id") if isinstance(record, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return str(UUID(value))
    except ValueError:
        return None


def kiosk_api(view: Callable[..., Response]) -> Callable[..., Response]:
    """Run ``view(session, kiosk, ...)`` for a request with a valid kiosk token, inside one
    transaction; refusals and database trouble become JSON errors."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            with _transaction() as session:
                kiosk = tokens.authenticate(session, request.headers.get("Authorization"),
                                            now=now())
                return view(session, kiosk, *args, **kwargs)
        except tokens.KioskAuthError as exc:
            headers = {"WWW-Authenticate": 'Bearer realm="safezone"'} if exc.status == 401 else {}
            return _error(exc.status, exc.error, exc.message, headers=headers)
        except _Refusal as exc:
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
            return _error(exc.status, exc.error, exc.message, exc.details, headers,
                          truncated=exc.truncated)
        except ingest.IngestError as exc:
            return _error(exc.status, exc.error, exc.message, exc.details)
        except DataError as exc:
            # A value the database cannot hold got past validation: bad content, not a busy
            # server — 422 so the kiosk parks it instead of resending it forever.
            current_app.logger.warning("sync API data error: %s", exc.__class__.__name__)
            return _error(422, "invalid_value",
                          "数据无法保存 / a value in this batch cannot be stored")
        except (IntegrityError, DBAPIError) as exc:
            # A concurrent push of overlapping records or a deadlock: nothing was committed,
            # the kiosk retries later and the retry is idempotent.
            current_app.logger.warning("sync API database error: %s", exc.__class__.__name__)
            return _error(503, "busy", "数据库繁忙，请稍后重试 / the database is busy; retry later",
                          headers={"Retry-After": "5"})

    return wrapper


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"),
                  exc.description or "")


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())


@bp.post("/enrol")
@public
def enrol() -> Response:
    """Exchange a one-time enrolment code for this kiosk's API token."""
    try:
        body = _json_body(EnrolRequest, _MAX_ENROL_BYTES)
        with _transaction() as session:
            clock = now()
            enrolment = tokens.enrol(session, body.code, now=clock)
            result = EnrolResponse(kiosk_id=enrolment.kiosk.id, kiosk_name=enrolment.kiosk.name,
                                   token=enrolment.token, server_time=clock)
        return _ok(result)
    except _Refusal as exc:
        return _error(exc.status, exc.error, exc.message, exc.details, truncated=exc.truncated)
    except tokens.KioskAuthError as exc:
        return _error(exc.status, exc.error, exc.message)
    except (IntegrityError, DBAPIError):
        return _error(503, "busy", "数据库繁忙，请稍后重试 / the database is busy; retry later",
                      headers={"Retry-After": "5"})


@bp.get("/kiosk")
@public
@kiosk_api
def whoami(_session: Session, kiosk: Kiosk) -> Response:
    """Which kiosk the token belongs to, and the server's clock."""
    return _ok(KioskInfo(kiosk_id=kiosk.id, name=kiosk.name, server_time=now()))


@bp.post("/push")
@public
@kiosk_api
def push(session: Session, kiosk: Kiosk) -> Response:
    """Store a batch of the kiosk's records (all or nothing, idempotent by id)."""
    batch = _json_body(PushBatch, MAX_PUSH_BYTES)
    badges = set(content_bank.bundle().badges)
    # The same check-in window as the web form (settings: checkin_opens_minutes).
    opens_before = timedelta(minutes=state().settings.checkin_opens_minutes)
    result = ingest.ingest_batch(session, kiosk, batch, now=now(),
                                 known_badges=badges or None, checkin_opens_before=opens_before)
    return _ok(result)


#: Longest ``If-None-Match`` header accepted (documented in the OpenAPI document).
MAX_ETAG_HEADER = 200


def _if_none_match() -> list[str]:
    """The versions in ``If-None-Match`` (refused when the header is too long)."""
    if len(request.headers.get("If-None-Match", "")) > MAX_ETAG_HEADER:
        raise _Refusal(400, "bad_header",
                       f"If-None-Match 过长 / If-None-Match is longer than {MAX_ETAG_HEADER} characters")
    return sorted(request.if_none_match.as_set())


def _not_modified(version: str) -> Response | None:
    _if_none_match()
    if request.if_none_match.contains(version):
        response = current_app.response_class(status=304)
        response.set_etag(version)
        return response
    return None


#: How often one kiosk may have the whole roster built for it (tens of MB and seconds of server
#: CPU for a district); 304s and deltas are not counted. A kiosk refused waits and retries.
FULL_ROSTER_LIMIT = "4 per hour"
_FULL_ROSTER_KEY = "safezone.full_roster_limit"


def _allow_full_roster(kiosk: Kiosk) -> None:
    """Count one whole roster for ``kiosk``; a 429 refusal (with Retry-After) past the limit."""
    from limits import parse
    from limits.storage import MemoryStorage
    from limits.strategies import MovingWindowRateLimiter

    limiter = current_app.extensions.get(_FULL_ROSTER_KEY)
    if limiter is None:
        limiter = current_app.extensions[_FULL_ROSTER_KEY] = MovingWindowRateLimiter(MemoryStorage())
    item = parse(FULL_ROSTER_LIMIT)
    if not limiter.hit(item, "full-roster", str(kiosk.id)):
        reset = limiter.get_window_stats(item, "full-roster", str(kiosk.id)).reset_time
        raise _Refusal(429, "roster_rate_limited",
                       "全量名册请求过于频繁，请稍后再试 / too many whole-roster requests from this "
                       f"kiosk ({FULL_ROSTER_LIMIT}); retry later",
                       retry_after=max(1, int(reset - time.time())))


@bp.get("/roster")
@public
@kiosk_api
def roster(session: Session, kiosk: Kiosk) -> Response:
    """The whole roster — residents, cards (hashes only), balances — for kiosks that do not
    pull changes yet; 304 when the kiosk's version is current (checked without building it)."""
    for version in _if_none_match():
        if export.roster_unchanged(session, version):
            response = current_app.response_class(status=304)
            response.set_etag(version)
            return response
    _allow_full_roster(kiosk)
    data = export.build_roster(session, now=now())
    export.prune_roster_changes(session, now=now())
    return _ok(data, etag=data.version)


@bp.get("/roster/changes")
@public
@kiosk_api
def roster_changes(session: Session, kiosk: Kiosk) -> Response:
    """What changed in the roster since the cursor ``since`` (everything, flagged ``full``,
    without one or with one the server cannot serve), and the cursor to send next time."""
    since = request.args.get("since")
    if since is not None and len(since) > MAX_CURSOR_CHARS:
        raise _Refusal(400, "bad_cursor",
                       f"since 过长 / since is longer than {MAX_CURSOR_CHARS} characters")
    data = export.roster_changes(session, since=since, now=now(),
                                 allow_full=lambda: _allow_full_roster(kiosk))
    export.prune_roster_changes(session, now=now())
    return _ok(data)


@bp.get("/roadshows")
@public
@kiosk_api
def roadshows(session: Session, kiosk: Kiosk) -> Response:
    """Roadshows that have not ended yet (server clock)."""
    return _ok(export.upcoming_roadshows(session, now=now()))


@bp.get("/content")
@public
@kiosk_api
def content(session: Session, kiosk: Kiosk) -> Response:
    """The content pack; 304 when the kiosk already has this version."""
    try:
        pack = export.build_content_pack(state().settings.content_dir)
    except export.ContentPackError as exc:
        current_app.logger.error("content pack: %s", exc)
        return _error(503, "content_unavailable",
                      "服务器内容暂不可用 / the server's content cannot be packed right now")
    return _not_modified(pack.version) or _ok(pack, etag=pack.version)
