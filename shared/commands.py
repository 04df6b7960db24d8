"""Commands safe to repeat. A state-changing RPC runs under a request key (the client's
Idempotency-Key, scoped by the gateway, else a key made per request); the service stores
(key, command) -> outcome in its `commands` table IN THE SAME TRANSACTION as the change, so
a repeat of the key (a client retry after a 504, or the broker redelivering a request whose
worker died after commit and before the reply) gets the first outcome back instead of
running again: the same body, or the same error.

Outcomes are kept COMMANDS_TTL_HOURS (24), pruned now and then after a command."""
import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from kombu.utils import json as kombu_json
from nameko.exceptions import deserialize, serialize

from shared.errors import DeadlineExceeded, PlatformError, ServiceUnavailable
from shared.events.fields import utcnow

log = logging.getLogger(__name__)

# kombu's JSON is nameko's RPC serialiser: a replay answers exactly what the first reply carried.
_dumps = cast(Callable[[Any], str], kombu_json.dumps)
_loads = cast(Callable[[str], Any], kombu_json.loads)

CONTEXT_KEY = "request_key"   # nameko context data: travels in RPC headers like correlation_id
KEY_LENGTH = 200
# Errors that say "not now" rather than "no": never kept, a retry runs the command again.
TRANSIENT: tuple[type[PlatformError], ...] = (ServiceUnavailable, DeadlineExceeded)


def ttl() -> timedelta:
    return timedelta(hours=float(os.environ.get("COMMANDS_TTL_HOURS", 24)))


def commands_table(metadata: sa.MetaData) -> sa.Table:
    """Define the commands table on a service's own metadata (next to shared.db.backbone_tables)."""
    return sa.Table(
        "commands", metadata,
        sa.Column("request_key", sa.String(KEY_LENGTH), primary_key=True),
        sa.Column("command", sa.String(100), primary_key=True),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_commands_created", "created_at"),
    )


# -- outcomes: what the caller got, as JSON text ----------------------------------------------

def result_outcome(result: Any) -> str:
    return _dumps({"result": result})


def error_outcome(exc: BaseException) -> str | None:
    """A PlatformError as nameko sends it (class and args), or None: not a final answer."""
    if not isinstance(exc, PlatformError) or isinstance(exc, TRANSIENT):
        return None
    return _dumps({"error": serialize(exc)})


def replay(outcome: str) -> Any:
    """The stored outcome again: return the result, or raise the same error."""
    stored = _loads(outcome)
    if "error" in stored:
        raise deserialize(stored["error"])
    return stored["result"]


# -- the table --------------------------------------------------------------------------------

@functools.cache
def _recall_statement(table: sa.Table) -> sa.Select[Any]:
    """Built once per table: every command looks its key up, and building the select each
    time cost more than running it (bench: third round)."""
    return sa.select(table.c.outcome).where(table.c.request_key == sa.bindparam("key"),
                                            table.c.command == sa.bindparam("command"))


def recall(session: Any, table: sa.Table, key: str, command: str) -> str | None:
    row = session.execute(_recall_statement(table), {"key": key, "command": command}).first()
    return None if row is None else str(row.outcome)


def remember(session: Any, table: sa.Table, key: str, command: str, outcome: str) -> None:
    """Insert the outcome; a concurrent twin that got there first makes the flush fail
    (IntegrityError), and its transaction, change included, rolls back."""
    session.execute(table.insert(), {"request_key": key, "command": command, "outcome": outcome,
                                     "created_at": utcnow()})
    session.flush()


def prune(session: Any, table: sa.Table, now: datetime, keep: timedelta) -> int:
    result = session.execute(table.delete().where(table.c.created_at < now - keep))
    return int(result.rowcount or 0)


class PruneClock:
    """At most one prune per `interval` seconds per process: cheap enough to run after commands."""

    def __init__(self, interval: float = 300.0) -> None:
        self.interval, self._last, self._lock = interval, float("-inf"), threading.Lock()

    def due(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.interval:
                return False
            self._last = now
            return True


def guarded(fn: Callable[[], Any], what: str) -> None:
    """Housekeeping never fails a command that already succeeded."""
    try:
        fn()
    except Exception:
        log.warning("%s failed; will retry later", what, exc_info=True)
