"""Readiness checks, as Kubernetes means readiness: can this process do its work now?
Each check is bounded by a short timeout and green under eventlet (kombu's sockets and
psycopg2, made green by psycogreen in shared.db), and its answer is reused for
`CACHE_SECONDS`, so a burst of probes costs one connection, not one each."""
import os
import time
from collections.abc import Callable
from typing import Any

import eventlet
import sqlalchemy as sa
from kombu import Connection

from shared.messaging.brokers import broker_addresses, connect_first_reachable

CACHE_SECONDS = 1.0
TIMEOUT_SECONDS = 2.0
HEALTH_TIMEOUT_SECONDS = 0.5   # /health's own database checks: it answers within 1 s

Check = dict[str, Any]   # {"ok": bool, "detail": str}


def broker_check(amqp_uri: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    nodes = len(broker_addresses(amqp_uri))
    # Each address of a list its share of the time: a first node that does not answer at all
    # (not even a refusal) must leave the others time to.
    per_address = timeout if nodes <= 1 else timeout / (nodes + 1)
    try:
        with eventlet.Timeout(timeout), Connection(amqp_uri, connect_timeout=per_address) as conn:  # type: ignore[no-untyped-call]
            # Each address once, at once (kombu's default waits 2 s between attempts).
            connect_first_reachable(conn, per_address)
        return {"ok": True, "detail": "connected"}
    except (Exception, eventlet.Timeout) as exc:
        return {"ok": False, "detail": _reason(exc, timeout)}


def database_check(engine: sa.Engine, timeout: float = TIMEOUT_SECONDS) -> Check:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and path != ":memory:" and not os.path.exists(path):
        # An open SQLite connection keeps reading a file that was moved or deleted.
        return {"ok": False, "detail": f"database file {path} is missing"}
    try:
        with eventlet.Timeout(timeout), engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return {"ok": True, "detail": "SELECT 1 answered"}
    except (Exception, eventlet.Timeout) as exc:
        return {"ok": False, "detail": _reason(exc, timeout)}


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, eventlet.Timeout):
        return f"no answer within {timeout:g}s"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")[:300]


class Readiness:
    """Named checks run together, their answers cached for `cache_seconds`."""

    def __init__(self, checks: dict[str, Callable[[], Check]], cache_seconds: float = CACHE_SECONDS) -> None:
        self.checks, self.cache_seconds = checks, cache_seconds
        self._answer: dict[str, Check] = {}
        self._at = float("-inf")

    def run(self) -> dict[str, Check]:
        if time.monotonic() - self._at >= self.cache_seconds:
            pool = eventlet.GreenPool(len(self.checks) or 1)
            names = list(self.checks)
            self._answer = dict(zip(names, pool.imap(lambda name: self.checks[name](), names), strict=True))
            self._at = time.monotonic()
        return self._answer

    def report(self) -> dict[str, Any]:
        checks = self.run()
        return {"ready": all(c["ok"] for c in checks.values()), "checks": checks}
