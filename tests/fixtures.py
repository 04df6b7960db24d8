"""Fixtures that give each test run real, isolated infrastructure: its own RabbitMQ
vhost and its own databases (SQLite files, fresh PostgreSQL databases)."""
import os
import shutil
import subprocess
import uuid
from urllib.parse import quote, urlparse, urlunparse

import pytest

BROKER_URI = os.environ.get("TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_SERVICES = ("programmes", "grants", "metrics", "gateway")


def _rabbitmqctl(*args):
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        raise RuntimeError("rabbitmqctl is needed to create an isolated test vhost")
    subprocess.run([ctl, *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def vhost_factory():
    """Creates vhosts (deleted at the end of the session); returns their AMQP URIs."""
    created = []

    def make():
        name = f"test-{uuid.uuid4().hex[:12]}"
        _rabbitmqctl("add_vhost", name)
        user = urlparse(BROKER_URI).username or "guest"
        _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        created.append(name)
        parts = urlparse(BROKER_URI)
        return urlunparse(parts._replace(path="/" + quote(name, safe="")))

    yield make
    for name in created:
        try:
            _rabbitmqctl("delete_vhost", name)
        except Exception:  # pragma: no cover - best effort cleanup
            pass


@pytest.fixture
def amqp_uri(vhost_factory):
    """A fresh vhost per test: queues, exchanges and messages of one test never meet another's."""
    return vhost_factory()


@pytest.fixture(scope="session")
def postgres_database_factory():
    import psycopg2
    created = []

    def make():
        name = f"test_{uuid.uuid4().hex[:12]}"
        conn = psycopg2.connect(POSTGRES_ADMIN_URL)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        created.append(name)
        return urlunparse(urlparse(POSTGRES_ADMIN_URL)._replace(path="/" + name))

    yield make
    conn = psycopg2.connect(POSTGRES_ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        for name in created:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_backend(request):
    return request.param


@pytest.fixture
def database_urls(db_backend, tmp_path, postgres_database_factory):
    """One fresh database per service, on the backend under test, migrated to head."""
    from shared.migrations import upgrade
    urls = {}
    for service in DB_SERVICES:
        if db_backend == "postgres":
            urls[service] = postgres_database_factory()
        else:
            urls[service] = f"sqlite:///{tmp_path / (service + '.sqlite3')}"
        upgrade(service, urls[service])
    return urls


@pytest.fixture
def service_config(amqp_uri, database_urls):
    """nameko config for a service under test, by service name."""
    def make(service, **extra):
        config = {"AMQP_URI": amqp_uri, "OUTBOX_RELAY_INTERVAL": 0.2, "EVENT_MAX_ATTEMPTS": 3,
                  "RPC_DEADLINE_SECONDS": 2}
        if service in database_urls:
            config["DATABASE_URL"] = database_urls[service]
        config.update(extra)
        return config
    return make
