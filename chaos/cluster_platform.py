"""The four services as processes (as `make run` starts them) against a broker address list,
on SQLite files or fresh PostgreSQL databases; and what their databases hold, for the checker."""
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from scripts.run_platform import METRICS_PORTS, SERVICES, migrate, platform_env, start_service, stop, wait_for_http
from tests.helpers import free_port

ADMIN_KEY = "chaos-admin-key-0123456789abcdefghijklmnop"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def _databases(backend: str, var_dir: Path) -> Iterator[dict[str, str]]:
    if backend == "sqlite":
        yield {s: f"sqlite:///{var_dir / f'{s}.sqlite3'}" for s in SERVICES}
        return
    names = {s: f"chaos_{s}_{uuid.uuid4().hex[:8]}" for s in SERVICES}
    admin = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield {s: f"{POSTGRES}/{name}" for s, name in names.items()}
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def running_platform(amqp_uri: str, var_dir: Path,
                     backend: str = "sqlite") -> Iterator[tuple[str, dict[str, str], dict[str, subprocess.Popen]]]:
    """Yields the gateway's base URL, each service's database URL and its process."""
    port = free_port()
    env = platform_env(port, amqp_uri)
    env.update(AMQP_URI=amqp_uri, PLATFORM_VAR_DIR=str(var_dir), OUTBOX_RELAY_INTERVAL="0.5",
               RPC_DEADLINE_SECONDS="5", PLATFORM_ADMIN_KEY=ADMIN_KEY, RATE_LIMIT_PER_MINUTE="60000",
               RATE_LIMIT_BURST="5000")
    for service in METRICS_PORTS:
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    with _databases(backend, var_dir) as urls:
        env.update({f"{s.upper()}_DATABASE_URL": url for s, url in urls.items()})
        migrate(env)
        procs = [start_service(service, env, var_dir) for service in SERVICES]
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_http(f"{base}/health", timeout=90, procs=procs)
            yield base, urls, dict(zip(SERVICES, procs, strict=True))
        finally:
            stop(procs)


def approved_results(programmes_url: str, programme_id: str) -> dict[str, str]:
    """The programme's approved results: id -> period end (each result has its own)."""
    engine = sa.create_engine(programmes_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, period_end FROM results WHERE programme_id = :p "
                                        "AND status = 'approved'"), {"p": programme_id})
            return {row[0]: str(row[1]) for row in rows}
    finally:
        engine.dispose()


def counted_periods(metrics_url: str, programme_id: str) -> dict[str, int]:
    """How many results metrics counted into each period end of the programme (most over the plans)."""
    engine = sa.create_engine(metrics_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT plan_id, period_end, SUM(n) FROM metric_cells WHERE programme_id = :p "
                "AND indicator = 'people_reached' GROUP BY plan_id, period_end"), {"p": programme_id})
            counted: dict[str, int] = {}
            for _, period_end, n in rows:
                counted[str(period_end)] = max(counted.get(str(period_end), 0), int(n))
            return counted
    finally:
        engine.dispose()
