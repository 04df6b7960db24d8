"""A service killed with SIGKILL between commit and publish publishes the event
after it restarts (transactional outbox + relay at start-up)."""
import os
import signal

import pytest
import sqlalchemy as sa
from kombu import Connection
from nameko.exceptions import RpcTimeout

from programmes import models
from scripts.run_platform import start_service, stop
from shared.actors import SYSTEM
from shared.db import create_engine
from shared.messaging import topology
from tests.helpers import drain, queue_depth, rpc_proxy, wait_until
from tests.programmes_flow import programme_body

pytestmark = [pytest.mark.broker, pytest.mark.e2e]

PROGRAMME = programme_body("Crash-safe", indicators=[])
QUEUE = topology.queue_name("metrics")


def outbox_rows(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(models.outbox.c.event_id, models.outbox.c.published_at)).all()
    engine.dispose()
    return rows


def test_sigkill_between_commit_and_publish_loses_nothing(amqp_uri, database_urls, tmp_path):
    with Connection(amqp_uri) as conn:  # the subscriber's queue exists; nobody consumes it
        topology.declare(conn, topology.entities_for())
    env = dict(os.environ, AMQP_URI=amqp_uri, PROGRAMMES_DATABASE_URL=database_urls["programmes"],
               OUTBOX_RELAY_INTERVAL="0.2")

    doomed = start_service("programmes", dict(env, PLATFORM_FAILPOINTS="outbox.after_commit"), tmp_path)
    try:
        # The request expires with the caller's patience, as the gateway's do: the
        # restarted service must not run it again.
        with rpc_proxy(amqp_uri, timeout=5, expiration=4) as rpc:
            wait_until(lambda: _answers(rpc), timeout=30, message="the programmes service to start")
            with pytest.raises(RpcTimeout):
                rpc.programmes.create_programme(PROGRAMME, actor=SYSTEM.to_wire())
        assert doomed.wait(10) == -signal.SIGKILL
    finally:
        stop([doomed])

    (event_id, published_at), = outbox_rows(database_urls["programmes"])
    assert published_at is None            # committed, never published
    assert queue_depth(amqp_uri, QUEUE) == 0

    restarted = start_service("programmes", env, tmp_path)
    try:
        messages = wait_until(lambda: drain(amqp_uri, QUEUE), timeout=30, message="the event after restart")
    finally:
        stop([restarted])
    created = [body for _, body in messages if body["type"] == "programme.created"]
    assert [body["event_id"] for body in created] == [event_id]
    assert created[0]["payload"]["title"] == "Crash-safe"
    assert outbox_rows(database_urls["programmes"])[0][1] is not None


def _answers(rpc):
    try:
        return rpc.programmes.ping() == "pong"
    except Exception:
        return False
