"""Idempotency-Key for POST: the first response to (caller, key) is stored and a retry
gets it back, marked `Idempotent-Replayed: true`, without running the request again.
The same key with a different method, path or body is refused (422); a retry while the
first request is still running gets 409. Keys are kept IDEMPOTENCY_TTL_HOURS (24).

The RPCs of a request with a key carry a request key made from (caller, key), so the
services run each command once per key (shared.commands). A claim whose outcome is unknown
(a 5xx: a 504 while the service may still commit, a lost connection) is therefore never
abandoned: it is released, and a retry re-sends the request with the same request key and
gets what the service did, or runs it if the service did nothing. A claim held by a gateway
that crashed expires after its lease (`idempotency_keys.claim_seconds`: the RPC deadline plus a margin).

A retry never meets a 409 for a try that has ended: a release the gateway's database refused
(away when the try failed) is written again until it lands, and a retry finding the claim held
waits (up to `wait`) for it to be finished, replayed, or released, taken over."""
import json
import time
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from gateway import models
from gateway.idempotency_keys import HEADER, REQUEST_KEY, actor_key, request_hash, request_key, valid_key
from gateway.idempotency_release import POLL_SECONDS, in_flight, release, release_later, stopping
from gateway.request import client_of
from shared.actors import Actor
from shared.db import database_away
from shared.errors import Conflict, InvalidInput, ServiceUnavailable
from shared.events.fields import utcnow

REPLAYED_HEADERS = ("Content-Type", "Location", "ETag", "Platform-Consistency-Token")
FINISH = "platform.idempotency_finish"   # request.environ: the response to store (`around(deferred=True)`)


class Replay:
    def __init__(self, status: int, headers: dict, body: str):
        self.status, self.headers, self.body = status, headers, body


def around(store, request, actor: Actor, run: Callable[[], Response], *, lease: float = 15.0,
           wait: float = 0.0, deferred: bool = False) -> Response:
    """`run()` the request, once per (caller, Idempotency-Key) when the request has the header:
    a retry gets the stored first response back. A 5xx is not stored and the claim is released,
    so a retry runs again, with the same request key: the services answer what they did.
    `deferred`: the response to store is left in request.environ[FINISH] for the caller, which
    writes it with the request's audit entry (gateway.request_writes) and then answers."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    key, who = valid_key(key), actor_key(actor, client_of(request))
    replay = begin(store, actor=who, key=key, method=request.method, path=request.path,
                   body_hash=request_hash(request.method, request.path, request.get_data()), lease=lease, wait=wait)
    if replay is not None:
        response = Response(replay.body, status=replay.status, headers=replay.headers)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    if store in stopping:   # taken while this gateway stops: its request would be cut, so give it back
        release(store, actor=who, key=key)
        raise ServiceUnavailable("the gateway is stopping; retry with the same Idempotency-Key")
    request.environ[REQUEST_KEY] = request_key(who, key)
    running = in_flight.setdefault(store, set())
    running.add((who, key))
    try:
        response = run()
    finally:
        running.discard((who, key))
    if response.status_code >= 500:
        stored(store, lambda: release(store, actor=who, key=key), actor=who, key=key, lease=lease)
        return response
    done = {"actor": who, "key": key, "status": response.status_code, "headers": dict(response.headers),
            "body": response.get_data(as_text=True), "lease": lease}
    if deferred:
        request.environ[FINISH] = done
    else:
        finish_now(store, done)
    return response


def finish_now(store, done: dict) -> None:
    """Store the response `done` (as `around` left it) in a transaction of its own."""
    stored(store, lambda: finish(store, **{k: v for k, v in done.items() if k != "lease"}),
           actor=done["actor"], key=done["key"], lease=done["lease"])


def stored(store, write: Callable[[], None], *, actor: str, key: str, lease: float) -> None:
    try:
        write()
    except Exception as exc:
        if database_away(exc):   # the answer is a 503; the claim must not hold the retry off for its lease
            release_later(store, actor=actor, key=key, within=lease)
        raise


def begin(store, *, actor: str, key: str, method: str, path: str, body_hash: str, lease: float = 15.0,
          wait: float = 0.0):
    """Claim (actor, key) for `lease` seconds: returns None if this request should run (the
    caller must then `finish` or `release`), or the stored Replay; raises for a mismatch, or
    for a request still in flight after `wait` seconds. A released or expired claim is taken
    over (by one retry only)."""
    give_up = time.monotonic() + wait
    while True:
        outcome = _claim(store, actor, key, method, path, body_hash, lease)
        if outcome is not _HELD:
            return outcome
        if time.monotonic() >= give_up:
            raise Conflict("a request with this Idempotency-Key is still being processed; retry later")
        time.sleep(POLL_SECONDS)


_HELD = object()   # the claim is another try's, in flight


def _claim(store, actor: str, key: str, method: str, path: str, body_hash: str, lease: float):
    t = models.idempotency_keys
    now = utcnow()
    until = now + timedelta(seconds=lease)
    with store.begin() as conn:
        row = conn.execute(sa.select(t).where(t.c.actor == actor, t.c.key == key)).first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(t.insert(), {"actor": actor, "key": key, "method": method, "path": path,
                                               "body_hash": body_hash, "status": None, "headers": None, "body": None,
                                               "created_at": now, "claimed_until": until})
                return None
            except IntegrityError:
                row = conn.execute(sa.select(t).where(t.c.actor == actor, t.c.key == key)).first()
        if (row.method, row.path, row.body_hash) != (method, path, body_hash):
            raise InvalidInput({HEADER: ["was already used for a different request; use a new key for a new request"]},
                               "Idempotency-Key reused with a different request.")
        if row.status is not None:
            return Replay(row.status, json.loads(row.headers or "{}"), row.body or "")
        taken = conn.execute(t.update().where(
            t.c.actor == actor, t.c.key == key, t.c.status.is_(None),
            sa.or_(t.c.claimed_until.is_(None), t.c.claimed_until <= now)).values(claimed_until=until)).rowcount
    return None if taken else _HELD


def finish(store, *, actor: str, key: str, status: int, headers: dict, body: str) -> None:
    with store.begin() as conn:
        finish_in(conn, actor=actor, key=key, status=status, headers=headers, body=body)


def finish_in(conn, *, actor: str, key: str, status: int, headers: dict, body: str, **_) -> None:
    """Store the first response to (actor, key) in the caller's transaction."""
    t = models.idempotency_keys
    kept = {k: v for k, v in headers.items() if k in REPLAYED_HEADERS}
    conn.execute(t.update().where(t.c.actor == actor, t.c.key == key)
                 .values(status=status, headers=json.dumps(kept), body=body))


def purge(store, ttl_hours: float = 24.0) -> int:
    t = models.idempotency_keys
    with store.begin() as conn:
        return conn.execute(t.delete().where(t.c.created_at < utcnow() - timedelta(hours=ttl_hours))).rowcount
