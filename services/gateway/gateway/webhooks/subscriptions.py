"""Webhook subscriptions of an organisation and their delivery log. Another organisation's
subscription answers 404 like a missing one, so ids cannot be probed (access.owned)."""
import secrets
import uuid
from typing import Any

import sqlalchemy as sa

from gateway import models
from gateway.access import owned
from gateway.views import attempt_view, delivery_view, subscription_view
from gateway.webhooks.policy import Policy
from shared.actors import Actor
from shared.errors import NotFound
from shared.events.fields import utcnow
from shared.persistence import keyset_page


def create_subscription(store, policy: Policy, actor: Actor, *, url, event_types, description=None) -> dict:
    policy.check_url(url)
    now = utcnow()
    secret = "whsec_" + secrets.token_urlsafe(32)
    row = dict(id=str(uuid.uuid4()), organisation=actor.organisation, created_by=actor.key_id,
               role=actor.role, url=url, event_types=sorted(set(event_types)), description=description,
               secret=secret, active=True, disabled_reason=None, created_at=now, updated_at=now)
    with store.begin() as conn:
        conn.execute(models.webhook_subscriptions.insert().values(**row))
    view = subscription_view(type("Row", (), row))
    view["secret"] = secret
    return view


def _mine(actor: Actor) -> sa.Select[Any]:
    t = models.webhook_subscriptions
    return sa.select(t).where(owned(t.c.organisation, actor))


def get_subscription(store, actor: Actor, subscription_id: str) -> dict:
    t = models.webhook_subscriptions
    with store.begin() as conn:
        row = conn.execute(_mine(actor).where(t.c.id == subscription_id)).first()
    if row is None:  # another organisation's subscription is 404 too: ids cannot be probed
        raise NotFound("webhook", subscription_id)
    return subscription_view(row)


def list_subscriptions(store, actor: Actor, *, limit: int, cursor: str | None, descending=False,
                       modified_since=None, active=None) -> tuple[list[dict], str | None]:
    t = models.webhook_subscriptions
    q = _mine(actor)
    if active is not None:
        q = q.where(t.c.active == active)
    if modified_since is not None:
        q = q.where(t.c.updated_at >= modified_since)
    with store.begin() as conn:
        page = keyset_page(conn, q, [t.c.created_at, t.c.id], limit=limit, cursor=cursor, descending=descending)
    return [subscription_view(r) for r in page.rows], page.next_cursor


DELETED = "deleted"
KEY_REVOKED = "the key that created it was revoked"


def deactivate_subscription(store, actor: Actor, subscription_id: str) -> dict:
    """Stop a subscription; its pending deliveries are dropped (marked failed)."""
    get_subscription(store, actor, subscription_id)
    with store.begin() as conn:
        disable(conn, models.webhook_subscriptions.c.id == subscription_id, DELETED)
    return get_subscription(store, actor, subscription_id)


def disable(conn, which: Any, reason: str) -> None:
    """In the caller's transaction: stop the active subscriptions `which` (SQL) for `reason`
    and drop their pending deliveries. Revoking a key does this for the key's subscriptions."""
    t, d = models.webhook_subscriptions, models.webhook_deliveries
    now = utcnow()
    stopped = [r.id for r in conn.execute(t.update().where(which, t.c.active.is_(True))
                                          .values(active=False, disabled_reason=reason, updated_at=now)
                                          .returning(t.c.id))]
    if stopped:
        conn.execute(d.update().where(d.c.subscription_id.in_(stopped), d.c.status == "pending")
                     .values(status="failed", last_error=f"subscription stopped: {reason}", next_attempt_at=None,
                             updated_at=now))


def list_deliveries(store, actor: Actor, subscription_id: str, *, limit: int, cursor: str | None,
                    status=None) -> tuple[list[dict], str | None]:
    """One page of a subscription's deliveries, oldest first, each with its attempts."""
    get_subscription(store, actor, subscription_id)
    d, a = models.webhook_deliveries, models.webhook_attempts
    q = sa.select(d).where(d.c.subscription_id == subscription_id)
    if status:
        q = q.where(d.c.status == status)
    attempts: dict[int, list[dict]] = {}
    with store.begin() as conn:
        page = keyset_page(conn, q, [d.c.id], limit=limit, cursor=cursor)
        if page.rows:
            for att in conn.execute(sa.select(a).where(a.c.delivery_id.in_([r.id for r in page.rows]))
                                    .order_by(a.c.delivery_id, a.c.attempt)):
                attempts.setdefault(att.delivery_id, []).append(attempt_view(att))
    return [delivery_view(r, attempts.get(r.id, [])) for r in page.rows], page.next_cursor
