"""Messages kombu cannot decode, published straight into a service's queues on the real
broker: an event is parked with reason `undecodable` (never unpickled) and later events
still flow; an RPC request is answered at once with MalformedRequest."""
import json
import pickle
from datetime import datetime, timezone

import pytest
from kombu import Connection
from prometheus_client import REGISTRY

from shared.events import make_envelope
from shared.messaging import topology
from shared.runtime.consuming import rpc
from shared.runtime.events import reliable_event_handler
from tests.helpers import drain_messages, publish_event, queue_depth, rpc_proxy, wait_until

pytestmark = pytest.mark.broker

JINJA = {"name": "Jinja", "country": "UG"}


class Exploding:
    """Unpickling this would record it: the test proves it never happens."""
    unpickled: list[str] = []

    def __reduce__(self):
        return (Exploding.unpickled.append, ("unpickled!",))


class ProbeService:
    name = "probe"
    handled: list[str] = []

    @reliable_event_handler("programme.created")
    def on_programme_created(self, envelope):
        ProbeService.handled.append(envelope.payload["title"])

    @rpc
    def ping(self):
        return "pong"


@pytest.fixture
def probe_queue():
    sub = topology.subscribe("probe", "programme.created")
    ProbeService.handled = []
    yield sub.queue_name
    topology.SUBSCRIPTIONS.remove(sub)


def programme_event(title):
    return make_envelope("programme.created", {
        "programme_id": title, "title": title, "funding_window": "global", "themes": ["cities_migration"],
        "countries": ["UG"], "cities": [JINJA], "created_at": datetime.now(timezone.utc)},
        producer="programmes", version=1).to_message()


def publish_raw(amqp_uri, queue, body, content_type, content_encoding="utf-8", **properties):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(body, exchange="", routing_key=queue, content_type=content_type,
                                content_encoding=content_encoding, delivery_mode=2, **properties)


def failed_count():
    return REGISTRY.get_sample_value("platform_events_failed_total", {"consumer": "probe", "type": "unknown"}) or 0


BAD_BODIES = [
    ("not json", b"{not json at all", "application/json", "utf-8"),
    ("text", b"hello, plain text", "text/plain", "utf-8"),
    ("pickle", pickle.dumps(Exploding()), "application/x-python-serialize", "binary"),
]


def test_undecodable_events_are_parked_with_the_reason_and_later_events_flow(container_factory, amqp_uri,
                                                                              probe_queue):
    container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    before = failed_count()

    for label, body, content_type, encoding in BAD_BODIES:
        publish_raw(amqp_uri, probe_queue, body, content_type, encoding, message_id=label)
    publish_event(amqp_uri, programme_event("after the bad ones"))

    wait_until(lambda: ProbeService.handled == ["after the bad ones"], message="the good event after the bad ones")
    wait_until(lambda: queue_depth(amqp_uri, "probe.dead-letters") == 3, message="the three bodies parked")
    parked = {m.properties["message_id"]: m for m in drain_messages(amqp_uri, "probe.dead-letters", limit=10)}
    assert sorted(parked) == ["not json", "pickle", "text"]
    for label, body, content_type, _ in BAD_BODIES:
        message = parked[label]
        assert message.headers["x-parked-reason"] == "undecodable"
        assert message.headers["x-parked-queue"] == probe_queue
        raw = message.body if isinstance(message.body, bytes) else message.body.encode()  # py-amqp decodes utf-8
        assert raw == body  # parked as it came, with its own content type
        assert message.properties["content_type"] == content_type
    assert "Refusing to deserialize" in parked["pickle"].headers["x-parked-error"]  # refused, not unpickled
    assert Exploding.unpickled == []
    assert failed_count() - before == 3
    assert queue_depth(amqp_uri, probe_queue) == 0


def test_events_no_handler_takes_are_parked(container_factory, amqp_uri, probe_queue):
    container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    unknown = programme_event("unknown type")
    unknown["type"] = "programme.renamed"  # in no contract
    unhandled = make_envelope("result.recorded", {  # a real contract, but no handler of the probe's takes it
        "result_id": "r-1", "programme_id": "p-1", "indicator": "people_reached", "city": JINJA, "value": 5,
        "recorded_at": datetime(2020, 5, 1, tzinfo=timezone.utc)}, producer="programmes").to_message()
    for event in (unknown, unhandled):
        publish_raw(amqp_uri, probe_queue, json.dumps(event), "application/json")

    wait_until(lambda: queue_depth(amqp_uri, "probe.dead-letters") == 2, message="the stray events parked")
    stray = drain_messages(amqp_uri, "probe.dead-letters", limit=10)
    parked = {json.loads(m.body)["event_id"]: m.headers for m in stray}
    assert parked[unknown["event_id"]]["x-parked-reason"] == "contract_violation"
    assert "type" in parked[unknown["event_id"]]["x-parked-error"]
    assert parked[unhandled["event_id"]]["x-parked-reason"] == "no_handler"
    assert ProbeService.handled == []


def test_an_undecodable_rpc_request_is_answered_with_malformed_request(container_factory, amqp_uri, probe_queue):
    container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    with rpc_proxy(amqp_uri) as proxy:
        assert proxy.probe.ping() == "pong"
        listener = proxy._reply_listener
        reply = listener.get_reply_event("broken-1")
        with Connection(amqp_uri) as conn:
            conn.Producer().publish(b"{broken", exchange="nameko-rpc", routing_key="probe.ping",
                                    content_type="application/json", content_encoding="utf-8",
                                    reply_to=listener.routing_key, correlation_id="broken-1")
        answer = reply.wait()
        assert answer["result"] is None
        assert answer["error"]["exc_type"] == "MalformedRequest"
        assert "undecodable" in answer["error"]["value"]
        assert proxy.probe.ping() == "pong"  # the service is still serving
    assert queue_depth(amqp_uri, "rpc-probe") == 0
