"""The metrics service as nameko containers on the real broker and real databases: events in,
figures and objective.progress_changed out; two replicas consuming at once; a burst coalesced;
time-dependent status re-evaluated on the timer."""
import json
import os
import random
from datetime import date, datetime, timezone

import pytest
from kombu import Connection, Queue

from metrics import clock, domain, plans, recompute
from metrics.service import MetricsService
from shared.events import make_envelope
from shared.messaging import topology
from tests.helpers import drain, queue_depth, rpc_proxy, wait_until
from tests.metrics import builders as b

pytestmark = pytest.mark.broker

PLAN_ID = "strategic-plan-2018-2021"
WATCH = "test.progress-watch"


def message(event_type, payload, event_id=None):
    envelope = make_envelope(event_type, payload, producer=b.producer_of(event_type))
    body = json.loads(json.dumps(envelope.to_message()))
    if event_id:
        body["event_id"] = event_id
    return body


def watch_progress(amqp_uri):
    """A queue receiving every objective.progress_changed (as each gateway replica's would)."""
    with Connection(amqp_uri) as conn:
        queue = Queue(WATCH, exchange=topology.event_exchange("metrics"), routing_key="objective.progress_changed",
                      durable=True)
        topology.declare(conn, [topology.event_exchange("metrics"), queue])


def progress_events(amqp_uri):
    return [body for _headers, body in drain(amqp_uri, WATCH, limit=100_000)]


def publish_all(amqp_uri, bodies):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for body in bodies:
            producer.publish(json.dumps(body), content_type="application/json",
                             exchange=topology.event_exchange(body["producer"]), routing_key=body["type"],
                             delivery_mode=2, message_id=body["event_id"])


def drained(amqp_uri):
    from shared.messaging.subscriptions.metrics import EVENT_TYPES
    return all(queue_depth(amqp_uri, topology.Subscription("metrics", t).queue_name) == 0 for t in EVENT_TYPES)


@pytest.fixture
def frozen_today(monkeypatch):
    """The metrics clock, movable by the test (the containers run in this process)."""
    now = {"at": datetime(2020, 12, 31, 12, 0, tzinfo=timezone.utc)}
    monkeypatch.setattr(clock, "now", lambda: now["at"])
    return now


def test_events_in_figures_and_progress_events_out(container_factory, service_config, amqp_uri, frozen_today):
    watch_progress(amqp_uri)
    container = container_factory(MetricsService, service_config("metrics", PROGRESS_PUBLISH_INTERVAL=0.1))
    container.start()
    publish_all(amqp_uri, [message(*e) for e in [
        b.programme("p-1", themes=("gender_equality",)),
        b.result("r-1", 25000, programme_id="p-1"),
        b.result("w-1", 900, indicator="women_empowered", city="c-kisumu", programme_id="p-1"),
        b.result("r-1", 20000, version=2, programme_id="p-1"),
        b.fund(), b.received("k-1", "500000.00"), b.committed("g-1", "150000.00"),
    ]])
    with rpc_proxy(amqp_uri) as rpc:
        # Every event applied: ten workers apply them in any order, and a retried one comes later.
        progress = wait_until(lambda: (p := rpc.metrics.get_progress())["money"]["committed"]
                              and p["figures"]["people_reached"]["value"] == 20000
                              and p["figures"]["women_empowered"]["value"] > 0 and p, message="metrics")
        assert progress["figures"]["cities_women_empowered"] == {"value": 1}
        assert progress["figures"]["countries_reached"] == {"value": 2}
        assert progress["funds"][0]["available"] == "350000.00"
        people = next(t for t in progress["targets"] if t["code"] == "people_reached")
        assert people["share"] == "0.001000"   # 20,000 / 20,000,000
        by_theme = rpc.metrics.get_breakdown("theme", PLAN_ID)
        assert by_theme["items"][0]["key"] == "gender_equality"
        assert rpc.metrics.get_history()["figures"][0]["series"] == [
            {"period_end": "2020-06-30", "value": 20000, "added": 20000,
             "link": f"/v1/objective/progress/figures/people_reached/results?plan={PLAN_ID}&through=2020-06-30"}]
        assert rpc.metrics.get_pipeline()["applications_under_review"] == 0

        # the last published progress is the final state, exactly as GET answers it
        def last_event_is_current():
            events = progress_events(amqp_uri)
            if events:
                last_event_is_current.seen = events
            seen = getattr(last_event_is_current, "seen", [])
            return seen and seen[-1]["payload"]["progress"] == rpc.metrics.get_progress()
        wait_until(last_event_is_current, message="the final progress published")
        revisions = [e["payload"]["revision"] for e in last_event_is_current.seen]
        assert revisions == sorted(revisions) and len(set(revisions)) == len(revisions)


# 10,000 events; .ci/run bounds it (METRICS_BURST_EVENTS) to keep CI within its time budget.
BURST = int(os.environ.get("METRICS_BURST_EVENTS", "10000"))


def test_a_burst_of_10000_events_is_coalesced_and_the_last_state_published(container_factory, service_config,
                                                                           amqp_uri, db_backend, frozen_today):
    if db_backend != "sqlite":
        pytest.skip("the burst runs once, on SQLite; replicas are tested on PostgreSQL")
    watch_progress(amqp_uri)
    interval = 0.5
    container = container_factory(MetricsService, service_config("metrics", PROGRESS_PUBLISH_INTERVAL=interval))
    container.start()
    rng = random.Random(5)
    bodies = [message(*b.result(f"r-{i % 3000}", rng.randint(0, 100), version=i // 3000 + 1,
                                city=rng.choice(sorted(b.CITIES)),
                                indicator=rng.choice(["people_reached", "women_empowered"])))
              for i in range(BURST)]
    started = datetime.now(timezone.utc)
    publish_all(amqp_uri, bodies)
    with rpc_proxy(amqp_uri, timeout=30) as rpc:
        wait_until(lambda: drained(amqp_uri), timeout=180, interval=0.5, message=f"{BURST} events applied")
        seconds = (datetime.now(timezone.utc) - started).total_seconds()
        events = []

        def last_is_final():   # (an empty queue may still have up to max_workers events in flight)
            events.extend(progress_events(amqp_uri))
            return events and events[-1]["payload"]["progress"] == rpc.metrics.get_progress()
        wait_until(last_is_final, timeout=30, interval=0.2, message="the final state published")
        final = events[-1]["payload"]["progress"]
    assert len(events) <= seconds / interval + 5, (len(events), seconds)   # at most one per interval
    assert len(events) < BURST / 10
    assert final["figures"]["people_reached"]["value"] > 0


def test_two_replicas_consuming_at_once_give_exact_figures(container_factory, service_config, amqp_uri,
                                                           db_backend, frozen_today):
    if db_backend != "postgres":
        pytest.skip("replicas in one process on SQLite share one file lock: PostgreSQL is the real case")
    watch_progress(amqp_uri)
    config = service_config("metrics", PROGRESS_PUBLISH_INTERVAL=0.1, max_workers=8)
    replicas = [container_factory(MetricsService, config) for _ in range(2)]
    for replica in replicas:
        replica.start()
    rng = random.Random(11)
    history = [b.programme(f"p{i}", parent_id="p0" if i > 1 else None) for i in range(4)]
    for i in range(300):
        attrs = {"programme_id": f"p{rng.randint(0, 3)}", "city": rng.choice(sorted(b.CITIES)),
                 "indicator": rng.choice(["people_reached", "women_empowered"]),
                 "period_end": rng.choice([date(2019, 6, 30), date(2020, 6, 30), date(2022, 6, 30)])}
        for version in range(1, rng.randint(1, 3) + 1):
            history.append(b.result(f"r{i}", rng.randint(0, 1000), version=version, **attrs))
    history += [b.fund(), b.received("k-1", "900.00")] + [b.committed(f"g{i}", f"{i + 1}00.00") for i in range(20)]
    bodies = [message(*e) for e in history]
    deliveries = bodies + [dict(x) for x in rng.sample(bodies, 100)] \
        + [message_copy(x) for x in rng.sample(bodies, 100)]   # redelivered (same id) and re-emitted (new id)
    rng.shuffle(deliveries)
    publish_all(amqp_uri, deliveries)

    state = recompute.fold((t, p) for t, p in history_as_loaded(bodies))
    plan = plans.resolve(PLAN_ID)
    with rpc_proxy(amqp_uri) as rpc:
        wait_until(lambda: drained(amqp_uri), timeout=120, interval=0.5, message="every event applied")
        expected = domain.progress(plan, recompute.snapshot(plan, state), today=date(2020, 12, 31), as_of=None)
        got = rpc.metrics.get_progress()
        assert got["figures"] == expected["figures"]
        assert got["money"] == expected["money"]
        assert got["targets"] == expected["targets"]
        for dimension in ("programme", "city"):
            breakdown = rpc.metrics.get_breakdown(dimension)
            assert breakdown["items"] == domain.breakdown(plan, recompute.snapshot(plan, state), dimension,
                                                          today=date(2020, 12, 31), as_of=None)["items"]
        day = date(2020, 6, 30)   # as of a date: the versions approved by then (builders: at period end)
        then = domain.progress(plan, recompute.snapshot(plan, state.as_of(day)), today=day, as_of=day)
        assert rpc.metrics.get_progress(as_of=day.isoformat())["figures"] == then["figures"]
        # Both replicas publish (and both outbox relays may publish a row twice: at-least-once, same
        # event id). A revision is never given to two different states, and the highest revision
        # is the final state: what a subscriber keeping the highest revision holds.
        events = {}

        def highest_is_final():
            for event in progress_events(amqp_uri):
                events[event["event_id"]] = event
            highest = max(events.values(), key=lambda e: e["payload"]["revision"], default=None)
            return highest and highest["payload"]["progress"] == rpc.metrics.get_progress()
        wait_until(highest_is_final, timeout=10, message="the final state published")
    revisions = [e["payload"]["revision"] for e in events.values()]
    assert len(set(revisions)) == len(revisions)


def message_copy(body):
    """The same event re-emitted under a new event id."""
    return message(body["type"], load(body).payload)


def load(body):
    from shared.events import load_envelope
    return load_envelope(json.loads(json.dumps(body)))


def history_as_loaded(bodies):
    for body in bodies:
        envelope = load(body)
        yield envelope.type, envelope.payload


def test_status_is_re_evaluated_on_the_timer_as_the_date_moves(container_factory, service_config, amqp_uri,
                                                               db_backend, frozen_today):
    if db_backend != "sqlite":
        pytest.skip("timer logic does not depend on the database")
    watch_progress(amqp_uri)
    container = container_factory(MetricsService, service_config(
        "metrics", PROGRESS_PUBLISH_INTERVAL=0.05, PROGRESS_REEVALUATE_INTERVAL=0.3))
    container.start()
    # growth that is on track at the end of 2018, then nothing more is ever reported
    publish_all(amqp_uri, [message(*b.result(f"r{i}", 3_000_000, period_end=end))
                           for i, end in enumerate([date(2018, 6, 30), date(2018, 12, 31)])])
    frozen_today["at"] = datetime(2019, 1, 2, tzinfo=timezone.utc)

    def latest_status(wanted):
        def check():
            events = progress_events(amqp_uri)
            check.last = events[-1] if events else getattr(check, "last", None)
            last = check.last
            return last and last["payload"]["progress"]["figures"]["people_reached"]["value"] == 6_000_000 \
                and next(t for t in last["payload"]["progress"]["targets"]
                         if t["code"] == "people_reached")["status"] == wanted and last
        return check
    on_track = wait_until(latest_status("on_track"), timeout=10, message="on_track published")
    frozen_today["at"] = datetime(2021, 6, 30, tzinfo=timezone.utc)   # time passes: no event at all
    later = wait_until(latest_status("off_track"), timeout=10, message="re-evaluated to off_track by the timer")
    assert later["payload"]["revision"] > on_track["payload"]["revision"]
    assert later["payload"]["progress"]["today"] == "2021-06-30"
