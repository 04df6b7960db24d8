"""nameko glue for the backbone: a dependency giving workers a unit of work whose
commit wakes the outbox relay, and the relay itself as a managed greenthread."""
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

import sqlalchemy as sa
from kombu import Connection
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider

from shared import failpoints
from shared.config import database_url
from shared.db import create_engine, session_factory
from shared.messaging import topology
from shared.messaging.publisher import DEFAULT_CONFIRM_TIMEOUT, DEFAULT_HEARTBEAT, ConfirmingPublisher
from shared.messaging.relay import OutboxRelay, OutboxStats
from shared.runtime.logcontext import set_correlation_id
from shared.uow import UnitOfWork, process_lock

log = logging.getLogger(__name__)

Work = TypeVar("Work", bound=UnitOfWork)


def correlation_id_of(worker_ctx: WorkerContext) -> str:
    """The request's correlation id, created once per call chain if absent."""
    cid = worker_ctx.data.get("correlation_id")
    if not cid:
        cid = worker_ctx.data["correlation_id"] = str(uuid.uuid4())
    return str(cid)


class Backbone(DependencyProvider, Generic[Work]):
    """Injects a factory of `uow_cls` units of work bound to the service's own database."""

    def __init__(self, uow_cls: type[Work], outbox: sa.Table, inbox: sa.Table) -> None:
        self.uow_cls, self.outbox, self.inbox = uow_cls, outbox, inbox

    def setup(self) -> None:
        config = self.container.config
        self.service_name = self.container.service_name
        self.engine = create_engine(config.get("DATABASE_URL") or database_url(self.service_name))
        self.sessions = session_factory(self.engine)
        self.db_lock = process_lock(self.engine)
        self.amqp_uri = config["AMQP_URI"]
        self.heartbeat = int(config.get("OUTBOX_RELAY_HEARTBEAT", DEFAULT_HEARTBEAT))
        publisher = ConfirmingPublisher(
            self.amqp_uri, heartbeat=self.heartbeat,
            confirm_timeout=float(config.get("OUTBOX_RELAY_CONFIRM_TIMEOUT", DEFAULT_CONFIRM_TIMEOUT)))
        self.relay = OutboxRelay(self.engine, self.outbox, publisher, db_lock=self.db_lock)
        self.interval = float(config.get("OUTBOX_RELAY_INTERVAL", 1.0))
        self.max_backoff = float(config.get("OUTBOX_RELAY_MAX_BACKOFF", 30.0))
        self._wake = threading.Event()
        self._running = False

    def start(self) -> None:
        with Connection(self.amqp_uri) as conn:  # type: ignore[no-untyped-call]
            topology.declare(conn, topology.entities_for(producer=self.service_name)
                             + topology.entities_for(consumer=self.service_name))
        self._running = True
        self.container.spawn_managed_thread(self._relay_loop, identifier="outbox-relay")

    def stop(self) -> None:
        self._running = False
        self._wake.set()

    def kill(self) -> None:
        self.stop()

    def wake(self) -> None:
        self._wake.set()

    def outbox_stats(self) -> OutboxStats:
        """Pending outbox rows and the age of the oldest (for health and metrics)."""
        return self.relay.stats()

    def _relay_loop(self) -> None:
        backoff = self.interval
        # Wake often enough to service the heartbeat of an idle connection (heartbeat/2 at most).
        tick = min(self.interval, self.heartbeat / 4) if self.heartbeat else self.interval
        next_pass = 0.0
        while self._running:
            if self._wake.is_set() or time.monotonic() >= next_pass:
                self._wake.clear()
                try:
                    failpoints.hit(f"outbox.relay.{self.service_name}")  # e.g. =sleep:600: a stopped relay
                    self.relay.publish_pending()
                    backoff = self.interval
                except Exception:
                    log.warning("outbox relay could not publish; retrying in %.1fs", backoff, exc_info=True)
                    backoff = min(max(backoff, 0.1) * 2, self.max_backoff)
                next_pass = time.monotonic() + backoff
            else:
                self.relay.publisher.heartbeat_check()
            self._wake.wait(timeout=max(min(tick, next_pass - time.monotonic()), 0.01))
        self.relay.publisher.close()

    def make_uow(self, correlation_id: str | None = None) -> Work:
        return self.uow_cls(self.sessions, self.outbox, self.inbox, producer=self.service_name,
                            correlation_id=correlation_id, after_commit=self.wake, lock=self.db_lock)

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        set_correlation_id(correlation_id_of(worker_ctx))

    def worker_teardown(self, worker_ctx: WorkerContext) -> None:
        set_correlation_id(None)

    def get_dependency(self, worker_ctx: WorkerContext) -> Callable[[], Work]:
        cid = correlation_id_of(worker_ctx)
        return lambda: self.make_uow(cid)
