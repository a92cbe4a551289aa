"""Kiosk side: the HTTP client of the sync API (standard library only).

Errors are sorted into what the agent must do about them: :class:`Offline` (server unreachable
or busy: retry later), :class:`Refused` (the server said no, with its JSON reason: fix something
before retrying; ``revoked`` tells a revoked kiosk apart).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from safezone.sync.outbox import PushPayload

from safezone.sync.schemas import (
    ContentPack,
    EnrolRequest,
    EnrolResponse,
    KioskInfo,
    PushBatch,
    PushResult,
    RoadshowList,
    Roster,
    RosterChanges,
)

DEFAULT_TIMEOUT = 60.0


class SyncError(Exception):
    """Base of the client's errors; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Offline(SyncError):
    """The server could not be reached, timed out or was busy: keep the data, retry later."""


class Refused(SyncError):
    """The server refused the request (4xx) and said why."""

    def __init__(self, status: int, error: str, message: str,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.details = details or []

    @property
    def revoked(self) -> bool:
        """True when this kiosk's token was revoked or is unknown (enrol again)."""
        return self.error in ("kiosk_revoked", "invalid_token", "missing_token")


@dataclass(frozen=True)
class Pulled:
    """A pulled resource, or ``None`` data when the server said it is unchanged (304)."""

    data: BaseModel | None
    version: str | None


class SyncClient:
    """Talks to one server's ``/api/v1/``; ``token`` is None only for enrolment."""

    def __init__(self, server_url: str, token: str | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        if not server_url.startswith(("http://", "https://")):
            raise SyncError(f"server URL must start with http:// or https://, got {server_url!r}")
        self.base = server_url.rstrip("/") + "/"
        self.token = token
        self.timeout = timeout

    def _request(self, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(urljoin(self.base, path), data=body, method=method)
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
            payload = exc.read()
            if status == 304:
                return status, dict(exc.headers), b""
            try:
                error = json.loads(payload)
                code, message = str(error["error"]), str(error["message"])
                details = error.get("details") or []
            except (ValueError, KeyError, TypeError):
                code, message, details = f"http_{status}", f"server answered HTTP {status}", []
            if status >= 500 or status == 429:
                raise Offline(f"服务器暂时不可用 / server busy (HTTP {status}): {message}") from None
            raise Refused(status, code, message, details) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Offline(f"离线，数据已保存 / offline, data saved ({reason})") from None

    def _parse(self, model: type[BaseModel], raw: bytes) -> Any:
        try:
            return model.model_validate_json(raw)
        except ValidationError as exc:
            raise SyncError(f"the server's answer is not a valid {model.__name__}: {exc}") from None

    def enrol(self, code: str) -> EnrolResponse:
        """Exchange an enrolment code for this kiosk's token."""
        body = EnrolRequest(code=code).model_dump_json().encode()
        _, _, raw = self._request("POST", "api/v1/enrol", body)
        return self._parse(EnrolResponse, raw)

    def whoami(self) -> KioskInfo:
        """Which kiosk the token belongs to (checks the token)."""
        _, _, raw = self._request("GET", "api/v1/kiosk")
        return self._parse(KioskInfo, raw)

    def push(self, batch: PushBatch | PushPayload) -> PushResult:
        """Send one batch; the server stores it whole or refuses it whole."""
        _, _, raw = self._request("POST", "api/v1/push", batch.model_dump_json().encode())
        return self._parse(PushResult, raw)

    def _pull(self, path: str, model: type[BaseModel], have: str | None) -> Pulled:
        headers = {"If-None-Match": f'"{have}"'} if have else None
        status, _, raw = self._request("GET", path, headers=headers)
        if status == 304:
            return Pulled(None, have)
        data = self._parse(model, raw)
        return Pulled(data, getattr(data, "version", None))

    def roster(self, have: str | None = None) -> Pulled:
        """The whole roster, or unchanged when ``have`` is current (servers without
        :meth:`roster_changes`)."""
        return self._pull("api/v1/roster", Roster, have)

    def roster_changes(self, since: str | None = None) -> RosterChanges:
        """The roster changes since the cursor ``since`` (the whole roster, ``full``, without
        one or when the server cannot serve it); keep its ``cursor`` for next time."""
        query = f"?{urlencode({'since': since})}" if since else ""
        _, _, raw = self._request("GET", f"api/v1/roster/changes{query}")
        return self._parse(RosterChanges, raw)

    def roadshows(self) -> RoadshowList:
        """Roadshows that have not ended."""
        _, _, raw = self._request("GET", "api/v1/roadshows")
        return self._parse(RoadshowList, raw)

    def content(self, have: str | None = None) -> Pulled:
        """The content pack, or unchanged when ``have`` is current."""
        return self._pull("api/v1/content", ContentPack, have)
