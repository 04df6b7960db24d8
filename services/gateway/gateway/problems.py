"""RFC 9457 problem details, and the map from domain errors to HTTP statuses.

The map is walked along the exception's class hierarchy (MRO), so a subclass
of a mapped error gets its parent's status without a new entry here."""
import json
import logging

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from shared.errors import (Conflict, DeadlineExceeded, Forbidden, InvalidInput, NotFound, PlatformError,
                           ServiceUnavailable)

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://urban-platform.example/problems/"
STATUS_BY_ERROR = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
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
            **extra) -> Response:
    body = {"type": PROBLEM_TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def from_exception(exc: BaseException, request_id: str | None = None) -> Response:
    try:
        return _from_exception(exc, request_id)
    except Exception:  # a bug in error mapping must still not leak a trace
        log.exception("could not map error [request %s]", request_id)
        return problem(500, "Internal error", "The request could not be completed.",
                       kind="internal-error", request_id=request_id)


def _from_exception(exc: BaseException, request_id: str | None) -> Response:
    if isinstance(exc, HTTPException):
        return problem(exc.code, exc.name, exc.description, kind=exc.name.lower().replace(" ", "-"),
                       request_id=request_id)
    status = status_for(exc)
    if status is None:
        # Unexpected: log it with the request id; the client sees no internals.
        log.error("unexpected error [request %s]", request_id, exc_info=exc)
        return problem(500, "Internal error", "The request could not be completed; quote the request id "
                       "when reporting it.", kind="internal-error", request_id=request_id)
    extra = {}
    if isinstance(exc, InvalidInput):
        extra["errors"] = [{"field": field, "messages": messages}
                           for field, messages in sorted(exc.errors.items())]
    if isinstance(exc, Conflict) and exc.allowed:
        extra["allowed"] = exc.allowed
    kind = type(exc).__name__
    kind = "".join("-" + c.lower() if c.isupper() else c for c in kind).lstrip("-")
    return problem(status, exc.title, exc.detail, kind=kind, request_id=request_id, **extra)
