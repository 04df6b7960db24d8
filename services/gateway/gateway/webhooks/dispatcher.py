"""Webhook deliveries: queued with the event feed (same transaction, so none is lost or
doubled), then sent by the Dispatcher, signed, with exponential back-off, each attempt logged."""
import json
import logging
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gateway import auth, event_policy, models
from gateway.webhooks import pinning, subscriptions
from gateway.webhooks.policy import Policy, Refused
from gateway.webhooks.signing import EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, sign
from shared.events.fields import utcnow

log = logging.getLogger("gateway.webhooks")

DELIVERY_FAILED = "delivery failed"


# Built once: every event appended to the feed asks it (bench: third round).
_LIVE_SUBSCRIPTIONS = (sa.select(models.webhook_subscriptions.c.id.label("subscription_id"),
                                 models.webhook_subscriptions.c.event_types, models.api_keys)
                       .join(models.api_keys, models.api_keys.c.id == models.webhook_subscriptions.c.created_by)
                       .where(models.webhook_subscriptions.c.active.is_(True), models.api_keys.c.revoked_at.is_(None)))


def enqueue(conn, *, event_id: str, event_type: str, sequence: int, organisation: str | None) -> int:
    """In the feed's transaction: one pending delivery per active subscription that wants the
    event and whose creating key, still live, sees it in the feed (event_policy)."""
    now = utcnow()
    count = 0
    for sub in conn.execute(_LIVE_SUBSCRIPTIONS):
        wanted = "*" in sub.event_types or event_type in sub.event_types
        if wanted and event_policy.audience(event_type, organisation, auth.actor_of_row(sub)):
            conn.execute(models.webhook_deliveries.insert(), dict(
                subscription_id=sub.subscription_id, event_id=event_id, event_type=event_type, sequence=sequence,
                status="pending", attempts=0, next_attempt_at=now, last_status_code=None, last_error=None,
                created_at=now, updated_at=now))
            count += 1
    return count


class Dispatcher:
    """Sends due deliveries. Several gateway replicas may run one each: a delivery is
    claimed with a conditional update (a lease) before it is sent."""

    def __init__(self, store, policy: Policy, *, max_attempts=8, backoff_base=2.0, backoff_cap=3600.0,
                 timeout=5.0, lease=60.0, batch=20, egress_proxy=None):
        self.store, self.policy = store, policy
        self.max_attempts, self.backoff_base = int(max_attempts), float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.timeout, self.lease, self.batch = float(timeout), float(lease), int(batch)
        self.http = pinning.session(egress_proxy)

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
            delivery = conn.execute(sa.select(d).where(d.c.id == delivery_id)).one()
            sub = conn.execute(sa.select(s).where(s.c.id == delivery.subscription_id)).one()
            event = conn.execute(sa.select(f).where(f.c.event_id == delivery.event_id)).one()
            # At send time, as the subscription's key sees it now: a revoked key sends nothing more.
            subscriber = auth.live_actor(conn, sub.created_by)
            view, reason = None, subscriptions.KEY_REVOKED
            if subscriber is None:
                subscriptions.disable(conn, s.c.id == sub.id, reason)
            elif not sub.active:
                reason = sub.disabled_reason or subscriptions.DELETED
            else:
                view, reason = event_policy.view(event, subscriber), "the subscription's key may not see the event"
            if view is None:  # settled in this transaction: nobody sees it half-dropped
                conn.execute(d.update().where(d.c.id == delivery_id).values(
                    status="failed", next_attempt_at=None, last_error=f"not sent: {reason}"[:500],
                    updated_at=utcnow()))
        if view is None:
            log.info("webhook delivery %s of %s to subscription %s not sent: %s", delivery_id, delivery.event_type,
                     sub.id, reason)
            return
        attempt = delivery.attempts + 1
        started = time.monotonic()
        status_code, error = self._send(sub, delivery, json.dumps(view, separators=(",", ":")).encode())
        self._record(delivery_id, attempt, status_code, error, int((time.monotonic() - started) * 1000))
        log.info("webhook delivery %s of %s to subscription %s: attempt %d %s", delivery_id, delivery.event_type,
                 sub.id, attempt, "delivered" if error is None else error)

    def _send(self, sub, delivery, body: bytes) -> tuple[int | None, str | None]:
        """(the HTTP status, the error or None when acknowledged). The error is what the
        subscriber sees in its delivery log: generic, so that deliveries cannot be used to
        scan ports or networks; the reason goes to the operators' log."""
        try:
            target = self.policy.target(sub.url)
        except Refused as refused:
            log.warning("webhook delivery %s to subscription %s refused: the URL %s", delivery.id, sub.id, refused)
            return None, DELIVERY_FAILED
        try:
            response = pinning.post(self.http, target, data=body, timeout=(min(3.0, self.timeout), self.timeout),
                                    headers={"Content-Type": "application/json",
                                             "User-Agent": "urban-platform-webhooks/1",
                                             EVENT_ID_HEADER: delivery.event_id,
                                             EVENT_TYPE_HEADER: delivery.event_type,
                                             SIGNATURE_HEADER: sign(sub.secret, body)})
        except Exception as exc:  # connection refused, timeout, TLS...
            log.warning("webhook delivery %s to subscription %s at %s failed: %r", delivery.id, sub.id,
                        target.addresses[0], exc)
            return None, DELIVERY_FAILED
        status_code = response.status_code
        response.close()  # the body is never read: nothing of it reaches anyone
        return status_code, None if 200 <= status_code < 300 else f"{DELIVERY_FAILED}: HTTP {status_code}"

    def _record(self, delivery_id: int, attempt: int, status_code: int | None, error: str | None,
                duration_ms: int) -> None:
        d = models.webhook_deliveries
        now = utcnow()
        values: dict[str, Any]
        if error is None:
            values = dict(status="delivered", next_attempt_at=None)
        elif attempt >= self.max_attempts:
            values = dict(status="failed", next_attempt_at=None)
        else:
            values = dict(next_attempt_at=now + timedelta(seconds=self.backoff(attempt)))
        error = error[:500] if error else None
        with self.store.begin() as conn:
            conn.execute(models.webhook_attempts.insert().values(
                delivery_id=delivery_id, attempt=attempt, at=now, status_code=status_code, error=error,
                duration_ms=duration_ms))
            conn.execute(d.update().where(d.c.id == delivery_id).values(
                attempts=attempt, last_status_code=status_code, last_error=error, updated_at=now, **values))
