"""What the gateway reads from an HTTP request: its correlation id, its JSON body, its caller
(an Actor), its validated query parameters and its client address. Set once per request by
the entrypoint (gateway.entrypoints) and read by routes."""
import json
import re
import uuid
from typing import Any

from shared.actors import ANONYMOUS, Actor
from shared.errors import InvalidInput

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(request) -> str:
    """The caller's X-Request-ID if well-formed (no header injection), else a new one."""
    given = request.headers.get("X-Request-ID", "")
    if not _REQUEST_ID.match(given):
        given = str(uuid.uuid4())
    return given


def json_body(request) -> dict[str, Any]:
    """The request's JSON object (parsed once per request)."""
    cached = request.environ.get("platform.body")
    if cached is not None:
        return cached
    if request.mimetype != "application/json":
        raise InvalidInput({"_body": ["send a JSON object with Content-Type: application/json"]},
                           "Unsupported request body.")
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        raise InvalidInput({"_body": [f"malformed JSON: {exc}"]}, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidInput({"_body": ["must be a JSON object"]})
    request.environ["platform.body"] = body
    return body


def set_actor(request, actor: Actor) -> None:
    request.environ["platform.actor"] = actor


def actor_of(request) -> Actor:
    """Who is calling: the key's Actor once authentication has run for this request, ANONYMOUS
    for a caller of a public route without a key (and before authentication). Send it over
    RPC as `actor=actor_of(request).to_wire()`."""
    return request.environ.get("platform.actor", ANONYMOUS)


def query_of(request) -> dict[str, Any]:
    """The route's query parameters, loaded by its `query` schema (defaults applied)."""
    return request.environ.get("platform.query", {})


def set_client(request, proxies) -> None:
    """Find the client's address once (X-Forwarded-For only from TRUSTED_PROXIES)."""
    request.environ["platform.client"] = proxies.client(request.remote_addr,
                                                        request.headers.getlist("X-Forwarded-For"))


def client_of(request) -> str:
    """The client's address (gateway.client_address), for rate limits and the audit log."""
    return request.environ.get("platform.client") or request.remote_addr or "-"
