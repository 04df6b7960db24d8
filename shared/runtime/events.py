"""A nameko event handler that never loses an event silently.

- Its queue comes from shared.messaging.topology: ONE durable quorum queue per
  consuming service (`<service>.events`), with a broker-side delivery limit and a
  dead-letter route, bound to every type the service subscribes to. Of a
  service's handlers, one consumes the queue and routes each event by its type
  to the handler declared for it.
- The body is checked against the envelope and the payload contract first; a
  message that breaks the contract can never succeed and is parked at once.
- A handler that raises is retried (requeued) up to EVENT_MAX_ATTEMPTS times,
  then the event is parked in `<service>.dead-letters` with the reason, and
  acknowledged, so later events keep flowing.
The decorated method receives a validated `shared.events.Envelope`."""
import logging
import traceback
from functools import partial
from types import TracebackType
from typing import Any

from kombu import Connection
from kombu.message import Message
from marshmallow import ValidationError
from nameko.containers import WorkerContext
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer

from shared.events import load_envelope, producer_of
from shared.events.fields import utcnow
from shared.messaging import topology
from shared.messaging.publisher import ConfirmingPublisher

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def delivery_attempt(message: Message) -> int:
    """1 for a first delivery; quorum queues count redeliveries in x-delivery-count."""
    return int((message.headers or {}).get("x-delivery-count", 0)) + 1


class ReliableEventHandler(EventHandler):

    def __init__(self, event_type: str, **kwargs: Any) -> None:
        super().__init__(producer_of(event_type), event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=True, **kwargs)

    def setup(self) -> None:
        config = self.container.config
        consumer = self.container.service_name
        self.subscription = topology.find(consumer, self.event_type)
        self.max_attempts = int(config.get("EVENT_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
        handlers = sorted((e for e in self.container.entrypoints if isinstance(e, ReliableEventHandler)),
                          key=lambda e: e.method_name)
        self.routes: dict[str, ReliableEventHandler] = {}
        for handler in handlers:
            if handler.event_type in self.routes:
                raise RuntimeError(f"{consumer}: {handler.method_name} and "
                                   f"{self.routes[handler.event_type].method_name} both handle "
                                   f"{handler.event_type!r}")
            self.routes[handler.event_type] = handler
        self.is_router = handlers[0] is self
        if self.is_router:
            self.queue = topology.consumer_queue(consumer, [topology.find(consumer, t) for t in self.routes])
            self.parking = ConfirmingPublisher(config["AMQP_URI"])
            Consumer.setup(self)  # skip EventHandler.setup: the queue is ours

    def start(self) -> None:
        if not self.is_router:
            return
        # The dead-letter queue must exist before the first failure, not at it.
        with Connection(self.container.config["AMQP_URI"]) as conn:  # type: ignore[no-untyped-call]
            topology.declare(conn, [topology.dead_letter_exchange(),
                                    topology.dead_letter_queue(self.subscription.consumer)])
        super().start()

    def stop(self) -> None:
        if not self.is_router:
            return
        super().stop()
        self.parking.close()

    def handle_message(self, body: object, message: Message) -> None:
        try:
            envelope = load_envelope(body)
        except ValidationError as exc:
            self.park(message, body, reason="contract_violation", error=str(exc.messages))
            self.queue_consumer.ack_message(message)
            return
        handler = self.routes.get(envelope.type)
        if handler is None:  # bound by an older deployment of this service, say
            self.park(message, body, reason="no_handler", error=f"no handler for {envelope.type!r}")
            self.queue_consumer.ack_message(message)
            return
        context_data = self.unpack_message_headers(message)
        context_data["correlation_id"] = envelope.correlation_id
        try:
            self.container.spawn_worker(handler, (envelope,), {}, context_data=context_data,
                                        handle_result=partial(self.handle_result, message, body))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def handle_result(self, message: Message, body: object, worker_ctx: WorkerContext, result: Any = None,
                      exc_info: ExcInfo | None = None) -> tuple[Any, ExcInfo | None]:
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return result, exc_info
        attempt = delivery_attempt(message)
        if attempt >= self.max_attempts:
            error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
            try:
                self.park(message, body, reason="handler_error", error=error, attempts=attempt)
                self.queue_consumer.ack_message(message)
            except Exception:
                # Could not park: leave it to the broker (requeue; its delivery limit dead-letters).
                log.exception("could not park event; requeueing")
                self.queue_consumer.requeue_message(message)
        else:
            log.warning("%s failed on attempt %d/%d; requeueing", worker_ctx.entrypoint.method_name,
                        attempt, self.max_attempts, exc_info=exc_info)
            self.queue_consumer.requeue_message(message)
        return result, exc_info

    def park(self, message: Message, body: object, *, reason: str, error: str, attempts: int | None = None) -> None:
        headers = dict(message.headers or {})
        headers.update({
            "x-parked-reason": reason,
            "x-parked-error": error[:2000],
            "x-parked-queue": self.subscription.queue_name,
            "x-parked-attempts": attempts or delivery_attempt(message),
            "x-parked-at": utcnow().isoformat(),
        })
        log.error("parking event from %s in %s.dead-letters: %s: %s", self.subscription.queue_name,
                  self.subscription.consumer, reason, error)
        self.parking.publish(message.body, exchange=topology.dead_letter_exchange(),
                             routing_key=self.subscription.consumer, headers=headers,
                             message_id=message.properties.get("message_id"),
                             declare=[topology.dead_letter_queue(self.subscription.consumer)])


reliable_event_handler = ReliableEventHandler.decorator
