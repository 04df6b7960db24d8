"""Producers and consumers deployed at different releases, on the real broker and both databases:
the metrics service built for today's contracts (N) receives events of a newer producer (N+1: an
extra envelope field, extra payload fields at every depth) and of an older one still queued (N-1:
programme.created v1, upcast to v2). Nothing is parked; everything is counted."""
import json
from datetime import datetime, timezone

import pytest

from metrics import clock
from metrics.service import MetricsService
from shared.events import make_envelope
from tests.backbone.test_metrics_service import drained, publish_all
from tests.helpers import queue_depth, rpc_proxy, wait_until
from tests.metrics import builders as b

pytestmark = pytest.mark.broker

AT = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)
PROGRAMME_V1 = {"programme_id": "p-old", "title": "Secondary cities, before IATI", "funding_window": "global",
                "themes": ["resilience_climate"], "countries": ["KE"], "cities": [{"name": "Kisumu", "country": "KE"}],
                "created_at": AT}


def body(event_type, payload, *, version=None):
    envelope = make_envelope(event_type, payload, producer=b.producer_of(event_type), version=version)
    return json.loads(json.dumps(envelope.to_message()))


def newer(message):
    """What a newer producer release sends: a field added to the envelope and to every object of
    the payload, nested ones included (fields this consumer's contracts do not know)."""
    def add(value):
        if isinstance(value, dict):
            for item in value.values():
                add(item)
            value["added_in_a_later_release"] = {"any": ["shape"]}
        elif isinstance(value, list):
            for item in value:
                add(item)
    add(message["payload"])
    message["trace_parent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    return message


def people(item):
    return item["figures"]["people_reached"]["value"]


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 12, 31, 12, 0, tzinfo=timezone.utc))


def test_newer_and_older_producers_events_are_all_counted_and_none_parked(container_factory, service_config,
                                                                        amqp_uri, frozen_today):
    container = container_factory(MetricsService, service_config("metrics"))
    container.start()
    older = [body("programme.created", dict(PROGRAMME_V1), version=1)]             # N-1, still queued
    current = [body(*b.result("r-old", 300, programme_id="p-old", city="c-kisumu"))]
    newest = [newer(body(*e)) for e in [                                                # N+1
        b.programme("p-new", window="country_city", themes=("gender_equality",)),
        b.result("r-new", 700, programme_id="p-new"),
        b.result("r-new", 900, version=2, programme_id="p-new"),
        b.fund(), b.received("k-1", "500000.00"), b.committed("g-1", "150000.00", programme_id="p-new"),
    ]]
    assert newest[1]["payload"]["indicator"]["added_in_a_later_release"] and "trace_parent" in newest[1]
    publish_all(amqp_uri, older + current + newest)

    with rpc_proxy(amqp_uri) as rpc:
        def counted():   # (an empty queue may still have events in flight: wait for their effects)
            progress = rpc.metrics.get_progress()
            return (drained(amqp_uri) and progress["figures"]["people_reached"]["value"] == 1200
                    and progress["funds"] and progress["funds"][0]["available"] == "350000.00" and progress)
        progress = wait_until(counted, timeout=30, message="every event counted")
        assert progress["money"]["committed"]
        by_window = {i["key"]: i for i in rpc.metrics.get_breakdown("window")["items"]}
        by_theme = {i["key"]: i for i in rpc.metrics.get_breakdown("theme")["items"]}
        by_programme = {i["key"]: i for i in rpc.metrics.get_breakdown("programme")["items"]}
    # the v1 programme, upcast, attributes its result to its window and theme
    assert set(by_window) == {"global", "country_city"} and set(by_theme) >= {"resilience_climate", "gender_equality"}
    assert people(by_window["global"]) == 300 and people(by_window["country_city"]) == 900
    assert people(by_theme["resilience_climate"]) == 300 and people(by_theme["gender_equality"]) == 900
    assert set(by_programme) == {"p-old", "p-new"}
    assert queue_depth(amqp_uri, "metrics.dead-letters") == 0
