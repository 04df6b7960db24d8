"""Events the gateway service consumes: every integration event type with a contract, for
the event feed (GET /v1/events) and webhooks. A contract added to shared/events/contracts/
is picked up here without an edit; like every consumer, the gateway reads them all from its
one queue (`gateway.events`). The progress view's `objective.progress_changed` also arrives
on a per-replica broadcast queue (see gateway/consumers.py)."""
from shared.events.contracts import CONTRACTS

CONSUMER = "gateway"
EVENT_TYPES: list[str] = sorted({event_type for event_type, _version in CONTRACTS})
FEED_EVENT_TYPES = EVENT_TYPES  # what the feed and webhooks offer
