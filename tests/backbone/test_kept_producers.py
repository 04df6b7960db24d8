"""RPC publishing on kept producers (shared.runtime.kept_producers), on the real broker: one
connection serves publish after publish, a connection broken under its producer is healed
or replaced with nothing lost, and an unroutable mandatory publish is nameko's
UndeliverableMessage, the producer kept; a burst leaves KEEP connections, not one per publisher."""
import socket
import uuid
from contextlib import ExitStack

import pytest
from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import UndeliverableMessage

from shared.runtime.kept_producers import KEEP, KeptPublisher, ProducerShelf, shelf

pytestmark = pytest.mark.broker


@pytest.fixture
def probe(amqp_uri):
    name = f"kept-probe-{uuid.uuid4().hex[:8]}"
    exchange = Exchange(name, type="direct", durable=False, auto_delete=True)
    queue = Queue(name, exchange=exchange, routing_key=name, durable=False, auto_delete=True)
    with Connection(amqp_uri) as conn:
        bound = queue(conn.channel())
        bound.declare()
        yield exchange, name, bound


def drained(bound, n):
    got = []
    for _ in range(200):
        message = bound.get(no_ack=True)
        if message is not None:
            got.append(message.payload["n"])
        if len(got) == n:
            break
    return got


def test_publishes_share_a_kept_connection_and_outlive_it_breaking(amqp_uri, probe):
    exchange, key, bound = probe
    publisher, kept = KeptPublisher(amqp_uri), shelf(amqp_uri, True)
    publisher.publish({"n": 1}, exchange=exchange, routing_key=key)
    first = kept.free[-1]
    publisher.publish({"n": 2}, exchange=exchange, routing_key=key)
    assert kept.free[-1] is first and first.connection.connected
    first.connection.connection.sock.shutdown(socket.SHUT_RDWR)   # the broker went away under it
    publisher.publish({"n": 3}, exchange=exchange, routing_key=key)
    assert drained(bound, 3) == [1, 2, 3]


def test_an_unroutable_mandatory_publish_is_undeliverable_and_the_producer_kept(amqp_uri, probe):
    exchange, key, bound = probe
    publisher, kept = KeptPublisher(amqp_uri), shelf(amqp_uri, True)
    with pytest.raises(UndeliverableMessage):
        publisher.publish({"n": 0}, exchange=exchange, routing_key=f"{key}-nobody", mandatory=True)
    producer = kept.free[-1]
    publisher.publish({"n": 1}, exchange=exchange, routing_key=key, mandatory=True)
    assert kept.free[-1] is producer and drained(bound, 1) == [1]


def test_a_burst_leaves_at_most_keep_producers(amqp_uri):
    kept = ProducerShelf(amqp_uri, True)
    with ExitStack() as stack:
        lent = [stack.enter_context(kept.lend()) for _ in range(KEEP + 3)]
        assert len({id(p) for p in lent}) == KEEP + 3   # one greenthread at a time each
    assert len(kept.free) == KEEP and set(map(id, kept.free)) <= set(map(id, lent))
