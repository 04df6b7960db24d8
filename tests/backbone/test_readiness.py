"""Readiness checks against the real parts: a broker that goes away and comes back (through
a TCP proxy: the shared RabbitMQ stays up), a PostgreSQL database that stops taking
connections and takes them again, an SQLite file moved away and back."""
import os

import psycopg2
import pytest

from shared.db import create_engine
from shared.runtime.readiness import broker_check, database_check
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.fixtures import POSTGRES_ADMIN_URL


@pytest.mark.broker
def test_broker_check_follows_the_broker(amqp_uri):
    from urllib.parse import urlparse, urlunparse
    parts = urlparse(amqp_uri)
    proxy = HalfOpenProxy(parts.hostname, parts.port or 5672)
    try:
        proxied = urlunparse(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}"))
        assert broker_check(proxied) == {"ok": True, "detail": "connected"}
        proxy.cut()
        down = broker_check(proxied, timeout=1)
        assert down["ok"] is False and down["detail"]
        proxy.restore()
        assert broker_check(proxied)["ok"] is True
    finally:
        proxy.close()


@pytest.mark.postgres
def test_database_check_follows_a_postgres_database(postgres_database_factory):
    url = postgres_database_factory()
    name = url.rsplit("/", 1)[1]
    engine = create_engine(url)
    admin = psycopg2.connect(POSTGRES_ADMIN_URL)
    admin.autocommit = True
    try:
        assert database_check(engine) == {"ok": True, "detail": "SELECT 1 answered"}
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        down = database_check(engine)
        assert down["ok"] is False and "OperationalError" in down["detail"], down
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert database_check(engine)["ok"] is True
    finally:
        engine.dispose()
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()


def test_database_check_follows_an_sqlite_file(tmp_path):
    path = tmp_path / "service.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert database_check(engine)["ok"] is False  # not created (migrated) yet: not ready
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert database_check(engine)["ok"] is True
        os.rename(path, tmp_path / "away")
        down = database_check(engine)
        assert down == {"ok": False, "detail": f"database file {path} is missing"}
        os.rename(tmp_path / "away", path)
        assert database_check(engine)["ok"] is True
    finally:
        engine.dispose()
