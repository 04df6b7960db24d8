"""Outgoing webhooks: subscriptions, signed deliveries with retries, and the delivery log.

Each delivery is an HTTP POST of the event (as in GET /v1/events) with headers

    X-Platform-Event-Id: <event id>
    X-Platform-Event-Type: <event type>
    X-Platform-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>

A 2xx answer acknowledges it. Anything else (or no answer within WEBHOOK_TIMEOUT_SECONDS)
is retried after WEBHOOK_BACKOFF_BASE * 2**(attempt-1) seconds, at most WEBHOOK_BACKOFF_CAP,
until WEBHOOK_MAX_ATTEMPTS, then the delivery is marked failed. Every attempt is logged.

Server-side request forgery (OWASP API7): a subscription URL must be https and its host
must resolve to public addresses only, checked again at each delivery; redirects are
not followed. WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_LOOPBACK relax this for local
development and tests (loopback only), never for private networks."""
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from gateway import models
from gateway.pagination import keyset
from shared.errors import InvalidInput, NotFound
from shared.events.fields import utcnow

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Platform-Signature"
EVENT_ID_HEADER = "X-Platform-Event-Id"
EVENT_TYPE_HEADER = "X-Platform-Event-Type"
DEFAULT_TOLERANCE = 300


# -- signatures (partners use verify_signature; see docs/api.md) --------------------------------

def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The X-Platform-Signature header value for `body`."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = DEFAULT_TOLERANCE,
                     now: float | None = None) -> bool:
    """True if `header` (X-Platform-Signature) signs exactly `body` with `secret` and its
    timestamp is within `tolerance` seconds of now (so a captured delivery cannot be
    replayed later). Compares in constant time."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        candidates = [v for k, v in (item.split("=", 1) for item in header.split(",")) if k == "v1"]
    except (ValueError, KeyError, AttributeError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


# -- where deliveries may go ---------------------------------------------------------------------

class Policy:
    def __init__(self, *, allow_http=False, allow_loopback=False):
        self.allow_http, self.allow_loopback = allow_http, allow_loopback

    def check_url(self, url: str) -> None:
        """InvalidInput unless `url` is one deliveries may go to."""
        problem = self.problem_with(url)
        if problem:
            raise InvalidInput({"url": [problem]})

    def problem_with(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in (("https", "http") if self.allow_http else ("https",)):
            return "must be an https URL"
        if parts.username or parts.password:
            return "must not contain credentials"
        host = parts.hostname
        if not host:
            return "must name a host"
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                       proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, ValueError):
            return f"the host {host!r} does not resolve"
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            if address.is_loopback and self.allow_loopback:
                continue
            if not address.is_global:
                return "must resolve to public internet addresses only"
        return None


# -- subscriptions --------------------------------------------------------------------------------

def _view(row) -> dict:
    return {"id": row.id, "organisation": row.organisation, "url": row.url, "event_types": list(row.event_types),
            "description": row.description, "active": row.active, "created_at": row.created_at,
            "updated_at": row.updated_at}


def create_subscription(store, policy: Policy, actor: dict, *, url, event_types, description=None) -> dict:
    policy.check_url(url)
    now = utcnow()
    secret = "whsec_" + secrets.token_urlsafe(32)
    row = dict(id=str(uuid.uuid4()), organisation=actor["organisation"], created_by=actor["key_id"],
               role=actor["role"], url=url, event_types=sorted(set(event_types)), description=description,
               secret=secret, active=True, created_at=now, updated_at=now)
    with store.begin() as conn:
        conn.execute(models.webhook_subscriptions.insert().values(**row))
    view = _view(type("Row", (), row))
    view["secret"] = secret
    return view


def _visible(query, table, actor):
    return query if actor["role"] == "admin" else query.where(table.c.organisation == actor["organisation"])


def get_subscription(store, actor: dict, subscription_id: str) -> dict:
    t = models.webhook_subscriptions
    with store.begin() as conn:
        row = conn.execute(_visible(sa.select(t).where(t.c.id == subscription_id), t, actor)).first()
    if row is None:  # another organisation's subscription is 404 too: ids cannot be probed
        raise NotFound("webhook", subscription_id)
    return _view(row)


def list_subscriptions(store, actor: dict, *, limit, cursor, descending=False, modified_since=None,
                       active=None) -> tuple[list, object]:
    t = models.webhook_subscriptions
    q = _visible(sa.select(t), t, actor)
    if active is not None:
        q = q.where(t.c.active == active)
    if modified_since is not None:
        q = q.where(t.c.updated_at >= modified_since)
    rows, next_cursor = keyset(store, q, t.c.created_at, t.c.id, limit=limit, cursor=cursor, descending=descending)
    return [_view(r) for r in rows], next_cursor


def deactivate_subscription(store, actor: dict, subscription_id: str) -> dict:
    get_subscription(store, actor, subscription_id)
    t = models.webhook_subscriptions
    with store.begin() as conn:
        conn.execute(t.update().where(t.c.id == subscription_id).values(active=False, updated_at=utcnow()))
        conn.execute(models.webhook_deliveries.update()
                     .where(models.webhook_deliveries.c.subscription_id == subscription_id,
                            models.webhook_deliveries.c.status == "pending")
                     .values(status="failed", last_error="subscription deleted", next_attempt_at=None,
                             updated_at=utcnow()))
    return get_subscription(store, actor, subscription_id)


def list_deliveries(store, actor: dict, subscription_id: str, *, limit, cursor, status=None) -> tuple[list, object]:
    get_subscription(store, actor, subscription_id)
    d, a = models.webhook_deliveries, models.webhook_attempts
    q = sa.select(d).where(d.c.subscription_id == subscription_id).order_by(d.c.id).limit(limit + 1)
    if cursor is not None:
        q = q.where(d.c.id > int(cursor))
    if status:
        q = q.where(d.c.status == status)
    with store.begin() as conn:
        rows = conn.execute(q).all()
        more = len(rows) > limit
        rows = rows[:limit]
        attempts = {}
        if rows:
            for att in conn.execute(sa.select(a).where(a.c.delivery_id.in_([r.id for r in rows]))
                                    .order_by(a.c.delivery_id, a.c.attempt)):
                attempts.setdefault(att.delivery_id, []).append({
                    "attempt": att.attempt, "at": att.at, "status_code": att.status_code, "error": att.error,
                    "duration_ms": att.duration_ms})
    items = [{"id": r.id, "event_id": r.event_id, "event_type": r.event_type, "sequence": r.sequence,
              "status": r.status, "attempts": r.attempts, "next_attempt_at": r.next_attempt_at,
              "last_status_code": r.last_status_code, "last_error": r.last_error, "created_at": r.created_at,
              "updated_at": r.updated_at, "log": attempts.get(r.id, [])} for r in rows]
    return items, (rows[-1].id if more else None)


# -- deliveries -----------------------------------------------------------------------------------

def enqueue(conn, *, event_id: str, event_type: str, sequence: int, organisation: str | None) -> int:
    """In the feed's transaction: one pending delivery per active subscription that wants the event."""
    from gateway.feed import visible
    t = models.webhook_subscriptions
    now = utcnow()
    count = 0
    for sub in conn.execute(sa.select(t.c.id, t.c.event_types, t.c.organisation, t.c.role)
                            .where(t.c.active.is_(True))):
        wanted = "*" in sub.event_types or event_type in sub.event_types
        if wanted and visible(event_type, organisation, {"organisation": sub.organisation, "role": sub.role}):
            conn.execute(models.webhook_deliveries.insert().values(
                subscription_id=sub.id, event_id=event_id, event_type=event_type, sequence=sequence,
                status="pending", attempts=0, next_attempt_at=now, last_status_code=None, last_error=None,
                created_at=now, updated_at=now))
            count += 1
    return count


class Dispatcher:
    """Sends due deliveries. Several gateway replicas may run one each: a delivery is
    claimed with a conditional update (a lease) before it is sent."""

    def __init__(self, store, policy: Policy, *, max_attempts=8, backoff_base=2.0, backoff_cap=3600.0,
                 timeout=5.0, lease=60.0, batch=20, session=None):
        import requests
        self.store, self.policy = store, policy
        self.max_attempts, self.backoff_base, self.backoff_cap = int(max_attempts), float(backoff_base), \
            float(backoff_cap)
        self.timeout, self.lease, self.batch = float(timeout), float(lease), int(batch)
        self.http = session or requests.Session()
        self.http.trust_env = False  # no proxies from the environment

    def backoff(self, attempt: int) -> float:
        return min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))

    def run_once(self, pool=None) -> int:
        """Attempt every due delivery once (concurrently in `pool` if given); returns how many."""
        d = models.webhook_deliveries
        now = utcnow()
        with self.store.begin() as conn:
            due = conn.execute(sa.select(d.c.id, d.c.next_attempt_at).where(
                d.c.status == "pending", d.c.next_attempt_at <= now).order_by(d.c.next_attempt_at, d.c.id)
                .limit(self.batch)).all()
        claimed = [row.id for row in due if self._claim(row.id, row.next_attempt_at)]
        if pool is None:
            for delivery_id in claimed:
                self._attempt(delivery_id)
        else:
            for _ in pool.imap(self._attempt, claimed):
                pass
        return len(claimed)

    def _claim(self, delivery_id, seen_next) -> bool:
        d = models.webhook_deliveries
        with self.store.begin() as conn:
            return conn.execute(d.update().where(d.c.id == delivery_id, d.c.status == "pending",
                                                 d.c.next_attempt_at == seen_next)
                                .values(next_attempt_at=utcnow() + timedelta(seconds=self.lease))).rowcount == 1

    def _attempt(self, delivery_id: int) -> None:
        d, s, f = models.webhook_deliveries, models.webhook_subscriptions, models.event_feed
        with self.store.begin() as conn:
            delivery = conn.execute(sa.select(d).where(d.c.id == delivery_id)).first()
            sub = conn.execute(sa.select(s).where(s.c.id == delivery.subscription_id)).first()
            event = conn.execute(sa.select(f).where(f.c.event_id == delivery.event_id)).first()
        attempt = delivery.attempts + 1
        body = json.dumps(event_view(event), separators=(",", ":")).encode()
        status_code, error = None, None
        started = time.monotonic()
        problem = self.policy.problem_with(sub.url)
        if problem:
            error = f"refused: the URL {problem}"
        else:
            try:
                response = self.http.post(sub.url, data=body, timeout=(min(3.0, self.timeout), self.timeout),
                                          allow_redirects=False, headers={
                                              "Content-Type": "application/json",
                                              "User-Agent": "urban-platform-webhooks/1",
                                              EVENT_ID_HEADER: delivery.event_id,
                                              EVENT_TYPE_HEADER: delivery.event_type,
                                              SIGNATURE_HEADER: sign(sub.secret, body)})
                status_code = response.status_code
                if not 200 <= status_code < 300:
                    error = f"HTTP {status_code}"
            except Exception as exc:  # connection refused, timeout, TLS...
                error = type(exc).__name__
        duration = int((time.monotonic() - started) * 1000)
        now = utcnow()
        if error is None:
            values = dict(status="delivered", next_attempt_at=None)
        elif attempt >= self.max_attempts:
            values = dict(status="failed", next_attempt_at=None)
        else:
            values = dict(next_attempt_at=now + timedelta(seconds=self.backoff(attempt)))
        with self.store.begin() as conn:
            conn.execute(models.webhook_attempts.insert().values(
                delivery_id=delivery_id, attempt=attempt, at=now, status_code=status_code,
                error=error[:500] if error else None, duration_ms=duration))
            conn.execute(d.update().where(d.c.id == delivery_id).values(
                attempts=attempt, last_status_code=status_code, last_error=error[:500] if error else None,
                updated_at=now, **values))
        log.info("webhook delivery %s of %s to subscription %s: attempt %d %s", delivery_id, delivery.event_type,
                 sub.id, attempt, "delivered" if error is None else error)


def event_view(row) -> dict:
    return {"sequence": row.sequence, "event_id": row.event_id, "type": row.type, "version": row.version,
            "producer": row.producer, "occurred_at": _iso(row.occurred_at), "correlation_id": row.correlation_id, "payload": json.loads(row.payload)}


def _iso(value) -> str:
    from shared.events.fields import UTCDateTime
    return UTCDateTime()._serialize(value, None, None)
