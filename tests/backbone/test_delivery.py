"""Promises of the event backbone, on the real broker: exactly-once effects from
at-least-once delivery, no silent loss, and no loss before a subscriber exists."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from nameko.testing.services import entrypoint_waiter

from metrics import models as metrics_models
from metrics.service import MetricsService
from programmes.service import ProgrammesService
from shared.db import create_engine
from shared.events import make_envelope
from shared.messaging import topology
from shared.runtime.events import reliable_event_handler
from tests.helpers import drain, publish_event, queue_depth, rpc_proxy, wait_until
from tests.programmes_flow import approved_over_rpc, started_over_rpc

pytestmark = pytest.mark.broker

JINJA = {"name": "Jinja", "country": "UG"}


def result_event(value=1200, indicator="women_empowered", result_id="r-1"):
    return make_envelope("result.recorded", {
        "result_id": result_id, "programme_id": "p-1", "indicator": indicator, "city": JINJA,
        "value": value, "recorded_at": datetime(2020, 5, 1, tzinfo=timezone.utc)},
        producer="programmes").to_message()


def figure(rpc, code):
    return next(t["value"] for t in rpc.metrics.get_progress()["targets"] if t["code"] == code)


def test_the_same_event_delivered_three_times_counts_once(container_factory, service_config,
                                                           amqp_uri, database_urls):
    container = container_factory(MetricsService, service_config("metrics"))
    container.start()
    event = result_event(value=1200, indicator="people_reached")
    marker = result_event(value=7, indicator="women_empowered", result_id="r-2")  # a different event, sent last

    # Workers run side by side: the marker can finish while a copy is still in flight (delivered,
    # so no longer counted in the queue's depth). Wait for all four deliveries to be handled.
    handled = []

    def four_handled(worker_ctx, result, exc_info):
        handled.append(worker_ctx.args[0].event_id)
        return len(handled) == 4

    with entrypoint_waiter(container, "on_result_recorded", callback=four_handled, timeout=20):
        publish_event(amqp_uri, event, times=3)
        publish_event(amqp_uri, marker)

    with rpc_proxy(amqp_uri) as rpc:
        wait_until(lambda: queue_depth(amqp_uri, topology.queue_name("metrics")) == 0)
        wait_until(lambda: figure(rpc, "people_reached") == 1200, message="counted once")   # not 0, not 3600
    engine = create_engine(database_urls["metrics"])
    with engine.connect() as conn:
        seen = conn.execute(sa.select(sa.func.count()).select_from(metrics_models.inbox)
                            .where(metrics_models.inbox.c.event_id == event["event_id"])).scalar_one()
    engine.dispose()
    assert seen == 1


class ProbeService:
    """A consumer whose handler always fails on a 'poison' programme."""
    name = "probe"
    handled = []

    @reliable_event_handler("programme.created")
    def on_programme_created(self, envelope):
        if envelope.payload["title"] == "poison":
            raise RuntimeError("cannot digest poison")
        ProbeService.handled.append(envelope.payload["title"])


def programme_event(title):
    return make_envelope("programme.created", {
        "programme_id": title, "title": title, "funding_window": "global", "themes": ["cities_migration"],
        "countries": ["UG"], "cities": [JINJA], "created_at": datetime.now(timezone.utc)},
        producer="programmes", version=1).to_message()   # v1 (superseded) still travels and is handled


@pytest.fixture
def probe_subscription():
    sub = topology.subscribe("probe", "programme.created")
    ProbeService.handled = []
    yield sub
    topology.SUBSCRIPTIONS.remove(sub)


def test_an_event_that_always_fails_is_parked_and_later_events_flow(container_factory, amqp_uri,
                                                                     probe_subscription):
    config = {"AMQP_URI": amqp_uri, "EVENT_MAX_ATTEMPTS": 3, "EVENT_RETRY_DELAYS": "0.1"}
    container = container_factory(ProbeService, config)
    container.start()
    poison, good = programme_event("poison"), programme_event("good")

    publish_event(amqp_uri, poison)
    publish_event(amqp_uri, good)

    wait_until(lambda: ProbeService.handled == ["good"], message="the good event after the poison one")
    parked = wait_until(lambda: drain(amqp_uri, "probe.dead-letters"), message="the poison event parked")
    assert len(parked) == 1
    headers, body = parked[0]
    assert body["event_id"] == poison["event_id"]
    assert headers["x-parked-reason"] == "handler_error"
    assert "cannot digest poison" in headers["x-parked-error"]
    assert headers["x-parked-attempts"] == 3
    assert headers["x-parked-queue"] == probe_subscription.queue_name
    assert queue_depth(amqp_uri, probe_subscription.queue_name) == 0


def test_an_event_that_breaks_its_contract_is_parked_at_once(container_factory, amqp_uri,
                                                              probe_subscription):
    container = container_factory(ProbeService, {"AMQP_URI": amqp_uri, "EVENT_MAX_ATTEMPTS": 3,
                                                 "EVENT_RETRY_DELAYS": "0.1"})
    container.start()
    bad = programme_event("bad")
    bad["payload"]["countries"] = ["ZZ"]

    publish_event(amqp_uri, bad)
    parked = wait_until(lambda: drain(amqp_uri, "probe.dead-letters"), message="the bad event parked")
    headers, body = parked[0]
    assert body["event_id"] == bad["event_id"]
    assert headers["x-parked-reason"] == "contract_violation"
    assert "countries" in headers["x-parked-error"]
    assert ProbeService.handled == []


def test_events_emitted_before_the_subscriber_first_starts_are_delivered(container_factory,
                                                                          service_config, amqp_uri):
    # Only the producer runs: nothing has ever consumed in this fresh vhost.
    container_factory(ProgrammesService, service_config("programmes")).start()
    with rpc_proxy(amqp_uri) as rpc:
        programme = started_over_rpc(rpc, title="Early")
        approved_over_rpc(rpc, programme, 4321)
        wait_until(lambda: queue_depth(amqp_uri, topology.queue_name("metrics")) >= 1,
                   message="the event waiting in the subscriber's queue")

        container_factory(MetricsService, service_config("metrics")).start()
        wait_until(lambda: figure(rpc, "people_reached") == 4321, message="metrics to count the early event")
