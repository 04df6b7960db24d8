"""Events the gateway service consumes.

EVENT_TYPES (one durable queue per type, like every other consumer) is empty: the
gateway's event feed takes every integration event with a contract through ONE
durable quorum queue, `gateway--feed`, bound to each producer's exchange for each
type in FEED_EVENT_TYPES (declared by the gateway at start-up). One queue keeps the
events in their arrival order, and keeps the broker light (a queue per type per
gateway meant dozens of quorum queues). A contract added to shared/events/contracts/
is picked up here without an edit. The progress view's `objective.progress_changed`
subscription is a per-replica broadcast queue (see gateway/consumers.py)."""
from shared.events.contracts import CONTRACTS

CONSUMER = "gateway"
EVENT_TYPES: list[str] = []
FEED_EVENT_TYPES: list[str] = sorted({event_type for event_type, _version in CONTRACTS})
