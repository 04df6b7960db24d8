"""Idempotency-Key claims on the gateway's real database: a claim whose outcome is unknown (a
5xx) is released, never forgotten, and a retry takes it over with the same request key; a
claim of a crashed gateway expires after its lease, not after 24 hours."""
import pytest
import sqlalchemy as sa

from gateway import idempotency, models
from gateway.store import Store
from shared.errors import Conflict

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
    idempotency.release(store, actor="key_1", key="k-1")   # the first attempt answered 504
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
    idempotency.release(store, actor="key_1", key="k-1")
    assert claims(store) == [("k-1", 200)]


def test_the_lease_is_the_rpc_deadline_of_each_rpc_plus_a_margin():
    assert idempotency.claim_seconds({"RPC_DEADLINE_SECONDS": 5}) == 15.0
    assert idempotency.claim_seconds({"RPC_DEADLINE_SECONDS": 5, "IDEMPOTENCY_CLAIM_SECONDS": "3"}) == 3.0


def test_the_request_key_is_the_same_on_every_retry_and_belongs_to_its_caller():
    key = idempotency.request_key("key_1", "k-1")
    assert key == idempotency.request_key("key_1", "k-1") and key.startswith("idem:")
    assert key != idempotency.request_key("key_2", "k-1") and "k-1" not in key
