"""Idempotency-Key for POST: the first response to (caller, key) is stored and a retry
gets it back, marked `Idempotent-Replayed: true`, without running the request again.
The same key with a different method, path or body is refused (422); a retry while the
first request is still running gets 409. Keys are kept IDEMPOTENCY_TTL_HOURS (24)."""
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from gateway import models
from gateway.request import client_of
from shared.actors import Actor
from shared.errors import Conflict, InvalidInput
from shared.events.fields import utcnow

HEADER = "Idempotency-Key"
_VALID = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, no spaces or control characters
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")


class Replay:
    def __init__(self, status: int, headers: dict, body: str):
        self.status, self.headers, self.body = status, headers, body


def valid_key(key: str) -> str:
    if not _VALID.match(key):
        raise InvalidInput({HEADER: ["must be 1 to 255 visible ASCII characters, e.g. a UUID"]},
                           "The Idempotency-Key header is not valid.")
    return key


def request_hash(method: str, path: str, body: bytes) -> str:
    """What a retry must repeat exactly: the method, the path and the body (JSON bodies
    are compared by value, so key order and whitespace do not matter)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body or b""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), b"\n", path.encode(), b"\n", canonical):
        digest.update(part)
    return digest.hexdigest()


def actor_key(actor: Actor, client: str | None) -> str:
    """Whose keys these are: the API key's, or the client address's for an anonymous caller."""
    return actor.key_id if actor.kind == "key" and actor.key_id else f"anonymous:{client or '-'}"


def around(store, request, actor: Actor, run: Callable[[], Response]) -> Response:
    """`run()` the request, once per (caller, Idempotency-Key) when the request has the header:
    a retry gets the stored first response back; a 5xx is not stored, so a retry runs anew."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    key, who = valid_key(key), actor_key(actor, client_of(request))
    replay = begin(store, actor=who, key=key, method=request.method, path=request.path,
                   body_hash=request_hash(request.method, request.path, request.get_data()))
    if replay is not None:
        response = Response(replay.body, status=replay.status, headers=replay.headers)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    response = run()
    if response.status_code >= 500:
        abandon(store, actor=who, key=key)
    else:
        finish(store, actor=who, key=key, status=response.status_code, headers=dict(response.headers),
               body=response.get_data(as_text=True))
    return response


def begin(store, *, actor: str, key: str, method: str, path: str, body_hash: str):
    """Claim (actor, key): returns None if this request should run (the caller must then
    `finish` or `abandon`), or the stored Replay; raises for a mismatch or a request in flight."""
    t = models.idempotency_keys
    with store.begin() as conn:
        row = conn.execute(sa.select(t).where(t.c.actor == actor, t.c.key == key)).first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(t.insert().values(actor=actor, key=key, method=method, path=path,
                                                   body_hash=body_hash, status=None, headers=None, body=None,
                                                   created_at=utcnow()))
                return None
            except IntegrityError:
                row = conn.execute(sa.select(t).where(t.c.actor == actor, t.c.key == key)).first()
    if (row.method, row.path, row.body_hash) != (method, path, body_hash):
        raise InvalidInput({HEADER: ["was already used for a different request; use a new key for a new request"]},
                           "Idempotency-Key reused with a different request.")
    if row.status is None:
        raise Conflict("a request with this Idempotency-Key is still being processed; retry later")
    return Replay(row.status, json.loads(row.headers or "{}"), row.body or "")


def finish(store, *, actor: str, key: str, status: int, headers: dict, body: str) -> None:
    t = models.idempotency_keys
    kept = {k: v for k, v in headers.items() if k in REPLAYED_HEADERS}
    with store.begin() as conn:
        conn.execute(t.update().where(t.c.actor == actor, t.c.key == key)
                     .values(status=status, headers=json.dumps(kept), body=body))


def abandon(store, *, actor: str, key: str) -> None:
    """Forget a claim whose request failed on our side (5xx), so a retry runs it again."""
    t = models.idempotency_keys
    with store.begin() as conn:
        conn.execute(t.delete().where(t.c.actor == actor, t.c.key == key))


def purge(store, ttl_hours: float = 24.0) -> int:
    t = models.idempotency_keys
    with store.begin() as conn:
        return conn.execute(t.delete().where(t.c.created_at < utcnow() - timedelta(hours=ttl_hours))).rowcount
