"""Commands safe to repeat, end to end on the real broker, SQLite and PostgreSQL: a client
retrying with the same Idempotency-Key gets the first outcome, never a second change and
never a 409 for a command that succeeded, whether the service was killed after its commit
and before its reply, or answered after the gateway had given up (504)."""
import os
import signal

import pytest
import requests
import sqlalchemy as sa

from gateway.service import GatewayService
from programmes import models
from programmes.service import ProgrammesService
from scripts.run_platform import start_service, stop
from tests.helpers import free_port, rpc_proxy, wait_until
from tests.programmes_flow import programme_body, result_body

pytestmark = [pytest.mark.broker, pytest.mark.e2e]

ADMIN_KEY = "commands-test-admin-key-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture
def gateway(container_factory, amqp_uri, database_urls):
    def start(deadline):
        port = free_port()
        container_factory(GatewayService, {
            "AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_DEADLINE_SECONDS": deadline,
            "DATABASE_URL": database_urls["gateway"], "PLATFORM_ADMIN_KEY": ADMIN_KEY}).start()
        return f"http://127.0.0.1:{port}"
    return start


def post(base, path, body, key=None):
    headers = dict(ADMIN, **({"Idempotency-Key": key} if key else {}))
    return requests.post(base + path, json=body, headers=headers, timeout=30)


def rows(url, statement):
    engine = sa.create_engine(url)   # a plain reader: never waits for the service's write lock
    try:
        with engine.connect() as conn:
            return conn.execute(statement).all()
    finally:
        engine.dispose()


def approvals(url):
    t = models.outbox
    return rows(url, sa.select(t.c.event_id).where(t.c.event_type == "result.approved"))


def _answers(amqp_uri):
    try:
        with rpc_proxy(amqp_uri, timeout=2) as rpc:
            return rpc.programmes.ping() == "pong"
    except Exception:
        return False


def started(amqp_uri, env, tmp_path):
    proc = start_service("programmes", env, tmp_path)
    wait_until(lambda: _answers(amqp_uri), timeout=60, message="the programmes service to start")
    return proc


def test_sigkill_after_commit_before_reply_then_retry_returns_the_approval(gateway, amqp_uri, database_urls,
                                                                            tmp_path):
    env = dict(os.environ, AMQP_URI=amqp_uri, PROGRAMMES_DATABASE_URL=database_urls["programmes"],
               OUTBOX_RELAY_INTERVAL="0.2")
    base = gateway(3)
    doomed = started(amqp_uri, dict(env, PLATFORM_FAILPOINTS="command.approve_result.after_commit"), tmp_path)
    try:
        programme = post(base, "/v1/programmes", programme_body("Killed mid-approval", indicators=[
            {"code": "people_reached"}])).json()
        assert post(base, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"}).ok
        result = post(base, f"/v1/programmes/{programme['id']}/results", result_body(programme, 10)).json()
        assert post(base, f"/v1/results/{result['id']}/submit", {}).status_code == 200

        lost = post(base, f"/v1/results/{result['id']}/approve", {}, key="approve-1")
        assert lost.status_code in (503, 504)          # committed, then killed before the reply
        assert doomed.wait(10) == -signal.SIGKILL
    finally:
        stop([doomed])
    assert len(approvals(database_urls["programmes"])) == 1

    restarted = started(amqp_uri, env, tmp_path)
    try:
        retry = post(base, f"/v1/results/{result['id']}/approve", {}, key="approve-1")
        assert retry.status_code == 200, retry.text      # the first outcome, not 409
        current = requests.get(f"{base}/v1/results/{result['id']}", headers=ADMIN, timeout=30).json()
        assert retry.json() == current and current["status"] == "approved"
        again = post(base, f"/v1/results/{result['id']}/approve", {}, key="approve-1")
        assert again.json() == retry.json() and again.headers["Idempotent-Replayed"] == "true"
        fresh = post(base, f"/v1/results/{result['id']}/approve", {}, key="approve-2")
        assert fresh.status_code == 409                  # a NEW approval is still refused
    finally:
        stop([restarted])
    assert len(approvals(database_urls["programmes"])) == 1   # approved once


def test_a_retry_after_a_504_gets_what_the_service_committed(gateway, container_factory, service_config,
                                                             database_urls, monkeypatch):
    monkeypatch.setenv("PLATFORM_FAILPOINTS", "command.create_programme.before_commit=sleep:2.5")
    container_factory(ProgrammesService, service_config("programmes")).start()
    base = gateway(1)
    body = programme_body("Slow but sure", indicators=[])

    first = post(base, "/v1/programmes", body, key="create-1")
    assert first.status_code == 504
    stored = wait_until(lambda: rows(database_urls["programmes"], sa.select(models.Programme.id)), timeout=15,
                        message="the service to commit after the deadline")

    retry = post(base, "/v1/programmes", body, key="create-1")
    assert retry.status_code == 201, retry.text
    assert [(retry.json()["id"],)] == stored                # the object the first attempt created
    again = post(base, "/v1/programmes", body, key="create-1")
    assert again.json() == retry.json() and again.headers["Idempotent-Replayed"] == "true"
    assert rows(database_urls["programmes"], sa.select(models.Programme.id)) == stored   # created once
