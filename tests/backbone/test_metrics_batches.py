"""The metrics service consuming in batches (metrics.dependencies.Projector), on the real broker
and SQLite and PostgreSQL: a backlog is applied in batches of several events, a duplicate among
them counts once, a bad event is parked alone with its reason while the others are applied, and a
process killed before a batch's commit leaves nothing applied and nothing acknowledged: after the
restart every event is applied once."""
import os
import signal

import pytest
import sqlalchemy as sa
from kombu import Connection

from metrics import handlers, models, registry
from metrics.service import MetricsService
from scripts.run_platform import start_service, stop
from shared.db import create_engine
from shared.messaging import topology
from tests.backbone.test_metrics_service import message, publish_all
from tests.helpers import drain, queue_depth, wait_until
from tests.metrics import builders as b

pytestmark = pytest.mark.broker
QUEUE = topology.queue_name("metrics")


def applied(url):
    """The result ids in the projection and the number of inbox rows."""
    engine = create_engine(url)
    with engine.connect() as conn:
        results = sorted(conn.execute(sa.select(models.result_facts.c.result_id)
                                      .where(models.result_facts.c.version > 0)).scalars())
        inbox = conn.execute(sa.select(sa.func.count()).select_from(models.inbox)).scalar_one()
    engine.dispose()
    return results, inbox


def declared(amqp_uri):
    with Connection(amqp_uri) as conn:   # the queue exists before the service: events wait in it
        topology.declare(conn, topology.entities_for())


def test_a_backlog_is_applied_in_batches_a_duplicate_once_and_a_bad_event_parked_alone(
        container_factory, service_config, amqp_uri, database_urls, monkeypatch):
    real_project, real_apply = registry.project, handlers.apply_events
    batches: list[int] = []

    def project(projection, event_type, payload):
        if payload["result_id"] == "r-bad":
            raise RuntimeError("cannot project r-bad")
        return real_project(projection, event_type, payload)

    def apply_events(uow, envelopes):
        batches.append(len(envelopes))
        return real_apply(uow, envelopes)
    monkeypatch.setattr(registry, "project", project)
    monkeypatch.setattr(handlers, "apply_events", apply_events)
    declared(amqp_uri)
    good = [message(*b.result(f"r-{n}", n)) for n in range(12)]
    publish_all(amqp_uri, [*good[:6], message(*b.result("r-bad", 1)), good[3], *good[6:]])
    container = container_factory(MetricsService, service_config("metrics", EVENT_MAX_ATTEMPTS=2))
    container.start()

    parked = wait_until(lambda: drain(amqp_uri, "metrics.dead-letters"), timeout=30, message="r-bad parked")
    wait_until(lambda: applied(database_urls["metrics"]) == (sorted(f"r-{n}" for n in range(12)), 12),
               timeout=30, message="the good events applied, each once")
    [(headers, body)] = parked
    assert body["payload"]["result_id"] == "r-bad"
    assert headers["x-parked-reason"] == "handler_error" and "cannot project r-bad" in headers["x-parked-error"]
    assert max(batches) > 1                          # the backlog went in batches, not one by one
    assert queue_depth(amqp_uri, QUEUE) == 0


def test_killed_before_a_batch_commits_nothing_is_applied_and_the_restart_applies_each_once(
        amqp_uri, database_urls, tmp_path):
    declared(amqp_uri)
    events = [message(*b.result(f"r-{n}", n)) for n in range(8)]
    publish_all(amqp_uri, [*events, events[2]])
    env = dict(os.environ, AMQP_URI=amqp_uri, METRICS_DATABASE_URL=database_urls["metrics"])
    env.pop("PLAN_FILES", None)
    doomed = start_service("metrics", dict(env, PLATFORM_FAILPOINTS="metrics.apply_events.before_commit"), tmp_path)
    try:
        assert doomed.wait(60) == -signal.SIGKILL     # at the first batch's commit
    finally:
        stop([doomed])
    assert applied(database_urls["metrics"]) == ([], 0)      # nothing half-applied

    restarted = start_service("metrics", env, tmp_path)
    try:
        wait_until(lambda: applied(database_urls["metrics"]) == (sorted(f"r-{n}" for n in range(8)), 8),
                   timeout=60, message="every event applied once after the restart")
        wait_until(lambda: queue_depth(amqp_uri, QUEUE) == 0, timeout=30, message="every delivery acknowledged")
    finally:
        stop([restarted])
