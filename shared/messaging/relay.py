"""The outbox relay: publishes committed events that are not yet published, in
commit order, with publisher confirms; marks them published only after the
broker confirmed. Runs right after each commit, at start-up and on a timer, so
an event committed just before a crash is published when the service restarts.
Delivery is at-least-once; consumers are idempotent through their inbox."""
import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import sqlalchemy as sa

from shared.db import DbLock
from shared.events.fields import utcnow
from shared.messaging import topology
from shared.messaging.publisher import ConfirmingPublisher

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, engine: sa.Engine, outbox: sa.Table, publisher: ConfirmingPublisher,
                 *, batch_size: int = 200, db_lock: DbLock | None = None):
        self.engine = engine
        self.outbox = outbox
        self.publisher = publisher
        self.batch_size = batch_size
        self._run_lock = threading.Lock()   # one relay pass at a time per process
        self._db_lock = db_lock

    def _pending(self) -> list[sa.Row[Any]]:
        q = (sa.select(self.outbox.c.id, self.outbox.c.event_id, self.outbox.c.event_type,
                       self.outbox.c.producer, self.outbox.c.correlation_id, self.outbox.c.body)
             .where(self.outbox.c.published_at.is_(None))
             .order_by(self.outbox.c.id).limit(self.batch_size))
        with self._locked(), self.engine.connect() as conn:
            return list(conn.execute(q).all())

    def _locked(self) -> AbstractContextManager[object]:
        return self._db_lock or nullcontext()

    def _mark_published(self, ids: list[int]) -> None:
        with self._locked(), self.engine.begin() as conn:
            conn.execute(self.outbox.update().where(self.outbox.c.id.in_(ids))
                         .values(published_at=utcnow()))

    def publish_pending(self) -> int:
        """Publish everything pending; returns how many events were published."""
        published = 0
        with self._run_lock:
            while True:
                rows = self._pending()
                if not rows:
                    return published
                done: list[int] = []
                try:
                    for row in rows:
                        self.publisher.publish(
                            row.body, exchange=topology.event_exchange(row.producer),
                            routing_key=row.event_type, message_id=row.event_id,
                            headers={"nameko.correlation_id": row.correlation_id})
                        done.append(row.id)
                finally:
                    # What the broker confirmed is marked even if a later publish failed.
                    if done:
                        self._mark_published(done)
                        published += len(done)
                if len(rows) < self.batch_size:
                    return published

    def pending_count(self) -> int:
        with self._locked(), self.engine.connect() as conn:
            count: int = conn.execute(sa.select(sa.func.count()).select_from(self.outbox)
                                      .where(self.outbox.c.published_at.is_(None))).scalar_one()
            return count
