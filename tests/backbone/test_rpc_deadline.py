"""Gateway-to-service RPC has a deadline: a request never hangs. A service that is
not there answers 503; one that is there but too slow answers 504; both within
the deadline (plus a small margin)."""
import os
import time
from urllib.parse import urlparse, urlunparse

import eventlet
import pytest
import requests
from nameko.rpc import rpc

from gateway.service import GatewayService
from programmes.service import ProgrammesService
from shared.runtime.readiness import CACHE_SECONDS
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.helpers import free_port, wait_until
from tests.programmes_flow import programme_body

pytestmark = pytest.mark.broker

DEADLINE = 1.0
BODY = programme_body("T", indicators=[])
ADMIN_KEY = "deadline-test-admin-key-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture
def gateway(container_factory, amqp_uri, tmp_path):
    port = free_port()
    container = container_factory(GatewayService, {
        "AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_DEADLINE_SECONDS": DEADLINE,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.sqlite3'}", "PLATFORM_ADMIN_KEY": ADMIN_KEY})
    container.start()
    return f"http://127.0.0.1:{port}"


def timed_post(url, body):
    started = time.monotonic()
    response = requests.post(url, json=body, timeout=30, headers=ADMIN)
    return response, time.monotonic() - started


def test_a_service_that_never_started_answers_503_within_the_deadline(gateway):
    response, elapsed = timed_post(f"{gateway}/v1/programmes", BODY)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "programmes" in response.json()["detail"]
    assert elapsed < DEADLINE + 1


def test_a_stopped_service_answers_503_within_the_deadline(gateway, container_factory, service_config):
    programmes = container_factory(ProgrammesService, service_config("programmes"))
    programmes.start()
    assert requests.post(f"{gateway}/v1/programmes", json=BODY, timeout=30, headers=ADMIN).status_code == 201
    programmes.stop()  # its request queue stays, with no consumer

    response, elapsed = timed_post(f"{gateway}/v1/programmes", BODY)
    assert response.status_code == 503
    assert elapsed < DEADLINE + 1.5


class SlowProgrammes:
    name = "programmes"

    @rpc
    def create_programme(self, data, actor=None):
        eventlet.sleep(DEADLINE * 5)
        return {}


def test_a_slow_service_answers_504_within_the_deadline(gateway, container_factory, amqp_uri):
    container_factory(SlowProgrammes, {"AMQP_URI": amqp_uri}).start()
    response, elapsed = timed_post(f"{gateway}/v1/programmes", BODY)
    assert response.status_code == 504
    assert response.json()["title"] == "Deadline exceeded"
    assert elapsed < DEADLINE + 1.5


def test_health_reports_unavailable_services_without_hanging(gateway):
    started = time.monotonic()
    response = requests.get(f"{gateway}/health", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "broker": "up", "database": "up", "services": {
        "programmes": "unavailable", "grants": "unavailable", "metrics": "unavailable"}}
    assert time.monotonic() - started < DEADLINE + 1.5


@pytest.mark.postgres
def test_health_names_a_database_that_is_away(gateway, container_factory, amqp_uri, postgres_database_factory,
                                              migrated_databases, tmp_path):
    # programmes on PostgreSQL through a proxy that stalls (no error, no answer: the hardest to
    # bound), the gateway's own database an SQLite file moved away.
    url = postgres_database_factory(template=migrated_databases("postgres", "programmes"))
    parts = urlparse(url)
    proxy = HalfOpenProxy(parts.hostname, parts.port or 5432)
    try:
        proxied = urlunparse(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        container_factory(ProgrammesService, {"AMQP_URI": amqp_uri, "DATABASE_URL": proxied}).start()
        wait_until(lambda: requests.get(f"{gateway}/health", timeout=5).json()["services"]["programmes"] == "up",
                   message="programmes up")
        proxy.pause()
        os.rename(tmp_path / "gateway.sqlite3", tmp_path / "away")
        time.sleep(CACHE_SECONDS)   # the last answers (up) are reused that long
        started = time.monotonic()
        body = requests.get(f"{gateway}/health", timeout=30).json()
        assert time.monotonic() - started < 2   # the database checks' bound, not a ping's deadline
        assert body == {"status": "degraded", "broker": "up", "database": "unavailable", "services": {
            "programmes": "database_unavailable", "grants": "unavailable", "metrics": "unavailable"}}
        proxy.resume()
        os.rename(tmp_path / "away", tmp_path / "gateway.sqlite3")
        wait_until(lambda: (requests.get(f"{gateway}/health", timeout=5).json()["services"]["programmes"],
                            requests.get(f"{gateway}/health", timeout=5).json()["database"]) == ("up", "up"),
                   timeout=15, message="both databases back")
    finally:
        proxy.close()
        postgres_database_factory.drop(url)
