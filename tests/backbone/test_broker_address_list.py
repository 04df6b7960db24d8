"""AMQP_URI may list several brokers, ';'-separated (a RabbitMQ cluster's nodes): kombu
fails over to the next address. A service whose first address has no broker consumes
events and answers RPC through the second (docs/reliability.md)."""
from urllib.parse import urlparse, urlunparse

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection

from scripts.run_platform import broker_answers
from shared.messaging.publisher import ConfirmingPublisher
from shared.runtime.readiness import broker_check
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.backbone.test_undecodable import ProbeService, probe_queue, programme_event  # noqa: F401 (fixture)
from tests.helpers import free_port, publish_event, rpc_proxy, wait_until

pytestmark = pytest.mark.broker


@pytest.mark.usefixtures("probe_queue")
def test_a_service_moves_to_the_next_broker_address(container_factory, amqp_uri):
    nobody = amqp_uri.replace("127.0.0.1:5672", f"127.0.0.1:{free_port()}")  # a closed port
    assert nobody != amqp_uri
    container_factory(ProbeService, {"AMQP_URI": f"{nobody};{amqp_uri}"}).start()

    publish_event(amqp_uri, programme_event("through the second address"))

    wait_until(lambda: ProbeService.handled == ["through the second address"], message="the event handled")
    with rpc_proxy(amqp_uri) as proxy:
        assert proxy.probe.ping() == "pong"


def test_short_lived_connections_try_every_address_in_turn(amqp_uri):
    """Readiness, platformctl, `make run` and the relays' publisher: with two nodes of three away
    they reach the third (kombu's own connect() tries two addresses)."""
    closed = [amqp_uri.replace("127.0.0.1:5672", f"127.0.0.1:{free_port()}") for _ in range(2)]
    addresses = ";".join([*closed, amqp_uri])
    assert broker_check(addresses) == {"ok": True, "detail": "connected"}
    assert broker_answers(addresses)
    publisher = ConfirmingPublisher(addresses)
    try:
        publisher.publish_json({"ping": 1}, exchange="", routing_key="no-such-queue")   # confirmed, unroutable
    finally:
        publisher.close()
    assert not broker_check(";".join(closed))["ok"] and not broker_answers(";".join(closed))


@pytest.mark.usefixtures("probe_queue")
def test_a_services_rpc_queue_is_a_quorum_queue(container_factory, amqp_uri):
    """Replicated over a cluster's nodes: a classic queue is unusable while its one node is away."""
    container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    with Connection(amqp_uri) as conn:
        with pytest.raises(PreconditionFailed, match="x-queue-type"):   # RabbitMQ names the argument that differs
            conn.channel().queue_declare("rpc-probe", durable=True, auto_delete=False,
                                         arguments={"x-queue-type": "classic"})


def test_readiness_leaves_the_next_node_time_when_the_first_never_answers(amqp_uri):
    parts = urlparse(amqp_uri)
    silent = HalfOpenProxy(parts.hostname, parts.port or 5672)
    silent.pause()   # accepts, then answers nothing: a node behind a dead network path
    try:
        first = urlunparse(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{silent.port}"))
        assert broker_check(f"{first};{amqp_uri}", timeout=2) == {"ok": True, "detail": "connected"}
    finally:
        silent.close()
