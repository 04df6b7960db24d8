"""A nameko event handler that never loses an event silently.

- Its queue comes from shared.messaging.topology: ONE durable quorum queue per
  consuming service (`<service>.events`), with a broker-side delivery limit and a
  dead-letter route, bound to every type the service subscribes to. Of a
  service's handlers, one consumes the queue and routes each event by its type
  to the handler declared for it.
- The body is checked against the envelope and the payload contract first; a
  message that breaks the contract can never succeed and is parked at once.
- A body kombu cannot decode (not JSON, or a content type other than JSON: text/plain,
  a pickle, which is never unpickled) reaches `handle_undecodable` through
  shared.runtime.consuming and is parked, as it came, with reason `undecodable`.
- A handler that raises is retried after a delay that grows per attempt
  (EVENT_RETRY_DELAYS, through the broker's delay queues: shared.runtime.retries),
  up to EVENT_MAX_ATTEMPTS attempts; then the event is parked in
  `<service>.dead-letters` (a quorum queue) with the reason. Either way the delivery is
  acknowledged once the broker has confirmed the copy, so later events keep flowing; a park
  it refuses or does not confirm puts the event back in its queue after PARK_RETRY_PAUSE.
The decorated method receives a validated `shared.events.Envelope`.
The router counts what it handles (platform_events_handled_total, _failed_total) and
keeps what the metrics service's projection lag needs (shared.runtime.ops)."""
import logging
import traceback
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import Any

import eventlet
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
from shared.runtime.consuming import GuardedQueueConsumer
from shared.runtime.retries import RetryPolicy, delivery_attempt, retry_headers
from shared.runtime.telemetry import EVENTS_FAILED, EVENTS_HANDLED

log = logging.getLogger(__name__)

PARK_RETRY_PAUSE = 10.0  # seconds before a message that could not be parked goes back to its queue

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class ReliableEventHandler(EventHandler):
    queue_consumer = GuardedQueueConsumer()

    def __init__(self, event_type: str, **kwargs: Any) -> None:
        super().__init__(producer_of(event_type), event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=True, **kwargs)

    def setup(self) -> None:
        config = self.container.config
        consumer = self.container.service_name
        self.subscription = topology.find(consumer, self.event_type)
        self.retries = RetryPolicy.from_config(config)
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
        self.parks_in_quorum = True  # start() finds out
        self.in_flight: dict[int, datetime] = {}   # occurred_at of each event being handled
        self.last_applied: datetime | None = None  # occurred_at of the last event handled
        if self.is_router:
            self.queue = topology.consumer_queue(consumer, [topology.find(consumer, t) for t in self.routes])
            self.publisher = ConfirmingPublisher(config["AMQP_URI"])  # parks and retries
            Consumer.setup(self)  # skip EventHandler.setup: the queue is ours

    def start(self) -> None:
        if not self.is_router:
            return
        # The dead-letter and delay queues must exist before the first failure, not at it.
        consumer = self.subscription.consumer
        with Connection(self.container.config["AMQP_URI"]) as conn:  # type: ignore[no-untyped-call]
            # False: an older platform's classic queue, kept (with a warning) until upgraded.
            self.parks_in_quorum = topology.declare_dead_letters(conn, consumer)
            topology.declare(conn, topology.retry_queues(consumer, self.retries.used_delays()))
        super().start()

    def stop(self) -> None:
        if not self.is_router:
            return
        super().stop()
        self.publisher.close()

    def handle_message(self, body: object, message: Message) -> None:
        try:
            envelope = load_envelope(body)
        except ValidationError as exc:
            EVENTS_FAILED.labels(self.container.service_name, self._type_label(body)).inc()
            self.park_or_return(message, body, reason="contract_violation", error=str(exc.messages))
            return
        handler = self.routes.get(envelope.type)
        if handler is None:  # bound by an older deployment of this service, say
            EVENTS_FAILED.labels(self.container.service_name, envelope.type).inc()
            self.park_or_return(message, body, reason="no_handler", error=f"no handler for {envelope.type!r}")
            return
        context_data = self.unpack_message_headers(message)
        context_data["correlation_id"] = envelope.correlation_id
        self.in_flight[id(message)] = envelope.occurred_at
        try:
            self.container.spawn_worker(handler, (envelope,), {}, context_data=context_data,
                                        handle_result=partial(self.handle_result, message, body))
        except ContainerBeingKilled:
            self.in_flight.pop(id(message), None)
            self.queue_consumer.requeue_message(message)

    def handle_undecodable(self, message: Message, exc: Exception) -> None:
        EVENTS_FAILED.labels(self.container.service_name, "unknown").inc()
        self.park_or_return(message, None, reason="undecodable", error=f"{type(exc).__name__}: {exc}")

    def park_or_return(self, message: Message, body: object, **why: Any) -> None:
        """Parks the message and acks it; if parking fails, the message goes back to its queue."""
        try:
            self.park(message, body, **why)
        except Exception:
            log.exception("could not park an event; it goes back to its queue in %gs", PARK_RETRY_PAUSE)
            self.requeue_later(message)
            return
        self.queue_consumer.ack_message(message)

    def requeue_later(self, message: Message) -> None:
        """Requeued after a pause, not at once: every return counts against the broker's delivery
        limit, and a dead-letter queue that is away (a quorum queue electing a leader, an older
        classic one whose node is down) needs seconds, which a tight loop would burn through."""
        def requeue() -> None:
            eventlet.sleep(PARK_RETRY_PAUSE)
            self.queue_consumer.requeue_message(message)
        self.container.spawn_managed_thread(requeue, identifier="ReliableEventHandler.requeue_later")

    def handle_result(self, message: Message, body: object, worker_ctx: WorkerContext, result: Any = None,
                      exc_info: ExcInfo | None = None) -> tuple[Any, ExcInfo | None]:
        occurred_at = self.in_flight.pop(id(message), None)
        consumer, event_type = self.container.service_name, self._type_label(body)
        if exc_info is None:
            EVENTS_HANDLED.labels(consumer, event_type).inc()
            self.last_applied = occurred_at
            self.queue_consumer.ack_message(message)
            return result, exc_info
        EVENTS_FAILED.labels(consumer, event_type).inc()
        attempt = delivery_attempt(message)
        delay = self.retries.delay_after(attempt)
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        try:
            if delay is None:
                self.park(message, body, reason="handler_error", error=error, attempts=attempt)
            else:
                log.warning("%s failed on attempt %d/%d; retrying in %gs", worker_ctx.entrypoint.method_name,
                            attempt, self.retries.max_attempts, delay, exc_info=exc_info)
                self.retry_later(message, attempt, delay)
        except Exception:
            # Could not park or schedule: back to the queue (the broker's delivery limit
            # dead-letters a message that keeps coming back).
            log.exception("could not %s event; it goes back to its queue in %gs",
                          "park" if delay is None else "schedule the retry of", PARK_RETRY_PAUSE)
            self.requeue_later(message)
            return result, exc_info
        self.queue_consumer.ack_message(message)  # only now that the broker holds the copy
        return result, exc_info

    def _type_label(self, body: object) -> str:
        """The type the body names if this service subscribes to it, else "unknown" (a label:
        a sender must not be able to make up new series)."""
        value = body.get("type") if isinstance(body, dict) else None
        return value if isinstance(value, str) and value in self.routes else "unknown"

    def park(self, message: Message, body: object, *, reason: str, error: str, attempts: int | None = None) -> None:
        """Raises unless the broker confirmed the copy in the dead-letter queue: not confirmed (a
        quorum queue without a majority), or returned as unroutable (mandatory: the queue is gone,
        say mid-upgrade) instead of being confirmed and dropped. A classic queue is not declared
        here: re-creating it as classic mid-upgrade would undo the upgrade."""
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
        self.publisher.publish(message.body, exchange=topology.dead_letter_exchange(),
                               content_type=message.content_type or "application/octet-stream",
                               content_encoding=message.content_encoding or "binary",
                               routing_key=self.subscription.consumer, headers=headers,
                               message_id=message.properties.get("message_id"), mandatory=True,
                               declare=[topology.dead_letter_queue(self.subscription.consumer)]
                               if self.parks_in_quorum else [])

    def retry_later(self, message: Message, attempt: int, delay: float) -> None:
        consumer = self.subscription.consumer
        queue = topology.retry_queue(consumer, delay)
        self.publisher.publish(message.body, exchange=topology.retry_exchange(consumer), routing_key=queue.name,
                               headers=retry_headers(message, attempt + 1),
                               message_id=message.properties.get("message_id"), declare=[queue])


reliable_event_handler = ReliableEventHandler.decorator
