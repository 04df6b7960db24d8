"""Outgoing webhooks: subscriptions, signed deliveries with retries, and the delivery log.

Each delivery is an HTTP POST of the event as the subscription's key sees it in GET /v1/events
(gateway.event_policy; the key is re-checked at send time: a revoked key sends nothing), with headers

    X-Platform-Event-Id: <event id>
    X-Platform-Event-Type: <event type>
    X-Platform-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>

A 2xx answer acknowledges it. Anything else (or no answer within WEBHOOK_TIMEOUT_SECONDS)
is retried after WEBHOOK_BACKOFF_BASE * 2**(attempt-1) seconds, at most WEBHOOK_BACKOFF_CAP,
until WEBHOOK_MAX_ATTEMPTS, then the delivery is marked failed. Every attempt is logged.

- signing.py: the signature (partners use `verify_signature`; docs/api.md ships it).
- policy.py: where deliveries may go (server-side request forgery, OWASP API7): resolved once,
  every address checked by addresses.py (public unicast only), connected to by pinning.py.
- subscriptions.py: an organisation's subscriptions and their delivery log.
- dispatcher.py: queueing deliveries with the feed, and sending them."""
from gateway.webhooks.dispatcher import Dispatcher, enqueue
from gateway.webhooks.policy import Policy
from gateway.webhooks.signing import (
    DEFAULT_TOLERANCE,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    sign,
    verify_signature,
)
from gateway.webhooks.subscriptions import (
    create_subscription,
    deactivate_subscription,
    get_subscription,
    list_deliveries,
    list_subscriptions,
)

__all__ = ["DEFAULT_TOLERANCE", "EVENT_ID_HEADER", "EVENT_TYPE_HEADER", "SIGNATURE_HEADER", "Dispatcher", "Policy",
           "create_subscription", "deactivate_subscription", "enqueue", "get_subscription", "list_deliveries",
           "list_subscriptions", "sign", "verify_signature"]
