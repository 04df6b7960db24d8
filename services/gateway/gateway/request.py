"""What the gateway reads from an HTTP request: its correlation id, its JSON body, its caller
(an Actor), its validated query parameters and its client address. Set once per request by
the entrypoint (gateway.entrypoints) and read by routes."""
import json
import re
import uuid
from typing import Any
from urllib.parse import unquote_to_bytes

from shared.actors import ANONYMOUS, Actor
from shared.errors import InvalidInput
from shared.text import has_surrogate

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(request) -> str:
    """The caller's X-Request-ID if well-formed (no header injection), else a new one."""
    given = request.headers.get("X-Request-ID", "")
    if not _REQUEST_ID.match(given):
        given = str(uuid.uuid4())
    return given


def json_body(request) -> dict[str, Any]:
    """The request's JSON object (parsed once per request): strict UTF-8, at most MAX_DEPTH
    levels of objects and arrays, no unpaired surrogates (`"\\ud800"`) in keys or strings.
    Each is refused before any schema or service sees the body (a 422 naming `_body` or the
    field), so no layer behind has to cope with them."""
    cached = request.environ.get("platform.body")
    if cached is not None:
        return cached
    if request.mimetype != "application/json":
        raise InvalidInput({"_body": ["send a JSON object with Content-Type: application/json"]},
                           "Unsupported request body.")
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput({"_body": [f"not valid UTF-8 (byte {exc.start})"]}, "The body is not valid JSON.") from None
    try:
        body = json.loads(text or "null")
    except RecursionError:
        raise InvalidInput({"_body": [f"nested more than {MAX_DEPTH} levels deep"]},
                           "The body is not valid JSON.") from None
    except ValueError as exc:
        raise InvalidInput({"_body": [f"malformed JSON: {exc}"]}, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidInput({"_body": ["must be a JSON object"]})
    _check_tree(body)
    request.environ["platform.body"] = body
    return body


MAX_DEPTH = 32  # request schemas nest 6 levels at most (programme > indicators > targets > period)


def _check_tree(body: dict[str, Any]) -> None:
    """Depth and unpaired surrogates, walked without recursion (the tree may be deep)."""
    stack: list[tuple[str, Any, int]] = [("", body, 1)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            if has_surrogate(value):
                raise InvalidInput({path or "_body": ["must not contain unpaired surrogates (\\ud800-\\udfff)"]})
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise InvalidInput({"_body": [f"nested more than {MAX_DEPTH} levels deep"]})
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = f"{path}.{key}" if path else str(key)
            if has_surrogate(name):
                raise InvalidInput({path or "_body": ["a key must not contain unpaired surrogates (\\ud800-\\udfff)"]})
            stack.append((name, item, depth + 1))


def set_actor(request, actor: Actor) -> None:
    request.environ["platform.actor"] = actor


def actor_of(request) -> Actor:
    """Who is calling: the key's Actor once authentication has run for this request, ANONYMOUS
    for a caller of a public route without a key (and before authentication). Send it over
    RPC as `actor=actor_of(request).to_wire()`."""
    return request.environ.get("platform.actor", ANONYMOUS)


def undecodable_parameters(request) -> list[str]:
    """The query parameters whose percent-decoded bytes are not UTF-8 (werkzeug would
    silently turn them into U+FFFD)."""
    bad = []
    for pair in request.query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            bad.append(unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace"))
    return bad


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
