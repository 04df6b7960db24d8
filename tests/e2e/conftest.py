"""The whole platform as processes, as `make run` starts it, once per backend."""
from contextlib import contextmanager

import pytest

from scripts.run_platform import METRICS_PORTS, SERVICES, migrate, platform_env, start_service, stop, wait_for_http
from tests.helpers import free_port

# The platform's first admin key (PLATFORM_ADMIN_KEY); tests send it as a bearer key.
ADMIN_KEY = "e2e-admin-key-0123456789abcdefghijklmnop"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}


@contextmanager
def running_platform(backend, vhost_factory, postgres_database_factory, tmp_path_factory, session=None, var_dir=None,
                     **extra_env):
    """The four services as processes on `backend`; yields the gateway's base URL. Logs and
    SQLite files go to `var_dir` (default: a fresh temporary directory)."""
    var_dir = var_dir or tmp_path_factory.mktemp(f"platform-{backend}")
    port = free_port()
    # One vhost per platform, deleted when it stops: live vhosts (each with its quorum queues)
    # pile up over a session and slow the broker down until it stalls.
    amqp_uri = extra_env.pop("AMQP_URI", None) or vhost_factory()
    env = platform_env(port, amqp_uri)
    env.update(PLATFORM_VAR_DIR=str(var_dir), OUTBOX_RELAY_INTERVAL="0.5", RPC_DEADLINE_SECONDS="5")
    env.update(PLATFORM_ADMIN_KEY=ADMIN_KEY, WEBHOOK_ALLOW_HTTP="true", WEBHOOK_ALLOW_LOOPBACK="true",
               WEBHOOK_BACKOFF_BASE="0.2", WEBHOOK_POLL_SECONDS="0.1", RATE_LIMIT_PER_MINUTE="60000",
               RATE_LIMIT_BURST="5000")
    for service in METRICS_PORTS:  # never the fixed defaults: platforms run side by side
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    env.update(extra_env)
    for service in ("programmes", "grants", "metrics", "gateway"):
        key = f"{service.upper()}_DATABASE_URL"
        if backend == "postgres":
            env[key] = postgres_database_factory()
        else:
            env.pop(key, None)
    migrate(env)
    procs = [start_service(service, env, var_dir) for service in SERVICES]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/health", procs=procs)
        yield base
    finally:
        stop(procs)
        vhost_factory.delete(amqp_uri)
        assert all(p.poll() is not None for p in procs)  # nothing left behind
        if session is not None and session.testsfailed:
            for service in SERVICES:
                log = var_dir / f"{service}.log"
                if log.exists():
                    print(f"--- {service} log ---\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory):
    with running_platform(request.param, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session) as base:
        yield base
