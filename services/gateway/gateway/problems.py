"""RFC 9457 problem details, and the map from domain errors to HTTP statuses.

The map is walked along the exception's class hierarchy (MRO), so a subclass
of a mapped error gets its parent's status without a new entry here."""
import json
import logging
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from shared.db import database_away
from shared.errors import (
    Conflict,
    DeadlineExceeded,
    Forbidden,
    InvalidInput,
    NotFound,
    PlatformError,
    ServiceUnavailable,
)

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://urban-platform.example/problems/"
REALM = "urban-platform"
SERVICE_RETRY_AFTER = 5  # seconds: a 503 (a service or the broker away) says when to try again


class Unauthenticated(PlatformError):
    """No valid credentials: no key on a route that needs one, or an unknown or revoked key."""

    title = "Unauthenticated"

    def __init__(self, message: str = "this route needs an API key", error: str | None = None):
        super().__init__(message, error)
        self.error = error  # RFC 6750 error code for WWW-Authenticate, e.g. "invalid_token"

    @property
    def detail(self):
        return self.args[0]

    def www_authenticate(self) -> str:
        value = f'Bearer realm="{REALM}"'
        if self.error:
            value += f', error="{self.error}"'
        return value


class RateLimited(PlatformError):
    title = "Too many requests"

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = int(retry_after)

    @property
    def detail(self):
        return f"the rate limit of this API key (or address) is used up; retry after {self.retry_after}s"


class BadRequest(PlatformError):
    """The request itself is unusable (HTTP 400), e.g. a key sent in the URL."""

    title = "Bad request"


class MethodNotAllowed(PlatformError):
    title = "Method not allowed"

    def __init__(self, method: str, allowed: list):
        super().__init__(method, allowed)
        self.allowed = allowed

    @property
    def detail(self):
        return f"{self.args[0]} is not allowed here; allowed: {', '.join(self.allowed)}"


class NotAcceptable(PlatformError):
    title = "Not acceptable"


class DocumentRefused(PlatformError):
    """An uploaded document is not acceptable (the IATI import): every problem, each with its
    `kind`, `activity`, `path`, `line` and `reason` (docs/iati.md "Import")."""

    title = "The document was refused"

    def __init__(self, problems: list, total: int | None = None):
        super().__init__(problems, total)
        self.problems, self.total = problems, len(problems) if total is None else total

    @property
    def detail(self):
        shown = "" if self.total == len(self.problems) else f" (the first {len(self.problems)} listed)"
        return f"{self.total} problem(s) in the document{shown}; nothing was imported"


class TooLarge(PlatformError):
    title = "Content too large"

    def __init__(self, limit: int, setting: str):
        super().__init__(limit, setting)
        self.limit, self.setting = limit, setting

    @property
    def detail(self):
        return f"the body may have at most {self.limit} bytes ({self.setting})"


STATUS_BY_ERROR = {
    DocumentRefused: 422,
    TooLarge: 413,
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthenticated: 401,
    RateLimited: 429,
    MethodNotAllowed: 405,
    NotAcceptable: 406,
    BadRequest: 400,
    ServiceUnavailable: 503,
    DeadlineExceeded: 504,
    PlatformError: 400,
}


def status_for(exc: BaseException) -> int | None:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return None


def problem(status: int, title: str, detail: str, *, kind: str, request_id: str | None = None,
            headers: dict | None = None, **extra) -> Response:
    body = {"type": PROBLEM_TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype="application/problem+json", headers=headers)


def from_exception(exc: BaseException, request_id: str | None = None) -> Response:
    try:
        return _from_exception(exc, request_id)
    except Exception:  # a bug in error mapping must still not leak a trace
        log.exception("could not map error [request %s]", request_id)
        return problem(500, "Internal error", "The request could not be completed.",
                       kind="internal-error", request_id=request_id)


def _from_exception(exc: BaseException, request_id: str | None) -> Response:
    if database_away(exc):   # the gateway's own database away or busy: try again shortly
        log.warning("the gateway's database is not available [request %s]: %s", request_id, exc)
        exc = ServiceUnavailable("the gateway's database is not available")
    if isinstance(exc, HTTPException):
        return problem(exc.code or 500, exc.name, exc.description or exc.name,
                       kind=exc.name.lower().replace(" ", "-"), request_id=request_id)
    status = status_for(exc) if isinstance(exc, PlatformError) else None  # every mapped class is one
    if status is None or not isinstance(exc, PlatformError):
        # Unexpected: log it with the request id; the client sees no internals.
        log.error("unexpected error [request %s]", request_id, exc_info=exc)
        return problem(500, "Internal error", "The request could not be completed; quote the request id "
                       "when reporting it.", kind="internal-error", request_id=request_id)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidInput):
        extra["errors"] = [{"field": field, "messages": messages}
                           for field, messages in sorted(exc.errors.items())]
    if isinstance(exc, DocumentRefused):
        extra["errors"] = [{"field": p["path"], "messages": [p["reason"]], **p} for p in exc.problems]
        extra["errors_total"] = exc.total
    if isinstance(exc, Conflict) and exc.allowed:
        extra["allowed"] = exc.allowed
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = exc.www_authenticate()
    retry_after = getattr(exc, "retry_after", None)   # rate limited; live streams full (gateway.live)
    if retry_after is None and isinstance(exc, ServiceUnavailable):  # a dependency away: try again shortly
        retry_after = SERVICE_RETRY_AFTER
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if isinstance(exc, MethodNotAllowed):
        headers["Allow"] = ", ".join(exc.allowed)
    kind = type(exc).__name__
    kind = "".join("-" + c.lower() if c.isupper() else c for c in kind).lstrip("-")
    return problem(status, exc.title, exc.detail, kind=kind, request_id=request_id, headers=headers or None,
                   **extra)
