"""A worker that settles (acks or requeues) its message after the broker connection broke (a
cluster node killed under it, before the consumer noticed) must not take the service down:
nameko ignored only amqp's own ConnectionError there, and the socket error (EPIPE, a reset)
killed the container. The broker delivers an unsettled message again after reconnection."""
import socket

import pytest
from kombu import Connection, Queue
from nameko.messaging import QueueConsumer

from shared.runtime.consuming import GuardedQueueConsumer

pytestmark = pytest.mark.broker


def a_message_on_a_broken_connection(conn):
    queue = Queue("settle-probe", routing_key="settle-probe", durable=True)(conn.channel())
    queue.declare()
    conn.Producer(queue.channel).publish({"n": 1}, routing_key="settle-probe")
    message = None
    while message is None:
        message = queue.get()
    conn.connection.sock.shutdown(socket.SHUT_RDWR)   # the node is gone; py-amqp does not know yet
    return message


@pytest.mark.parametrize("settle", ["ack_message", "requeue_message"])
def test_settling_on_a_broken_connection_is_left_to_the_broker(amqp_uri, settle):
    with Connection(amqp_uri) as conn:
        with pytest.raises(OSError):   # what nameko's own consumer lets through to the worker
            getattr(QueueConsumer(), settle)(a_message_on_a_broken_connection(conn))
    with Connection(amqp_uri) as conn:
        getattr(GuardedQueueConsumer(), settle)(a_message_on_a_broken_connection(conn))   # no error
    with Connection(amqp_uri) as conn:   # never settled: the broker kept both copies
        _, ready, _ = conn.channel().queue_declare("settle-probe", passive=True)
        assert ready == 2
