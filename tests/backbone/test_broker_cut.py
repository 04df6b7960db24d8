"""The broker connection cut while a worker runs: its RPC reply and its acknowledgement fail.
nameko kills the whole container when a worker's result handler raises (the gateway and
programmes died that way in `make chaos`); the platform's consumers log it instead, and the
service serves again once the broker is back."""
from urllib.parse import urlparse

import eventlet
import pytest

from shared.runtime.consuming import rpc
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.helpers import rpc_proxy, wait_until

pytestmark = pytest.mark.broker


class SlowService:
    name = "slow"

    @rpc
    def slow(self):
        eventlet.sleep(1.0)
        return "done"

    @rpc
    def ping(self):
        return "pong"


def _answers(rpc_client):
    try:
        return rpc_client.slow.ping() == "pong"
    except Exception:
        return False


def test_a_reply_and_an_ack_the_broker_cannot_take_do_not_kill_the_service(container_factory, amqp_uri):
    broker = urlparse(amqp_uri)
    proxy = HalfOpenProxy(broker.hostname, broker.port or 5672)
    try:
        proxied = amqp_uri.replace(f"{broker.hostname}:{broker.port}", f"127.0.0.1:{proxy.port}")
        container = container_factory(SlowService, {"AMQP_URI": proxied})
        container.start()
        with rpc_proxy(amqp_uri, timeout=20) as client:
            pending = client.slow.slow.call_async()
            eventlet.sleep(0.3)          # the worker is running
            proxy.cut()                  # its reply and its ack meet a closed connection
            eventlet.sleep(10)            # past the reply's publish retries
            assert not container._died.ready(), "the container was killed"
            proxy.restore()
            wait_until(lambda: _answers(client), timeout=30, interval=0.5, message="the service serving again")
            assert not container._died.ready()
            del pending   # its reply never came (sent while cut) or came late: either is fine
        container.stop()  # while the proxy still forwards: a consumer reconnecting to nothing never stops
    finally:
        proxy.close()
