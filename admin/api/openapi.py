"""The OpenAPI 3.1 document of the sync API, generated from the pydantic payload models."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from safezone.sync import schemas

_REF = "#/components/schemas/{model}"

_MODELS = (
    schemas.PushBatch, schemas.PushResult, schemas.EnrolRequest, schemas.EnrolResponse,
    schemas.Roster, schemas.RosterChanges, schemas.RoadshowList, schemas.ContentPack,
    schemas.KioskInfo, schemas.ApiError,
)


def _ref(model: type) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(model: type, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "Malformed request (not JSON) / 请求格式错误",
        401: "Missing or unknown kiosk token / 缺少或无效的终端令牌",
        403: "Kiosk revoked, unknown enrolment code, or another kiosk's records (foreign_kiosk: "
             "details name each record) / 已停用或无权",
        409: "An id already belongs to another kiosk's records (id_conflict), or is already on "
             "the server with different content (id_reused); details name each record "
             "(kind, id, reason) / 编号冲突",
        413: "Body larger than the limit / 请求体过大",
        415: "Body is not application/json / 需要 JSON",
        429: "Too many enrolment attempts from this address (10 a minute) / 请求过于频繁",
        422: "Payload fails validation, or names residents, sessions or roadshows the server "
             "does not have, or the server refuses records (refused_records: ledger rows "
             "without a play session or check-in of this kiosk as source, badge points, times "
             "more than a day ahead of the server, unknown badges, check-ins at cancelled "
             "roadshows or outside the check-in window); details name each refused record "
             "(kind, id, reason) and each invalid field (loc) / 数据校验失败",
        503: "Database busy; retry later / 数据库繁忙，请稍后重试",
    }
    return {str(code): _json(schemas.ApiError, text[code]) for code in codes}


_AUTH = [{"kioskToken": []}]
_FULL_ROSTER_429 = {"429": _json(schemas.ApiError, "This kiosk had the whole roster built for it "
                                 "4 times this hour (roster_rate_limited); retry after the "
                                 "Retry-After seconds / 全量名册请求过于频繁")}
_ETAG = {
    "name": "If-None-Match", "in": "header", "required": False,
    "description": "The version the kiosk already has; 304 when it is current.",
    "schema": {"type": "string", "maxLength": 200},
}


_SINCE = {
    "name": "since", "in": "query", "required": False,
    "description": "The cursor from the kiosk's last pull. Without it, or with one the server "
                   "can no longer serve (another server, pruned after 30 days), the answer is "
                   "the whole roster with full=true. / 上次同步返回的游标。",
    "schema": {"type": "string", "maxLength": schemas.MAX_CURSOR_CHARS},
}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process)."""
    _, top = models_json_schema([(m, "validation") for m in _MODELS], ref_template=_REF)
    components = top.get("$defs", {})
    not_modified = {"description": "Unchanged since the given version / 未变化"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "safezone sync API",
            "version": "1.1.0",
            "description": "Kiosk ↔ server sync for a district of kiosks: enrolment, idempotent "
                           "push of records, pull of roster changes, content and roadshows. "
                           "终端与服务器的数据同步接口。",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": components,
            "securitySchemes": {
                "kioskToken": {"type": "http", "scheme": "bearer",
                               "description": "Per-kiosk token from POST /api/v1/enrol"},
            },
        },
        "paths": {
            "/api/v1/enrol": {"post": {
                "operationId": "enrol", "summary": "Exchange a one-time enrolment code for a token",
                "security": [],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref(schemas.EnrolRequest)}}},
                "responses": {"200": _json(schemas.EnrolResponse, "Enrolled / 注册成功"),
                              **_errors(400, 403, 413, 415, 422, 429, 503)},
            }},
            "/api/v1/kiosk": {"get": {
                "operationId": "whoami", "summary": "The kiosk the token belongs to",
                "security": _AUTH,
                "responses": {"200": _json(schemas.KioskInfo, "This kiosk"),
                              **_errors(401, 403, 503)},
            }},
            "/api/v1/push": {"post": {
                "operationId": "push", "summary": "Push a batch of records (idempotent by id)",
                "description": "Points are the server's: play points are credited from the "
                               "sessions and answers (daily cap and repeat rule over every "
                               "kiosk), check-in points from the event; ledger rows are "
                               "checked for a source and acknowledged, never stored as sent.",
                "security": _AUTH,
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref(schemas.PushBatch)}}},
                "responses": {"200": _json(schemas.PushResult, "Stored / 已保存"),
                              **_errors(400, 401, 403, 409, 413, 415, 422, 503)},
            }},
            "/api/v1/roster": {"get": {
                "operationId": "roster",
                "summary": "The whole roster: residents, cards (hashes), balances",
                "description": "For kiosks that do not pull changes yet; kiosks use "
                               "GET /api/v1/roster/changes. The version is opaque.",
                "security": _AUTH, "parameters": [_ETAG],
                "responses": {"200": _json(schemas.Roster, "The roster"), "304": not_modified,
                              **_errors(400, 401, 403, 503), **_FULL_ROSTER_429},
            }},
            "/api/v1/roster/changes": {"get": {
                "operationId": "rosterChanges",
                "summary": "Roster changes since a cursor (residents, cards, balances)",
                "description": "Residents and cards changed since the cursor (with current "
                               "balances), and a new cursor. full=true: a complete snapshot "
                               "that replaces the kiosk's roster. A change may be sent twice; "
                               "every item is the current state. / 增量名册。",
                "security": _AUTH, "parameters": [_SINCE],
                "responses": {"200": _json(schemas.RosterChanges, "Changes, or the whole "
                                           "roster when full is true / 名册变化"),
                              **_errors(400, 401, 403, 503), **_FULL_ROSTER_429},
            }},
            "/api/v1/roadshows": {"get": {
                "operationId": "roadshows", "summary": "Roadshows that have not ended",
                "security": _AUTH,
                "responses": {"200": _json(schemas.RoadshowList, "Upcoming roadshows"),
                              **_errors(401, 403, 503)},
            }},
            "/api/v1/content": {"get": {
                "operationId": "content", "summary": "The content pack (YAML files)",
                "security": _AUTH, "parameters": [_ETAG],
                "responses": {"200": _json(schemas.ContentPack, "The content pack"),
                              "304": not_modified, **_errors(400, 401, 403, 503)},
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document", "content": {
                    "application/json": {"schema": {"type": "object"}}}}},
            }},
        },
    }
