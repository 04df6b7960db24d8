"""What the gateway consumes from the broker.

- FeedConsumers: a reliable handler for each event type in
  shared.messaging.subscriptions.gateway.EVENT_TYPES (every known contract), all fed
  from the gateway's one queue; each appends the event to the feed and queues its
  webhook deliveries.
- ProgressConsumer: `objective.progress_changed` on a per-replica broadcast queue,
  keeping this replica's progress view current."""
import logging

from marshmallow import ValidationError
from nameko.events import BROADCAST, event_handler

from gateway import feed
from gateway.dependencies import State
from gateway.progress import resolve_plan
from shared.events import load_envelope
from shared.messaging.subscriptions.gateway import EVENT_TYPES
from shared.runtime.events import reliable_event_handler

log = logging.getLogger(__name__)
PROGRESS_EVENT = "objective.progress_changed"


def _feed_handler(event_type: str):
    def append_to_feed(self, envelope):
        if feed.append(self.state.store, envelope) is not None:
            self.state.wake_dispatcher()
    append_to_feed.__name__ = append_to_feed.__qualname__ = "feed_" + event_type.replace(".", "_")
    return reliable_event_handler(event_type)(append_to_feed)


# One reliable handler per type (the convention: each listed in the gateway's subscriptions);
# shared.runtime.events routes them all from the gateway's one queue.
FeedConsumers = type("FeedConsumers", (), {
    "feed_" + event_type.replace(".", "_"): _feed_handler(event_type) for event_type in EVENT_TYPES})


class ProgressConsumer:
    state: State

    @event_handler("metrics", PROGRESS_EVENT, handler_type=BROADCAST, reliable_delivery=False)
    def on_progress_changed(self, body):
        try:
            envelope = load_envelope(body)
        except ValidationError as exc:
            log.error("ignoring a malformed %s event: %s", PROGRESS_EVENT, exc.messages)
            return
        try:
            plan_id = resolve_plan(envelope.payload["plan_id"])
        except Exception:
            log.warning("progress event for unknown plan %r ignored", envelope.payload.get("plan_id"))
            return
        self.state.progress.put(plan_id, envelope.payload["progress"], from_event=True,
                                revision=envelope.payload["revision"])
