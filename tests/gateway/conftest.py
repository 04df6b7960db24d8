"""Fixtures for the gateway's service tests: a gateway container on the real broker
and a real database (SQLite and PostgreSQL, via tests.fixtures.database_urls)."""
import pytest
import requests

from tests.helpers import free_port

ADMIN_KEY = "test-admin-key-0123456789abcdef"


class Client:
    """requests against one gateway, with an optional API key."""

    def __init__(self, base, key=None):
        self.base, self.key = base, key

    def as_key(self, key):
        return Client(self.base, key)

    def request(self, method, path, *, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.key:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        kwargs.setdefault("timeout", 15)
        return requests.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, json=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def new_key(self, organisation, role, **extra):
        response = self.post("/v1/keys", {"organisation": organisation, "role": role, **extra})
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(params=["sqlite", "postgres"])
def db_backend(request):
    """SQLite for every test; PostgreSQL too for the tests marked `postgres` (those whose
    behaviour depends on the database: keys, audit, idempotency, pagination, the feed,
    deliveries). Keeps the suite's time down without losing the backend coverage."""
    if request.param == "postgres" and request.node.get_closest_marker("postgres") is None:
        pytest.skip("backend-independent: runs on SQLite")
    return request.param


@pytest.fixture
def gateway_database_url(db_backend, tmp_path, postgres_database_factory):
    """A fresh gateway database on the backend under test, migrated to head."""
    from shared.migrations import upgrade
    url = postgres_database_factory() if db_backend == "postgres" else f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    upgrade("gateway", url)
    return url


@pytest.fixture
def gateway_config(amqp_uri, gateway_database_url):
    def make(**extra):
        config = {"AMQP_URI": amqp_uri, "DATABASE_URL": gateway_database_url, "RPC_DEADLINE_SECONDS": 2,
                  "EVENT_MAX_ATTEMPTS": 3, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
                  "PLATFORM_ADMIN_KEY": ADMIN_KEY, "WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_LOOPBACK": True,
                  "WEBHOOK_BACKOFF_BASE": 0.2, "WEBHOOK_POLL_SECONDS": 0.1, "RATE_LIMIT_PER_MINUTE": 6000,
                  "RATE_LIMIT_BURST": 1000}
        config["EVENT_RETRY_DELAYS"] = "0.1"  # retries of a failing handler after 0.1 s, not 1 s, 5 s
        config.update(extra)
        return config
    return make


@pytest.fixture
def start_gateway(container_factory, gateway_config):
    def start(**extra):
        from gateway.service import GatewayService
        config = gateway_config(**extra)
        container = container_factory(GatewayService, config)
        container.start()
        return Client(f"http://{config['WEB_SERVER_ADDRESS']}", ADMIN_KEY), container
    return start


@pytest.fixture
def admin(start_gateway):
    """An admin client of a started gateway."""
    client, _container = start_gateway()
    return client


@pytest.fixture
def store(gateway_database_url):
    """The gateway's own store on its test database (feed, idempotency, audit)."""
    from gateway.store import Store
    store = Store(gateway_database_url)
    yield store
    store.dispose()

