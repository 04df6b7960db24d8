"""Idempotency-Key claims on the gateway's real database: a claim whose outcome is unknown (a
5xx) is released, never forgotten, and a retry takes it over with the same request key; a
claim of a crashed gateway expires after its lease, not after 24 hours."""
import threading
import time

import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway import idempotency, idempotency_keys, idempotency_release, models
from gateway.store import Store
from shared.actors import Actor
from shared.db import database_away
from shared.errors import Conflict, ServiceUnavailable
from tests.backbone.tcp_proxy import HalfOpenProxy

pytestmark = pytest.mark.postgres

CLAIM = {"actor": "key_1", "key": "k-1", "method": "POST", "path": "/v1/contributions", "body_hash": "h"}


@pytest.fixture
def store(gateway_database_url):
    store = Store(gateway_database_url)
    yield store
    store.dispose()


def claims(store):
    t = models.idempotency_keys
    with store.begin() as conn:
        return conn.execute(sa.select(t.c.key, t.c.status)).all()


def test_a_claim_in_flight_holds_off_a_retry_until_its_lease_ends(store):
    assert idempotency.begin(store, **CLAIM, lease=60) is None
    with pytest.raises(Conflict):
        idempotency.begin(store, **CLAIM, lease=60)
    assert claims(store) == [("k-1", None)]


def test_a_claim_of_a_crashed_gateway_expires_after_its_lease(store):
    assert idempotency.begin(store, **CLAIM, lease=0) is None   # the gateway holding it is gone
    assert idempotency.begin(store, **CLAIM, lease=60) is None  # taken over by the retry...
    with pytest.raises(Conflict):                               # ...and by it alone
        idempotency.begin(store, **CLAIM, lease=60)


def test_a_released_claim_is_kept_and_taken_over_by_one_retry(store):
    assert idempotency.begin(store, **CLAIM, lease=60) is None
    idempotency_release.release(store, actor="key_1", key="k-1")   # the first attempt answered 504
    assert claims(store) == [("k-1", None)]               # kept: its outcome is unknown
    assert idempotency.begin(store, **CLAIM, lease=60) is None
    with pytest.raises(Conflict):
        idempotency.begin(store, **CLAIM, lease=60)
    idempotency.finish(store, actor="key_1", key="k-1", status=201, headers={"Content-Type": "application/json"},
                       body='{"id": "c-1"}')
    replay = idempotency.begin(store, **CLAIM, lease=60)
    assert (replay.status, replay.body) == (201, '{"id": "c-1"}')


def test_a_finished_claim_stays_finished(store):
    assert idempotency.begin(store, **CLAIM, lease=60) is None
    idempotency.finish(store, actor="key_1", key="k-1", status=200, headers={}, body="{}")
    idempotency_release.release(store, actor="key_1", key="k-1")
    assert claims(store) == [("k-1", 200)]


def test_the_lease_is_the_rpc_deadline_of_each_rpc_plus_a_margin():
    assert idempotency_keys.claim_seconds({"RPC_DEADLINE_SECONDS": 5}) == 15.0
    assert idempotency_keys.claim_seconds({"RPC_DEADLINE_SECONDS": 5, "IDEMPOTENCY_CLAIM_SECONDS": "3"}) == 3.0


def test_the_request_key_is_the_same_on_every_retry_and_belongs_to_its_caller():
    key = idempotency_keys.request_key("key_1", "k-1")
    assert key == idempotency_keys.request_key("key_1", "k-1") and key.startswith("idem:")
    assert key != idempotency_keys.request_key("key_2", "k-1") and "k-1" not in key


def test_a_retry_waits_for_the_try_in_flight_and_gets_its_outcome(store):
    """Not a 409: the retry of a try that is ending gets what that try answered."""
    assert idempotency.begin(store, **CLAIM, lease=60) is None
    finishing = threading.Timer(0.5, idempotency.finish, kwargs={
        "store": store, "actor": "key_1", "key": "k-1", "status": 201, "headers": {}, "body": '{"id": "c-1"}'})
    finishing.start()
    replay = idempotency.begin(store, **CLAIM, lease=60, wait=5)
    finishing.join()
    assert (replay.status, replay.body) == (201, '{"id": "c-1"}')


def test_a_release_refused_while_the_database_is_away_lands_once_it_is_back(gateway_database_url, db_backend):
    """The database scenario's 409s: the try's release failed (database away), so the claim
    held every retry off for its whole lease; now it is written again and a retry takes over."""
    if db_backend != "postgres":
        pytest.skip("the database is cut at a TCP proxy")
    url = sa.make_url(gateway_database_url)
    proxy = HalfOpenProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = Store(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    try:
        assert idempotency.begin(proxied, **CLAIM, lease=60) is None
        proxy.cut()
        with pytest.raises(sa.exc.DBAPIError) as refused:
            idempotency_release.release(proxied, actor="key_1", key="k-1")
        assert database_away(refused.value)
        idempotency_release.release_later(proxied, actor="key_1", key="k-1", within=30)
        time.sleep(0.5)
        proxy.restore()
        assert idempotency.begin(proxied, **CLAIM, lease=60, wait=10) is None   # taken over, well within the lease
    finally:
        proxied.dispose()
        proxy.close()


def test_a_gateway_stopping_opens_the_claims_of_the_requests_it_cuts(store):
    """The rolling restart's 409s: a request cut by its gateway's restart held its retries off
    for the whole lease; the stopping gateway releases it, and a retry takes it over at once."""
    request = Request(EnvironBuilder(method="POST", path="/v1/contributions", data=b"{}",
                                     headers={idempotency_keys.HEADER: "k-2"}).get_environ())
    actor = Actor(kind="key", key_id="key_1")
    retried = []

    def run():   # the gateway stops while this request runs
        assert idempotency_release.release_in_flight(store) == 1
        retried.append(idempotency.begin(store, actor="key_1", key="k-2", method="POST", path="/v1/contributions",
                                         body_hash=idempotency_keys.request_hash("POST", "/v1/contributions", b"{}"),
                                         lease=60))
        return Response("{}", status=201)

    idempotency.around(store, request, actor, run, lease=60)
    assert retried == [None] and idempotency_release.release_in_flight(store) == 0
    late = Request(EnvironBuilder(method="POST", path="/v1/contributions", data=b"{}",
                                  headers={idempotency_keys.HEADER: "k-3"}).get_environ())
    with pytest.raises(ServiceUnavailable):   # a request reaching the stopping gateway claims nothing
        idempotency.around(store, late, actor, lambda: Response("{}", status=201), lease=60)
    assert idempotency.begin(store, actor="key_1", key="k-3", method="POST", path="/v1/contributions",
                             body_hash=idempotency_keys.request_hash("POST", "/v1/contributions", b"{}"),
                             lease=60) is None
