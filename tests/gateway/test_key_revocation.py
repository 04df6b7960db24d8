"""Revoking a key stops what it set going, and a new PLATFORM_ADMIN_KEY replaces the old one, on a
real gateway (broker + SQLite and PostgreSQL): a revoked key's webhook subscriptions stop (through
the API and the operators' CLI), a delivery re-checks its key when it is sent, and the bootstrap
key is replaced at start-up, once, even by replicas starting at once."""
import threading

import pytest
import sqlalchemy as sa

from gateway import auth, cli
from gateway.problems import Unauthenticated
from gateway.store import open_store
from gateway.webhooks.subscriptions import KEY_REVOKED
from shared.events.contracts.programmes import EXAMPLES as PROGRAMME_EXAMPLES
from tests.gateway.test_gateway_integrations import Receiver, envelope
from tests.helpers import publish_event, wait_until

pytestmark = pytest.mark.broker
ORG = {"ref": "XM-ACME", "name": "Acme", "type": "40"}
K1, K2 = "first-bootstrap-key-0123456789", "second-bootstrap-key-0123456789"


def programme_created(programme_id):
    return envelope("programme.created", PROGRAMME_EXAMPLES, programme_id=programme_id, reporting_org=ORG)


def deliveries(client, subscription_id):
    return client.get(f"/v1/webhooks/{subscription_id}/deliveries").json()["items"]


def in_feed(client, event) -> bool:
    return event["event_id"] in {e["event_id"] for e in client.get("/v1/events").json()["items"]}


# -- a revoked key's webhooks ---------------------------------------------------------------

@pytest.mark.postgres
def test_revoking_a_key_stops_its_webhooks_and_drops_their_pending_deliveries(start_gateway, amqp_uri):
    admin, _ = start_gateway(WEBHOOK_BACKOFF_BASE=60)
    partner_key = admin.new_key("XM-ACME", "partner")
    partner = admin.as_key(partner_key["key"])
    hook = Receiver(failures=100)
    try:
        sub = partner.post("/v1/webhooks", {"url": hook.url, "event_types": ["*"]}).json()
        publish_event(amqp_uri, programme_created("p-1"))
        wait_until(lambda: (d := deliveries(partner, sub["id"])) and d[0]["attempts"] == 1, timeout=20,
                   message="a first, failed attempt")

        assert admin.delete(f"/v1/keys/{partner_key['id']}").status_code == 200
        stopped = admin.get(f"/v1/webhooks/{sub['id']}").json()
        assert stopped["active"] is False and stopped["disabled_reason"] == KEY_REVOKED
        [dropped] = deliveries(admin, sub["id"])
        assert dropped["status"] == "failed" and dropped["last_error"].startswith("subscription stopped")

        later = programme_created("p-2")
        publish_event(amqp_uri, later)
        wait_until(lambda: in_feed(admin, later), message="the later event in the feed")
        assert [d["event_id"] for d in deliveries(admin, sub["id"])] == [dropped["event_id"]]
        assert len(hook.calls) == 1
    finally:
        hook.close()


@pytest.mark.postgres
def test_the_clis_revoke_stops_the_keys_webhooks_too(start_gateway, gateway_database_url):
    admin, _ = start_gateway()
    partner_key = admin.new_key("XM-ACME", "partner")
    sub = admin.as_key(partner_key["key"]).post("/v1/webhooks", {"url": "http://127.0.0.1:9/x",
                                                                 "event_types": ["*"]}).json()
    assert cli.main(["--database-url", gateway_database_url, "revoke-key", partner_key["id"]]) == 0
    stopped = admin.get(f"/v1/webhooks/{sub['id']}").json()
    assert stopped["active"] is False and stopped["disabled_reason"] == KEY_REVOKED
    assert admin.get("/v1/webhooks?active=true").json()["items"] == []


@pytest.mark.postgres
def test_a_delivery_rechecks_its_key_when_it_is_sent(start_gateway, amqp_uri, gateway_database_url):
    admin, _ = start_gateway(WEBHOOK_BACKOFF_BASE=6)  # time to revoke the key before the retry
    partner_key = admin.new_key("XM-ACME", "partner")
    partner = admin.as_key(partner_key["key"])
    hook = Receiver(failures=1)
    engine = sa.create_engine(gateway_database_url)
    try:
        sub = partner.post("/v1/webhooks", {"url": hook.url, "event_types": ["programme.created"]}).json()
        publish_event(amqp_uri, programme_created("p-1"))
        wait_until(lambda: (d := deliveries(partner, sub["id"])) and d[0]["attempts"] == 1, timeout=20,
                   message="a first, failed attempt")
        # revoked behind the API's back (another replica mid-delivery, an operator's SQL): the retry
        # must not go out as the dead key
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE id = :id"),
                         {"id": partner_key["id"]})
        [delivery] = wait_until(lambda: (d := deliveries(admin, sub["id"])) and d[0]["status"] != "pending" and d,
                                timeout=20, message="the retry to be settled")
        assert delivery["status"] == "failed" and delivery["attempts"] == 1
        assert delivery["last_error"] == f"not sent: {KEY_REVOKED}"
        assert len(hook.calls) == 1
        stopped = admin.get(f"/v1/webhooks/{sub['id']}").json()
        assert stopped["active"] is False and stopped["disabled_reason"] == KEY_REVOKED
    finally:
        engine.dispose()
        hook.close()


# -- the bootstrap key ----------------------------------------------------------------------

def bootstrap_revocations(admin):
    return [e for e in admin.get("/v1/audit?limit=200").json()["items"] if e["route"] == "bootstrap_admin_key"]


@pytest.mark.postgres
def test_a_new_platform_admin_key_replaces_the_previous_one(start_gateway):
    first, container = start_gateway(PLATFORM_ADMIN_KEY=K1)
    assert first.as_key(K1).get("/v1/keys").status_code == 200
    container.stop()

    second, container = start_gateway(PLATFORM_ADMIN_KEY=K2)
    old, new = second.as_key(K1), second.as_key(K2)
    assert old.get("/v1/keys").status_code == 401
    assert new.get("/v1/keys").status_code == 200
    [revocation] = bootstrap_revocations(new)
    assert revocation["detail"]["replaced_by"] == auth.BOOTSTRAP_PREFIX + auth.hash_key(K2)[:8]
    container.stop()

    third, _ = start_gateway(PLATFORM_ADMIN_KEY=K2)  # the same key again: nothing changes
    assert third.as_key(K2).get("/v1/keys").status_code == 200 and third.as_key(K1).get("/v1/keys").status_code == 401
    boot = [k for k in third.as_key(K2).get("/v1/keys").json()["items"] if k["id"].startswith(auth.BOOTSTRAP_PREFIX)]
    assert sorted(k["revoked_at"] is None for k in boot) == [False, True]
    assert len(bootstrap_revocations(third.as_key(K2))) == 1


def test_replicas_starting_at_once_store_one_bootstrap_key_and_revoke_the_old_one_once(postgres_database_factory):
    from shared.migrations import upgrade
    url = postgres_database_factory()
    upgrade("gateway", url)
    auth.bootstrap_admin_key(open_store(url, migrate=False), K1)
    replicas = [open_store(url, migrate=False) for _ in range(3)]
    ready, ids, errors = threading.Barrier(len(replicas)), [], []

    def start(store):
        ready.wait()
        try:
            ids.append(auth.bootstrap_admin_key(store, K2))
        except Exception as exc:  # pragma: no cover - what the test is about
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(store,)) for store in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and len(set(ids)) == 1 and len(ids) == len(replicas)
    store = replicas[0]
    with pytest.raises(Unauthenticated):
        auth.authenticate(store, K1)
    assert auth.authenticate(store, K2).key_id == ids[0]
    with store.begin() as conn:
        live = conn.execute(sa.text("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL")).scalar_one()
        audited = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE route = 'bootstrap_admin_key'")
                               ).scalar_one()
    assert (live, audited) == (1, 1)
    for replica in replicas:
        replica.dispose()
