"""The feed keeps each producer's order (the relay's x-producer-sequence / -previous), on
SQLite and PostgreSQL: directly on the store, and under concurrent load through the
programmes service and the gateway on the real broker."""
import eventlet
import pytest
import sqlalchemy as sa

from gateway import feed, feed_order, models
from gateway.store import Store
from programmes import models as programmes_models
from programmes.service import ProgrammesService
from shared.actors import SYSTEM
from shared.db import create_engine
from tests.helpers import programme_created as event
from tests.helpers import rpc_proxy
from tests.programmes_flow import programme_body

PARTNER_ORG = "XM-TEST-1"   # tests.programmes_flow.ORGANISATION




def feed_ids(store, actor=SYSTEM):
    return [e["payload"]["programme_id"] for e in feed.read(store, actor, after=0, limit=100)]


@pytest.mark.postgres
def test_an_event_waits_for_its_predecessor_from_the_same_producer(store):
    assert feed.append(store, event(3), (30, 20)) == []          # its predecessor (20) is not in yet
    assert feed.append(store, event(2), (20, 10)) == []
    assert feed_ids(store) == []                                  # nothing a reader could misread
    first = event(1)
    assert len(feed.append(store, first, (10, 0))) == 3           # the first releases the chain
    assert feed_ids(store) == ["p-1", "p-2", "p-3"]
    assert feed.append(store, first, (10, 0)) is None             # a redelivery: once
    assert feed.append(store, event(9), (None, None)) != []       # unstamped (older relay): at once
    assert feed_ids(store)[-1] == "p-9"


@pytest.mark.postgres
def test_a_predecessor_that_never_comes_holds_its_successors_only_for_a_while(store, monkeypatch):
    assert feed.append(store, event(5), (50, 40)) == []
    assert feed.append(store, event(6), (60, 50)) == []
    assert feed_ids(store) == []
    monkeypatch.setattr(feed_order, "HOLD_SECONDS", 0.0)
    assert feed_ids(store) == ["p-5", "p-6"]                      # released by the reader, in order
    with store.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(models.event_feed_held)).scalar() == 0


@pytest.mark.broker
@pytest.mark.postgres
def test_under_concurrent_load_a_partner_never_sees_an_indicator_before_its_programme(
        start_gateway, container_factory, service_config, amqp_uri, gateway_database_url):
    container_factory(ProgrammesService, service_config("programmes")).start()
    admin, _ = start_gateway()
    partner = admin.as_key(admin.new_key(PARTNER_ORG, "reader")["key"])
    count = 40
    seen: list[dict] = []
    pages_done = eventlet.event.Event()

    def read_while_writing():   # a partner paging as fast as it can while events arrive
        after = 0
        while not pages_done.ready() or len(seen) < count * 3:
            items = partner.get(f"/v1/events?after={after}&limit=7").json()["items"]
            seen.extend(items)
            after = items[-1]["sequence"] if items else after
            if not items:
                eventlet.sleep(0.02)

    reader = eventlet.spawn(read_while_writing)
    with rpc_proxy(amqp_uri) as rpc:
        replies = [rpc.programmes.create_programme.call_async(programme_body(), actor=SYSTEM.to_wire())
                   for _ in range(count)]
        created = [reply.result() for reply in replies]
    pages_done.send()
    with eventlet.Timeout(60):
        reader.wait()

    assert len(created) == count and len(seen) == count * 3       # once each, nothing missing
    position: dict[str, int] = {}
    for index, item in enumerate(seen):
        if item["type"] == "programme.created":
            position[item["payload"]["programme_id"]] = index
    for index, item in enumerate(seen):
        if item["type"] == "indicator.defined":
            assert position.get(item["payload"]["programme_id"], index) < index, item
    # The feed holds the producer's events in the order its relay published them: its outbox
    # order (rows committed concurrently leave in commit order, not always in id order).
    with Store(gateway_database_url).begin() as conn:
        f = models.event_feed
        in_feed = conn.execute(sa.select(f.c.event_id).where(f.c.producer == "programmes")
                               .order_by(f.c.sequence)).scalars().all()
    programmes_db = create_engine(service_config("programmes")["DATABASE_URL"])
    with programmes_db.connect() as conn:
        o = programmes_models.outbox
        published = conn.execute(sa.select(o.c.event_id).order_by(o.c.published_at, o.c.id)).scalars().all()
    programmes_db.dispose()
    assert in_feed == published
