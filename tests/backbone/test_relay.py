"""The outbox relay on the real broker, SQLite and PostgreSQL: a half-open connection
times out and is replaced, idle heartbeats are serviced, replicas publish each event
once and in order, and the backlog is readable."""
import json
import threading
import time
from datetime import timedelta
from urllib.parse import urlparse, urlunparse

import pytest
import sqlalchemy as sa
from kombu import Connection, Queue

from shared.db import backbone_tables, create_engine
from shared.events.fields import utcnow
from shared.messaging import topology
from shared.messaging.publisher import ConfirmingPublisher
from shared.messaging.relay import PREVIOUS_HEADER, SEQUENCE_HEADER, OutboxRelay, outbox_stats
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.helpers import wait_until

pytestmark = pytest.mark.broker

metadata = sa.MetaData()
outbox, _inbox = backbone_tables(metadata)
QUEUE = "relay-test"


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path, postgres_database_factory):
    url = (postgres_database_factory() if request.param == "postgres"
           else f"sqlite:///{tmp_path / 'relay.sqlite3'}")
    engine = create_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def queue(amqp_uri):
    """A queue bound to every event of the producer `relaytest`."""
    with Connection(amqp_uri) as conn:
        Queue(QUEUE, exchange=topology.event_exchange("relaytest"), routing_key="#",
              durable=True)(conn.default_channel).declare()
    return QUEUE


def add_events(engine, count, *, aggregate="a", start=0, age=timedelta(0)):
    with engine.begin() as conn:
        for n in range(start, start + count):
            event_id = f"{aggregate}-{n}"
            conn.execute(outbox.insert().values(
                event_id=event_id, event_type="thing.happened", producer="relaytest", correlation_id="c",
                body=json.dumps({"event_id": event_id, "aggregate": aggregate, "n": n}),
                created_at=utcnow() - age, published_at=None))


def received(amqp_uri, limit=10_000):
    """[(headers, body)] of everything in the test queue, in queue order."""
    out = []
    with Connection(amqp_uri) as conn:
        channel = conn.default_channel
        while len(out) < limit:
            message = channel.basic_get(QUEUE, no_ack=True)
            if message is None:
                return out
            out.append((dict(message.headers or {}), json.loads(message.body)))
    return out


def via(amqp_uri, port):
    parts = urlparse(amqp_uri)
    return urlunparse(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{port}"))


def test_a_half_open_connection_times_out_and_the_relay_reconnects(engine, queue, amqp_uri):
    proxy = HalfOpenProxy("127.0.0.1", urlparse(amqp_uri).port or 5672)
    publisher = ConfirmingPublisher(via(amqp_uri, proxy.port), confirm_timeout=1.0, connect_timeout=1.0)
    relay = OutboxRelay(engine, outbox, publisher)
    try:
        add_events(engine, 3)
        assert relay.publish_pending() == 3
        proxy.pause()                      # the broker side goes silent; the socket stays open
        add_events(engine, 5, start=3)
        started = time.monotonic()
        with pytest.raises(TimeoutError):  # socket.timeout: no confirm in time
            relay.publish_pending()
        assert time.monotonic() - started < 5          # the confirm timeout, not forever
        assert relay.stats().pending == 5              # nothing marked without a confirm
        assert relay._run_lock.acquire(timeout=0.1)    # and no lock is left held
        relay._run_lock.release()
        proxy.resume()
        assert relay.publish_pending() == 5            # a fresh connection
        assert proxy.connections == 2
    finally:
        publisher.close()
        proxy.close()
    ids = [body["event_id"] for _, body in received(amqp_uri)]
    assert set(ids) == {f"a-{n}" for n in range(8)}    # nothing lost (a duplicate is allowed)
    assert relay.stats() == (0, 0.0)


def test_an_idle_connection_keeps_its_heartbeat(amqp_uri, queue):
    publisher = ConfirmingPublisher(amqp_uri, heartbeat=1)
    try:
        publisher.publish("{}", exchange=topology.event_exchange("relaytest"), routing_key="x")
        conn = publisher._conn
        for _ in range(16):                # 4 s idle: the broker drops a silent peer after 2 s
            publisher.heartbeat_check()
            time.sleep(0.25)
        assert publisher._conn is conn and conn.connected
        publisher.publish("{}", exchange=topology.event_exchange("relaytest"), routing_key="x")
        assert publisher._conn is conn     # no reconnection was needed
    finally:
        publisher.close()
    assert len(received(amqp_uri)) == 2


def test_backlog_stats_reflect_pending_rows(engine, queue, amqp_uri):
    assert outbox_stats(engine, outbox) == (0, 0.0)
    add_events(engine, 2, age=timedelta(seconds=90))
    add_events(engine, 1, aggregate="b")
    stats = outbox_stats(engine, outbox)
    assert stats.pending == 3 and 89 < stats.oldest_age_seconds < 150
    with engine.connect() as conn:
        assert outbox_stats(conn, outbox).pending == 3
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        assert OutboxRelay(engine, outbox, publisher).publish_pending() == 3
    finally:
        publisher.close()
    assert outbox_stats(engine, outbox) == (0, 0.0)


def test_messages_carry_the_producer_sequence_and_its_predecessor(engine, queue, amqp_uri):
    publisher = ConfirmingPublisher(amqp_uri)
    relay = OutboxRelay(engine, outbox, publisher, batch_size=2)
    try:
        add_events(engine, 3)
        relay.publish_pending()
        add_events(engine, 2, start=3)
        relay.publish_pending()
    finally:
        publisher.close()
    headers = [h for h, _ in received(amqp_uri)]
    sequences = [h[SEQUENCE_HEADER] for h in headers]
    assert sequences == sorted(sequences) and len(set(sequences)) == 5
    assert [h[PREVIOUS_HEADER] for h in headers] == [0] + sequences[:-1]


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_two_relays_publish_each_event_once_in_order(engine, queue, amqp_uri):
    url = engine.url.render_as_string(hide_password=False)
    relays = [OutboxRelay(create_engine(url), outbox, ConfirmingPublisher(amqp_uri), batch_size=7)
              for _ in range(2)]
    aggregates, per_aggregate = ["a", "b", "c", "d"], 40
    writing = threading.Event()
    writing.set()

    def write():
        for n in range(per_aggregate):
            for aggregate in aggregates:
                add_events(engine, 1, aggregate=aggregate, start=n)
        writing.clear()

    def run(relay):
        while writing.is_set() or relay.stats().pending:
            relay.publish_pending()
            time.sleep(0.001)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=run, args=(r,)) for r in relays]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for relay in relays:
        relay.publisher.close()
        relay.engine.dispose()
    total = len(aggregates) * per_aggregate
    wait_until(lambda: _depth(amqp_uri) >= total)
    bodies = [body for _, body in received(amqp_uri)]
    assert len(bodies) == total                                   # no duplicates
    for aggregate in aggregates:
        assert [b["n"] for b in bodies if b["aggregate"] == aggregate] == list(range(per_aggregate))


def _depth(amqp_uri):
    with Connection(amqp_uri) as conn:
        return conn.default_channel.queue_declare(queue=QUEUE, passive=True)[1]
