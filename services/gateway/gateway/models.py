"""Tables of the gateway's own database (GATEWAY_DATABASE_URL, SQLite under var/ by default).

- api_keys: only the SHA-256 of each key is stored, with a short prefix to recognise it.
- audit_log: append-only (no update or delete), except that a refusal row counts the
  refusals of its key or client address, status and window (`count`, `last_at`).
- idempotency_keys: the first response to a POST with an Idempotency-Key, replayed on retry.
- webhook_subscriptions / webhook_deliveries / webhook_attempts: outgoing webhooks and their log.
- event_feed: the gateway's own copy of integration events (`sequence`), each producer's in its
  own order; event_feed_held: events waiting for their producer's previous one.
- inbox (and an unused outbox): the backbone's exactly-once bookkeeping for consumed events."""
import sqlalchemy as sa

from shared.db import backbone_tables

metadata = sa.MetaData()
outbox, inbox = backbone_tables(metadata)

TS = sa.DateTime(timezone=True)

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("prefix", sa.String(20), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("created_by", sa.String(40), nullable=True),
    sa.Column("revoked_at", TS, nullable=True),
    sa.Column("revoked_by", sa.String(40), nullable=True),
    sa.Index("ix_api_keys_organisation", "organisation"),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False),
    sa.Column("request_id", sa.String(128), nullable=False),
    sa.Column("key_id", sa.String(40), nullable=True),
    sa.Column("organisation", sa.String(200), nullable=True),
    sa.Column("role", sa.String(20), nullable=True),
    sa.Column("client", sa.String(64), nullable=True),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("route", sa.String(100), nullable=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("detail", sa.Text, nullable=True),
    sa.Column("count", sa.Integer, nullable=False, server_default="1"),
    sa.Column("last_at", TS, nullable=True),
    sa.Column("window_start", TS, nullable=True),
    sa.Column("refused_by", sa.String(120), nullable=True),
    sa.Index("ix_audit_log_at", "at"),
    sa.Index("ux_audit_log_refusal", "refused_by", "status", "window_start", unique=True),
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("body_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=True),   # NULL while the first request runs
    sa.Column("headers", sa.Text, nullable=True),
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("created_at", TS, nullable=False),
    # Until when the running request holds the key (409 to a retry); NULL: open to a retry.
    sa.Column("claimed_until", TS, nullable=True),
    sa.UniqueConstraint("actor", "key", name="uq_idempotency_actor_key"),
    sa.Index("ix_idempotency_created", "created_at"),
)

webhook_subscriptions = sa.Table(
    "webhook_subscriptions", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("created_by", sa.String(40), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),  # of the creating key when created (deliveries use the live key)
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("description", sa.String(500), nullable=True),
    sa.Column("secret", sa.String(100), nullable=False),  # needed in clear to sign; never returned again
    sa.Column("active", sa.Boolean, nullable=False),
    # Why it stopped (NULL while active): deleted, or the key that created it was revoked.
    sa.Column("disabled_reason", sa.String(200), nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Index("ix_webhook_subscriptions_organisation", "organisation"),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subscription_id", sa.String(36), sa.ForeignKey("webhook_subscriptions.id"), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),   # pending, delivered, failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", TS, nullable=True),
    sa.Column("last_status_code", sa.Integer, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = sa.Table(
    "webhook_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.Integer, sa.ForeignKey("webhook_deliveries.id"), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Index("ix_webhook_attempts_delivery", "delivery_id", "attempt"),
)

event_feed = sa.Table(
    "event_feed", metadata,
    sa.Column("sequence", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("producer", sa.String(50), nullable=False),
    sa.Column("occurred_at", TS, nullable=False),
    sa.Column("correlation_id", sa.String(200), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("received_at", TS, nullable=False),
    # The producer's outbox id (x-producer-sequence), when the relay stamped it.
    sa.Column("producer_sequence", sa.BigInteger, nullable=True),
    sa.Index("ix_event_feed_type", "type", "sequence"),
    sa.Index("ix_event_feed_producer_sequence", "producer", "producer_sequence"),
)

# Events received before their producer's previous event (gateway.feed_order): they get a
# feed sequence once it is in the feed, or after the hold limit.
event_feed_held = sa.Table(
    "event_feed_held", metadata,
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("producer", sa.String(50), nullable=False),
    sa.Column("occurred_at", TS, nullable=False),
    sa.Column("correlation_id", sa.String(200), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("producer_sequence", sa.BigInteger, nullable=False),
    sa.Column("previous", sa.BigInteger, nullable=False),
    sa.Index("ix_event_feed_held_previous", "producer", "previous"),
    sa.Index("ix_event_feed_held_received", "received_at"),
)
