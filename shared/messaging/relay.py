"""The outbox relay: publishes committed events that are not yet published, in
commit (id) order, with publisher confirms; marks them published only after the
broker confirmed. Runs right after each commit, at start-up and on a timer, so
an event committed just before a crash is published when the service restarts.
Delivery is at-least-once; consumers are idempotent through their inbox.

Replicas: on PostgreSQL a pass runs in one transaction that first takes a
transaction-scoped advisory lock (one relay per outbox at a time, so events leave
in id order: per-aggregate order is kept) and claims its batch with
`FOR UPDATE SKIP LOCKED`; the lock and claim are held while publishing and end
with the commit that marks the batch, so two replicas publish each row once in
the common case. A replica that finds the lock taken skips its pass. On SQLite
(one process per database file) the process lock and the run lock are enough.

Each message carries `x-producer-sequence` (its outbox id) and
`x-producer-previous` (the id of the event this outbox published just before it,
0 for none), so a consumer can restore the producer's order (the gateway feed)."""
import logging
import threading
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timezone
from typing import Any, NamedTuple

import sqlalchemy as sa

from shared.db import DbLock
from shared.events.fields import utcnow
from shared.messaging import topology
from shared.messaging.publisher import ConfirmingPublisher, NotConfirmed, Outgoing

log = logging.getLogger(__name__)

SEQUENCE_HEADER = "x-producer-sequence"
PREVIOUS_HEADER = "x-producer-previous"


class OutboxStats(NamedTuple):
    pending: int
    oldest_age_seconds: float   # 0.0 when nothing is pending


def outbox_stats(bind: sa.Engine | sa.Connection | Any, outbox: sa.Table) -> OutboxStats:
    """The backlog: pending rows and the age of the oldest (an engine, connection or session)."""
    q = (sa.select(sa.func.count(), sa.func.min(outbox.c.created_at))
         .where(outbox.c.published_at.is_(None)))
    if isinstance(bind, sa.Engine):
        with bind.connect() as conn:
            count, oldest = conn.execute(q).one()
    else:
        count, oldest = bind.execute(q).one()
    age = max((utcnow() - _aware(oldest)).total_seconds(), 0.0) if oldest is not None else 0.0
    return OutboxStats(int(count), age)


def _aware(value: Any) -> Any:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


class OutboxRelay:
    def __init__(self, engine: sa.Engine, outbox: sa.Table, publisher: ConfirmingPublisher,
                 *, batch_size: int = 200, db_lock: DbLock | None = None):
        self.engine = engine
        self.outbox = outbox
        self.publisher = publisher
        self.batch_size = batch_size
        self._run_lock = threading.Lock()   # one relay pass at a time per process
        self._db_lock = db_lock
        self._postgres = engine.dialect.name == "postgresql"
        # One advisory lock key per outbox table name (stable across processes).
        self._lock_key = zlib.crc32(f"outbox-relay:{outbox.name}".encode())
        # The statements of a pass, built once: a relay pass follows every commit that emitted
        # events, and building them was most of a pass's Python cost (bench: third round).
        o = outbox
        self._pending = (sa.select(o.c.id, o.c.event_id, o.c.event_type, o.c.producer, o.c.correlation_id, o.c.body)
                         .where(o.c.published_at.is_(None)).order_by(o.c.id).limit(batch_size))
        self._last = (sa.select(o.c.id).where(o.c.published_at.is_not(None))
                      .order_by(o.c.published_at.desc(), o.c.id.desc()).limit(1))
        self._mark = o.update().where(o.c.id.in_(sa.bindparam("ids", expanding=True)))

    def _locked(self) -> AbstractContextManager[object]:
        return self._db_lock or nullcontext()

    @contextmanager
    def _claim(self) -> Iterator[tuple[sa.Connection | None, list[sa.Row[Any]], int] | None]:
        """A transaction holding the next batch (PostgreSQL), the batch and the id published
        last; None if another replica is relaying."""
        q, last = self._pending, self._last
        if self._postgres:
            with self.engine.begin() as conn:
                if not conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(self._lock_key))).scalar():
                    yield None
                    return
                rows = list(conn.execute(q.with_for_update(skip_locked=True)).all())
                yield conn, rows, int(conn.execute(last).scalar() or 0)
        else:
            # SQLite: never hold the database while publishing (writers would wait on the broker).
            with self._locked(), self.engine.connect() as conn:
                rows = list(conn.execute(q).all())
                previous = int(conn.execute(last).scalar() or 0)
            yield None, rows, previous

    def _mark_published(self, conn: sa.Connection | None, ids: list[int]) -> None:
        params = {"ids": ids, "published_at": utcnow()}
        if conn is not None:
            conn.execute(self._mark, params)   # committed with the claim
            return
        with self._locked(), self.engine.begin() as own:
            own.execute(self._mark, params)

    def publish_pending(self) -> int:
        """Publish everything pending; returns how many events were published."""
        published = 0
        with self._run_lock:
            while True:
                error: Exception | None = None
                with self._claim() as claim:
                    if claim is None:
                        log.debug("another relay holds the outbox; skipping this pass")
                        return published
                    conn, rows, previous = claim
                    if not rows:
                        return published
                    done, error = self._publish(rows, previous)
                    # What the broker confirmed is marked even if a later publish failed.
                    if done:
                        self._mark_published(conn, done)
                        published += len(done)
                if error is not None:
                    raise error
                if len(rows) < self.batch_size:
                    return published

    def _publish(self, rows: list[sa.Row[Any]], previous: int) -> tuple[list[int], Exception | None]:
        """Publish the batch, then wait once for all its confirms (not one round trip per event)."""
        messages = []
        for row in rows:
            messages.append(Outgoing(row.body, topology.event_exchange(row.producer).name, row.event_type,
                                     {"nameko.correlation_id": row.correlation_id,
                                      SEQUENCE_HEADER: row.id, PREVIOUS_HEADER: previous}, row.event_id))
            previous = row.id
        try:
            self.publisher.publish_batch(messages)
        except NotConfirmed as exc:
            return [row.id for row in rows[:exc.confirmed]], exc
        except Exception as exc:
            return [], exc
        return [row.id for row in rows], None

    def pending_count(self) -> int:
        with self._locked():
            return outbox_stats(self.engine, self.outbox).pending

    def stats(self) -> OutboxStats:
        with self._locked():
            return outbox_stats(self.engine, self.outbox)
