"""What the gateway consumes from the broker.

- FeedConsumers: a reliable handler for each event type in
  shared.messaging.subscriptions.gateway.EVENT_TYPES (every known contract), all fed
  from the gateway's one queue; each appends the event to the feed and queues its
  webhook deliveries (the events delivered together in one transaction: gateway.feed_batch).
- ProgressConsumer: `objective.progress_changed` on a per-replica broadcast queue,
  keeping this replica's progress view current."""
import logging

from marshmallow import ValidationError
from nameko.events import BROADCAST, EventHandler
from nameko.extensions import DependencyProvider

from gateway.dependencies import State
from gateway.progress import resolve_plan
from shared.events import load_envelope
from shared.messaging.relay import PREVIOUS_HEADER, SEQUENCE_HEADER
from shared.messaging.subscriptions.gateway import EVENT_TYPES
from shared.runtime.consuming import GuardedQueueConsumer
from shared.runtime.events import ReliableEventHandler

log = logging.getLogger(__name__)
PROGRESS_EVENT = "objective.progress_changed"


class FeedEventHandler(ReliableEventHandler):
    """A reliable handler that also hands the relay's ordering headers to the worker
    (nameko passes on only its own `nameko.` headers)."""

    def unpack_message_headers(self, message):
        data = super().unpack_message_headers(message)
        headers = message.headers or {}
        data.update({name: headers[name] for name in (SEQUENCE_HEADER, PREVIOUS_HEADER) if name in headers})
        return data


class ProducerPosition(DependencyProvider):
    """(producer sequence, previous) of the event being handled; (None, None) if unstamped."""

    def get_dependency(self, worker_ctx):
        return tuple(_int(worker_ctx.data.get(name)) for name in (SEQUENCE_HEADER, PREVIOUS_HEADER))


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _feed_handler(event_type: str):
    def append_to_feed(self, envelope):
        if self.state.feed.append(envelope, self.producer_position):   # grouped: gateway.feed_batch
            self.state.wake_dispatcher()
    append_to_feed.__name__ = append_to_feed.__qualname__ = "feed_" + event_type.replace(".", "_")
    return FeedEventHandler.decorator(event_type)(append_to_feed)


# One reliable handler per type (the convention: each listed in the gateway's subscriptions);
# shared.runtime.events routes them all from the gateway's one queue.
FeedConsumers = type("FeedConsumers", (), {
    "producer_position": ProducerPosition(),
    **{"feed_" + event_type.replace(".", "_"): _feed_handler(event_type) for event_type in EVENT_TYPES}})


class BroadcastHandler(EventHandler):
    queue_consumer = GuardedQueueConsumer()  # the connection of the gateway's other consumers


class ProgressConsumer:
    state: State

    @BroadcastHandler.decorator("metrics", PROGRESS_EVENT, handler_type=BROADCAST, reliable_delivery=False)
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
        self.state.progress.include(plan_id, envelope.payload.get("includes") or ())
