"""What the gateway consumes from the broker.

- FeedConsumers: one reliable handler on the `gateway--feed` queue, bound to every
  event type in shared.messaging.subscriptions.gateway.FEED_EVENT_TYPES (every known
  contract); it appends each event to the feed and queues its webhook deliveries.
- ProgressConsumer: `objective.progress_changed` on a per-replica broadcast queue,
  keeping this replica's progress view current."""
import logging

from kombu import Queue, binding
from marshmallow import ValidationError
from nameko.events import BROADCAST, SERVICE_POOL, EventHandler, event_handler
from nameko.messaging import Consumer

from shared.events import load_envelope, producer_of
from shared.messaging import topology
from shared.messaging.publisher import ConfirmingPublisher
from shared.messaging.subscriptions.gateway import FEED_EVENT_TYPES
from shared.runtime.events import DEFAULT_MAX_ATTEMPTS, ReliableEventHandler
from gateway import feed
from gateway.progress import resolve_plan

log = logging.getLogger(__name__)
PROGRESS_EVENT = "objective.progress_changed"


class FeedSubscription:
    """What ReliableEventHandler needs to know of its subscription (for parking)."""

    def __init__(self, consumer: str):
        self.consumer = consumer
        self.queue_name = f"{consumer}--feed"


def feed_queue(consumer: str, event_types) -> Queue:
    """One durable quorum queue bound to `<producer>.events` for each event type, with the
    same delivery limit and dead-letter route as every subscription queue."""
    return Queue(
        f"{consumer}--feed",
        bindings=[binding(topology.event_exchange(producer_of(t)), routing_key=t) for t in event_types],
        durable=True,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": topology.BROKER_DELIVERY_LIMIT,
            "x-dead-letter-exchange": topology.DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": consumer,
        },
    )


class FeedHandler(ReliableEventHandler):
    """ReliableEventHandler (contract check, retries, parking) on the feed queue."""

    def __init__(self, event_types, **kwargs):
        EventHandler.__init__(self, "*", "*", handler_type=SERVICE_POOL, reliable_delivery=True,
                              requeue_on_error=True, **kwargs)
        self.event_types = tuple(event_types)

    def setup(self):
        config = self.container.config
        self.subscription = FeedSubscription(self.container.service_name)
        self.queue = feed_queue(self.container.service_name, self.event_types)
        self.max_attempts = int(config.get("EVENT_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
        self.parking = ConfirmingPublisher(config["AMQP_URI"])
        # What ReliableEventHandler's own methods expect when one handler consumes a queue for
        # several types: it consumes (is the router) and every type routes to it.
        self.is_router = True
        self.routes = {event_type: self for event_type in self.event_types}
        Consumer.setup(self)


class FeedConsumers:

    @FeedHandler.decorator(FEED_EVENT_TYPES)
    def on_event(self, envelope):
        if feed.append(self.state.store, envelope) is not None:
            self.state.wake_dispatcher()


class ProgressConsumer:

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
