"""The broker topology: who subscribes to what, as data shared by producers and
consumers. Both sides declare it at start-up (and `python -m shared.messaging.topology`
declares it all), so an event emitted before its subscriber ever started waits in
the subscriber's durable queue instead of being dropped by an unbound exchange."""
import math
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kombu import Connection, Exchange, Queue, binding

from shared.events.contracts import producer_of

# Re-exported: the dead-letter exchange and queues are part of the topology (shared.messaging.dead_letters).
from shared.messaging.dead_letters import DEAD_LETTER_EXCHANGE as DEAD_LETTER_EXCHANGE
from shared.messaging.dead_letters import consumer_of, is_dead_letter_queue
from shared.messaging.dead_letters import dead_letter_exchange as dead_letter_exchange
from shared.messaging.dead_letters import dead_letter_queue as dead_letter_queue
from shared.messaging.dead_letters import declare_dead_letters as declare_dead_letters

# Broker-side backstop: a message delivered this many times (e.g. because it
# crashes the consumer process) is dead-lettered by RabbitMQ itself. Handler
# failures are parked earlier, with their reason, by ReliableEventHandler.
BROKER_DELIVERY_LIMIT = 10
# Delays (seconds) before the 1st, 2nd, ... retry of a failed event (EVENT_RETRY_DELAYS).
DEFAULT_RETRY_DELAYS: tuple[float, ...] = (1, 5, 30, 120, 600)
_MAX_TTL_MS = 2**32 - 1  # RabbitMQ's ceiling for x-message-ttl


@dataclass(frozen=True)
class Subscription:
    consumer: str     # service name of the subscriber
    event_type: str   # e.g. "result.recorded"

    @property
    def source(self) -> str:
        return producer_of(self.event_type)

    @property
    def queue_name(self) -> str:
        return queue_name(self.consumer)


def queue_name(consumer: str) -> str:
    """One queue per consuming service, bound to every type it subscribes to: quorum
    queues are heavy (a Raft group each), so a queue per event type does not scale."""
    return f"{consumer}.events"


def _gather() -> list[Subscription]:
    from shared.messaging.subscriptions import gateway, grants, metrics, programmes
    return [Subscription(module.CONSUMER, event_type)
            for module in (programmes, grants, metrics, gateway) for event_type in module.EVENT_TYPES]


SUBSCRIPTIONS: list[Subscription] = _gather()


def subscribe(consumer: str, event_type: str) -> Subscription:
    """Add a subscription at run time (used by tests and tools)."""
    sub = Subscription(consumer, event_type)
    if sub not in SUBSCRIPTIONS:
        SUBSCRIPTIONS.append(sub)
    return sub


def find(consumer: str, event_type: str) -> Subscription:
    sub = Subscription(consumer, event_type)
    if sub not in SUBSCRIPTIONS:
        raise LookupError(
            f"{consumer} handles {event_type!r} but shared.messaging.topology.SUBSCRIPTIONS "
            f"does not list it; add Subscription({consumer!r}, {event_type!r}) there")
    return sub


def event_exchange(producer: str) -> Exchange:
    # Same name, type and durability as nameko's own event exchanges.
    return Exchange(f"{producer}.events", type="topic", durable=True)  # type: ignore[no-untyped-call]


def parse_retry_delays(value: object) -> tuple[float, ...]:
    """EVENT_RETRY_DELAYS as configured: "1,5,30", a number, a list, or empty (the default)."""
    if value is None or value == "":
        return DEFAULT_RETRY_DELAYS
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list | tuple) else [value]
    delays = tuple(float(str(item).strip()) for item in items)
    for delay in delays:
        if not (math.isfinite(delay) and 1 <= round(delay * 1000) <= _MAX_TTL_MS):
            raise ValueError(f"EVENT_RETRY_DELAYS: {delay!r} is not a delay between 0.001 s and ~49 days")
    return delays


def retry_exchange(consumer: str) -> Exchange:
    """Direct exchange of one consumer's retries: into its delay queues and, when a delay
    expires, back to its own work queue only (other subscribers never see a retry)."""
    return Exchange(f"{consumer}.retry", type="direct", durable=True)  # type: ignore[no-untyped-call]


def retry_queue_name(consumer: str, delay: float) -> str:
    ms = round(delay * 1000)
    return f"{consumer}.retry.{ms // 1000}s" if ms % 1000 == 0 else f"{consumer}.retry.{ms}ms"


def retry_queue(consumer: str, delay: float) -> Queue:
    """A failed event waits here `delay` seconds, then is dead-lettered back to the work queue.
    Named by its delay, so changing EVENT_RETRY_DELAYS adds queues instead of redeclaring one
    with other arguments (which RabbitMQ refuses). Quorum with at-least-once dead-lettering:
    a waiting retry survives a broker restart and is not lost on its way back."""
    name = retry_queue_name(consumer, delay)
    return Queue(name, exchange=retry_exchange(consumer), routing_key=name,  # type: ignore[no-untyped-call]
                 durable=True, queue_arguments={
                     "x-queue-type": "quorum",
                     "x-message-ttl": round(delay * 1000),
                     "x-dead-letter-exchange": retry_exchange(consumer).name,
                     "x-dead-letter-routing-key": queue_name(consumer),
                     "x-dead-letter-strategy": "at-least-once",
                     "x-overflow": "reject-publish",  # required by at-least-once dead-lettering
                 })


def retry_queues(consumer: str, delays: Sequence[float]) -> list[Queue]:
    names: dict[str, float] = {}
    for delay in delays:
        names.setdefault(retry_queue_name(consumer, delay), delay)
    return [retry_queue(consumer, delay) for delay in names.values()]


def consumer_queue(consumer: str, subs: list[Subscription] | None = None) -> Queue:
    """The consumer's durable quorum queue, with a delivery limit and a dead-letter
    route, bound to `subs` (default: all of the consumer's subscriptions) and to its
    retry exchange. Bindings add up, so a producer declaring only its own types'
    bindings is harmless."""
    subs = [s for s in SUBSCRIPTIONS if s.consumer == consumer] if subs is None else subs
    name = queue_name(consumer)
    return Queue(  # type: ignore[no-untyped-call]
        name,
        bindings=[binding(event_exchange(s.source), routing_key=s.event_type)  # type: ignore[no-untyped-call]
                  for s in subs] + [binding(retry_exchange(consumer), routing_key=name)],  # type: ignore[no-untyped-call]
        durable=True,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": BROKER_DELIVERY_LIMIT,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": consumer,
        },
    )


def queue_for(sub: Subscription) -> Queue:
    return consumer_queue(sub.consumer, [sub])


Entity = Exchange | Queue


def entities_for(*, producer: str | None = None, consumer: str | None = None,
                 retry_delays: Sequence[float] = ()) -> list[Entity]:
    """Everything a producer or consumer needs to exist: exchanges, queues, dead-letter queues,
    and the delay queues of `retry_delays` (only their consumer publishes to them, with its own
    configured delays: a producer need not guess them)."""
    subs = [s for s in SUBSCRIPTIONS
            if (producer is None or s.source == producer) and (consumer is None or s.consumer == consumer)]
    entities: list[Entity] = []
    if producer:
        entities.append(event_exchange(producer))
    for name in sorted({s.consumer for s in subs}):
        mine = [s for s in subs if s.consumer == name]
        entities += [event_exchange(s.source) for s in mine]
        entities += [dead_letter_exchange(), dead_letter_queue(name), consumer_queue(name, mine)]
        entities += retry_queues(name, retry_delays)
    return entities


def declare(connection: Connection, entities: Iterable[Entity]) -> None:
    channel = connection.default_channel
    seen: set[tuple[str, str]] = set()
    for entity in entities:
        key = (type(entity).__name__, entity.name)
        if key in seen and not isinstance(entity, Queue):
            continue
        seen.add(key)
        if is_dead_letter_queue(entity):  # an older platform's classic one is kept, with a warning
            declare_dead_letters(connection, consumer_of(entity))
            continue
        entity.maybe_bind(channel)
        entity.declare()  # a Queue also declares its exchanges and (re)binds every binding


def declare_all(amqp_uri: str, retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS) -> None:
    with Connection(amqp_uri) as conn:  # type: ignore[no-untyped-call]
        declare(conn, entities_for(retry_delays=retry_delays))


if __name__ == "__main__":  # ops: declare the whole topology before a deploy
    from shared.config import amqp_uri
    declare_all(sys.argv[1] if len(sys.argv) > 1 else amqp_uri(),
                parse_retry_delays(os.environ.get("EVENT_RETRY_DELAYS")))
    print(f"declared {len(SUBSCRIPTIONS)} subscriptions")
