"""Delayed retries on the real broker: a failing event handler is tried again after
delays that grow (the broker's delay queues, not a sleeping worker), applied once when
it finally succeeds, parked after its last attempt; and a consumer whose database is
down for 10 s loses nothing and parks nothing."""
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import psycopg2
import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.engine import make_url

from metrics import models as metrics_models
from metrics.service import MetricsService
from shared.db import backbone_tables, create_engine
from shared.events import make_envelope
from shared.messaging import topology
from shared.runtime.backbone import Backbone
from shared.runtime.events import ReliableEventHandler, reliable_event_handler
from shared.uow import DuplicateEvent, UnitOfWork
from tests.fixtures import POSTGRES_ADMIN_URL
from tests.helpers import drain, publish_event, queue_depth, rpc_proxy, wait_until

pytestmark = pytest.mark.broker

JINJA = {"name": "Jinja", "country": "UG"}
metadata = sa.MetaData()
outbox, inbox = backbone_tables(metadata)
applied = sa.Table("applied", metadata, sa.Column("event_id", sa.String(36), primary_key=True),
                   sa.Column("title", sa.String(100), nullable=False))


class FlakyService:
    """Applies programme.created with its inbox row; fails while `failures[title]` > 0
    (and always for "poison") after writing, so a failed attempt leaves nothing behind."""
    name = "flaky"
    uow = Backbone(UnitOfWork, outbox, inbox)
    failures: dict = {}
    committed: list = []

    @reliable_event_handler("programme.created")
    def on_programme_created(self, envelope):
        title = envelope.payload["title"]
        with self.uow() as uow:
            try:
                uow.record_inbox(envelope)
            except DuplicateEvent:
                return
            uow.session.execute(applied.insert().values(event_id=envelope.event_id, title=title))
            if title == "poison" or FlakyService.failures.get(title, 0) > 0:
                FlakyService.failures[title] = FlakyService.failures.get(title, 0) - 1
                raise RuntimeError(f"{title} is not ready")
            uow.commit()
        FlakyService.committed.append(title)


@dataclass
class Delivery:
    event_id: str
    attempt: int           # x-retry-attempt (1 on the first delivery)
    came_from: str | None  # the delay queue it expired from (x-death)
    at: float


@pytest.fixture
def deliveries(monkeypatch):
    """Every delivery a reliable handler receives, with its retry headers."""
    seen = []
    original = ReliableEventHandler.handle_message

    def spy(self, body, message):
        headers = message.headers or {}
        death = (headers.get("x-death") or [{}])[0]
        seen.append(Delivery(body.get("event_id") if isinstance(body, dict) else None,
                             headers.get("x-retry-attempt", 1), death.get("queue"), time.monotonic()))
        return original(self, body, message)

    monkeypatch.setattr(ReliableEventHandler, "handle_message", spy)
    return seen


@pytest.fixture
def flaky_db(db_backend, tmp_path, postgres_database_factory):
    url = postgres_database_factory() if db_backend == "postgres" else f"sqlite:///{tmp_path / 'flaky.sqlite3'}"
    engine = create_engine(url)
    metadata.create_all(engine)
    FlakyService.failures, FlakyService.committed = {}, []
    sub = topology.subscribe("flaky", "programme.created")
    yield engine, url
    topology.SUBSCRIPTIONS.remove(sub)
    engine.dispose()


def programme_event(title):
    return make_envelope("programme.created", {
        "programme_id": title, "title": title, "funding_window": "global", "themes": ["cities_migration"],
        "countries": ["UG"], "cities": [JINJA], "created_at": datetime.now(timezone.utc)},
        producer="programmes", version=1).to_message()  # v1: the smallest payload still handled


def rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(table)).all()


def test_a_handler_that_fails_three_times_is_retried_after_growing_delays_and_applied_once(
        container_factory, amqp_uri, flaky_db, deliveries):
    engine, url = flaky_db
    config = {"AMQP_URI": amqp_uri, "DATABASE_URL": url, "EVENT_RETRY_DELAYS": "0.2,0.5,1"}
    container_factory(FlakyService, config).start()
    FlakyService.failures["flaky"] = 3
    flaky, steady = programme_event("flaky"), programme_event("steady")
    counted = {"consumer": "flaky", "type": "programme.created"}
    handled, failed = (REGISTRY.get_sample_value(f"platform_events_{kind}_total", counted) or 0
                       for kind in ("handled", "failed"))

    publish_event(amqp_uri, flaky)
    publish_event(amqp_uri, steady)
    wait_until(lambda: "flaky" in FlakyService.committed, timeout=15, message="the flaky event applied")

    assert FlakyService.committed == ["steady", "flaky"]  # the waiting retry held nothing up
    mine = [d for d in deliveries if d.event_id == flaky["event_id"]]
    assert [d.attempt for d in mine] == [1, 2, 3, 4]
    assert [d.came_from for d in mine] == [None, "flaky.retry.200ms", "flaky.retry.500ms", "flaky.retry.1s"]
    gaps = [later.at - earlier.at for earlier, later in zip(mine, mine[1:], strict=False)]
    assert all(gap >= delay * 0.9 for gap, delay in zip(gaps, (0.2, 0.5, 1), strict=True)), gaps
    assert [r.title for r in rows(engine, applied)].count("flaky") == 1
    assert flaky["event_id"] in {r.event_id for r in rows(engine, inbox)}
    assert queue_depth(amqp_uri, "flaky.dead-letters") == 0
    assert queue_depth(amqp_uri, "flaky.events") == 0
    # The counters of docs/observability.md: three failed attempts, two events handled.
    assert REGISTRY.get_sample_value("platform_events_failed_total", counted) - failed == 3
    assert REGISTRY.get_sample_value("platform_events_handled_total", counted) - handled == 2


def test_a_handler_that_always_fails_is_parked_after_its_last_attempt(container_factory, amqp_uri, flaky_db,
                                                                        deliveries):
    engine, url = flaky_db
    config = {"AMQP_URI": amqp_uri, "DATABASE_URL": url, "EVENT_RETRY_DELAYS": "0.2,0.5,1"}
    container_factory(FlakyService, config).start()
    poison = programme_event("poison")

    publish_event(amqp_uri, poison)
    parked = wait_until(lambda: drain(amqp_uri, "flaky.dead-letters"), timeout=15, message="the poison parked")

    headers, body = parked[0]
    assert len(parked) == 1 and body["event_id"] == poison["event_id"]
    assert headers["x-parked-reason"] == "handler_error"
    assert "poison is not ready" in headers["x-parked-error"]
    assert headers["x-parked-attempts"] == 4  # the first and one per delay
    assert headers["x-parked-queue"] == "flaky.events"
    assert [d.attempt for d in deliveries if d.event_id == poison["event_id"]] == [1, 2, 3, 4]
    assert rows(engine, applied) == [] and rows(engine, inbox) == []
    for queue in ("flaky.events", "flaky.retry.200ms", "flaky.retry.500ms", "flaky.retry.1s"):
        assert queue_depth(amqp_uri, queue) == 0, queue


# -- the metrics service with its database down for 10 s ------------------------------------

@contextmanager
def postgres_down(url):
    """Nobody may connect to the database (superusers neither) and its sessions are cut."""
    name = make_url(url).database
    admin = psycopg2.connect(POSTGRES_ADMIN_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        yield
    finally:
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()


@contextmanager
def sqlite_locked(engine):
    """What SQLite answers once another process's lock outlasts the busy timeout. (A real
    lock would make this process busy-wait in C for up to 30 s, blocking its hub: the
    broker connection and this test included.)"""
    def refuse(*_args):
        raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    sa.event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", refuse)


def result_event(i):
    return make_envelope("result.recorded", {
        "result_id": f"r-{i}", "programme_id": "p-1", "indicator": "people_reached", "city": JINJA,
        "value": 100 + i, "recorded_at": datetime(2020, 5, 1, tzinfo=timezone.utc)},
        producer="programmes").to_message()


def inbox_count(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(metrics_models.inbox)).scalar_one()
    finally:
        engine.dispose()


def people_reached(amqp_uri):
    with rpc_proxy(amqp_uri) as rpc:
        return next(t["value"] for t in rpc.metrics.get_progress()["targets"] if t["code"] == "people_reached")


def test_the_database_down_for_10_seconds_parks_nothing_and_applies_every_event_once(
        container_factory, service_config, amqp_uri, database_urls, db_backend, deliveries):
    config = service_config("metrics", EVENT_RETRY_DELAYS="1,2,4,8", EVENT_MAX_ATTEMPTS=None)
    container = container_factory(MetricsService, config)
    container.start()
    url = database_urls["metrics"]
    engine = next(d.engine for d in container.dependencies if isinstance(d, Backbone))
    events = [result_event(i) for i in range(24)]
    before, during, after = events[:4], events[4:20], events[20:]

    for event in before:
        publish_event(amqp_uri, event)
    wait_until(lambda: inbox_count(url) == len(before), message="the events before the outage")
    outage = postgres_down(url) if db_backend == "postgres" else sqlite_locked(engine)
    with outage:
        started = time.monotonic()
        for event in during:  # a stream over the whole outage
            publish_event(amqp_uri, event)
            time.sleep(0.6)
        time.sleep(max(0.0, 10 - (time.monotonic() - started)))
    for event in after:
        publish_event(amqp_uri, event)

    wait_until(lambda: inbox_count(url) == len(events), timeout=30, message="every event applied")
    assert queue_depth(amqp_uri, "metrics.dead-letters") == 0
    retried = {d.event_id for d in deliveries if d.attempt > 1}
    assert retried and retried <= {e["event_id"] for e in during}  # the outage did fail them
    assert max(d.attempt for d in deliveries) <= 5
    assert people_reached(amqp_uri) == sum(100 + i for i in range(len(events)))
    wait_until(lambda: queue_depth(amqp_uri, "metrics.events") == 0, message="the work queue drained")
