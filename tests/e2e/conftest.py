"""The whole platform as processes, as `make run` starts it, once per backend."""
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import eventlet
import pytest

from scripts.run_platform import METRICS_PORTS, SERVICES, platform_env, start_service, stop, wait_for_http
from tests.fixtures import migrated_database
from tests.helpers import free_port

# The platform's first admin key (PLATFORM_ADMIN_KEY); tests send it as a bearer key.
ADMIN_KEY = "e2e-admin-key-0123456789abcdefghijklmnop"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}


@contextmanager
def running_platform(backend, vhost_factory, postgres_database_factory, tmp_path_factory, session=None, var_dir=None,
                     **extra_env):
    """The four services as processes on `backend`; yields the gateway's base URL (a Platform). Logs and
    SQLite files go to `var_dir` (default: a fresh temporary directory). Its vhost and
    databases are deleted when it stops: piled up over a session they slow the broker down."""
    var_dir = var_dir or tmp_path_factory.mktemp(f"platform-{backend}")
    port = free_port()
    amqp_uri = extra_env.pop("AMQP_URI", None) or vhost_factory()
    env = platform_env(port, amqp_uri)
    env.update(PLATFORM_VAR_DIR=str(var_dir), OUTBOX_RELAY_INTERVAL="0.5", RPC_DEADLINE_SECONDS="5")
    env.update(PLATFORM_ADMIN_KEY=ADMIN_KEY, WEBHOOK_ALLOW_HTTP="true", WEBHOOK_ALLOW_LOOPBACK="true",
               WEBHOOK_BACKOFF_BASE="0.2", WEBHOOK_POLL_SECONDS="0.1", RATE_LIMIT_PER_MINUTE="60000",
               RATE_LIMIT_BURST="5000")
    for service in METRICS_PORTS:  # never the fixed defaults: platforms run side by side
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    env.update(extra_env)
    databases = []
    for service in SERVICES:   # each from its database migrated once per session (tests/fixtures.py)
        key = f"{service.upper()}_DATABASE_URL"
        template = migrated_database(backend, service, postgres_database_factory, tmp_path_factory)
        if backend == "postgres":
            env[key] = postgres_database_factory(template=template)
            databases.append(env[key])
        else:
            env.pop(key, None)
            shutil.copyfile(template.removeprefix("sqlite:///"), Path(env["PLATFORM_VAR_DIR"]) / f"{service}.sqlite3")
    procs = [start_service(service, env, var_dir) for service in SERVICES]
    base = f"http://127.0.0.1:{port}"

    def restart(service, **changes):
        i = SERVICES.index(service)
        stop([procs[i]])
        procs[i] = start_service(service, {**env, **changes}, var_dir)

    try:
        wait_for_http(f"{base}/health", procs=procs)
        yield Platform(base, restart)
    finally:
        if session is not None and session.testsfailed:
            for service in SERVICES:
                log = var_dir / f"{service}.log"
                if log.exists():
                    print(f"--- {service} log ---\n{log.read_text()[-4000:]}")
        _stop_in_background(procs, lambda: [vhost_factory.delete(amqp_uri),
                                            *map(postgres_database_factory.drop, databases)])


class Platform(str):
    """The gateway's base URL (a str: tests join paths to it) that can restart one of its
    services, e.g. with another file the service reads once at start-up: `restart(service,
    **env_changes)`. The restarted service takes requests once its queues are consumed again:
    wait for an answer of it."""
    restart: Callable[..., None]

    def __new__(cls, base, restart):
        made = super().__new__(cls, base)
        made.restart = restart
        return made


def _stop_in_background(procs, cleanup) -> None:
    """nameko takes ~4 s to stop gracefully (each consumer's poll interval): the next tests go on
    meanwhile; `_stopped_platforms` waits for every platform at the end of the session."""
    def run():
        stop(procs)
        cleanup()
        return all(p.poll() is not None for p in procs)
    _STOPPING.append(eventlet.spawn(run))


_STOPPING: list = []


@pytest.fixture(scope="session", autouse=True)
def _stopped_platforms(vhost_factory, postgres_database_factory):
    """Set up after the vhost and database factories, so torn down before them: every platform
    has stopped (nothing left behind) before its vhost and databases go."""
    yield
    assert all(stopping.wait() for stopping in _STOPPING)  # nothing left behind


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory):
    with running_platform(request.param, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session) as base:
        yield base
