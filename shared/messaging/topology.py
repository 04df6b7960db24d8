"""The broker topology: who subscribes to what, as data shared by producers and
consumers. Both sides declare it at start-up (and `python -m shared.messaging.topology`
declares it all), so an event emitted before its subscriber ever started waits in
the subscriber's durable queue instead of being dropped by an unbound exchange."""
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Connection, Exchange, Queue, binding

from shared.events.contracts import producer_of

DEAD_LETTER_EXCHANGE = "platform.dead-letters"
# Broker-side backstop: a message delivered this many times (e.g. because it
# crashes the consumer process) is dead-lettered by RabbitMQ itself. Handler
# failures are parked earlier, with their reason, by ReliableEventHandler.
BROKER_DELIVERY_LIMIT = 10


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


def dead_letter_exchange() -> Exchange:
    return Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True)  # type: ignore[no-untyped-call]


def dead_letter_queue(consumer: str) -> Queue:
    return Queue(f"{consumer}.dead-letters", exchange=dead_letter_exchange(),  # type: ignore[no-untyped-call]
                 routing_key=consumer, durable=True)


def consumer_queue(consumer: str, subs: list[Subscription] | None = None) -> Queue:
    """The consumer's durable quorum queue, with a delivery limit and a dead-letter
    route, bound to `subs` (default: all of the consumer's subscriptions). Bindings
    add up, so a producer declaring only its own types' bindings is harmless."""
    subs = [s for s in SUBSCRIPTIONS if s.consumer == consumer] if subs is None else subs
    return Queue(  # type: ignore[no-untyped-call]
        queue_name(consumer),
        bindings=[binding(event_exchange(s.source), routing_key=s.event_type)  # type: ignore[no-untyped-call]
                  for s in subs],
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


def entities_for(*, producer: str | None = None, consumer: str | None = None) -> list[Entity]:
    """Everything a producer or consumer needs to exist: exchanges, queues, dead-letter queues."""
    subs = [s for s in SUBSCRIPTIONS
            if (producer is None or s.source == producer) and (consumer is None or s.consumer == consumer)]
    entities: list[Entity] = []
    if producer:
        entities.append(event_exchange(producer))
    for name in sorted({s.consumer for s in subs}):
        mine = [s for s in subs if s.consumer == name]
        entities += [event_exchange(s.source) for s in mine]
        entities += [dead_letter_exchange(), dead_letter_queue(name), consumer_queue(name, mine)]
    return entities


def declare(connection: Connection, entities: Iterable[Entity]) -> None:
    channel = connection.default_channel
    seen: set[tuple[str, str]] = set()
    for entity in entities:
        key = (type(entity).__name__, entity.name)
        if key in seen and not isinstance(entity, Queue):
            continue
        seen.add(key)
        entity.maybe_bind(channel)
        entity.declare()  # a Queue also declares its exchanges and (re)binds every binding


def declare_all(amqp_uri: str) -> None:
    with Connection(amqp_uri) as conn:  # type: ignore[no-untyped-call]
        declare(conn, entities_for())


if __name__ == "__main__":  # ops: declare the whole topology before a deploy
    from shared.config import amqp_uri
    declare_all(sys.argv[1] if len(sys.argv) > 1 else amqp_uri())
    print(f"declared {len(SUBSCRIPTIONS)} subscriptions")
