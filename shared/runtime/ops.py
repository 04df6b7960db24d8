"""`Ops`: one nameko dependency that gives a service its operational face.

- its state for operators (`state()`, what the `ops_state` RPC returns): readiness
  (broker and database), outbox backlog, dead-letter depth, projection lag;
- the HTTP listener on METRICS_PORT (/metrics, /livez, /readyz: shared.runtime.ops_http);
- RPC timing (platform_rpc_duration_seconds) and the event being handled on each log
  line (shared.runtime.logcontext), both from the worker's life cycle.
Each figure that cannot be read (broker away, say) is left out, never reported as 0."""
import logging
import time
from datetime import datetime
from typing import Any

import eventlet
import sqlalchemy as sa
from kombu import Connection
from nameko.containers import WorkerContext
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc

from shared.events import Envelope
from shared.events.fields import utcnow
from shared.messaging import topology
from shared.runtime.backbone import Backbone
from shared.runtime.events import ReliableEventHandler
from shared.runtime.logcontext import set_event
from shared.runtime.readiness import HEALTH_TIMEOUT_SECONDS, TIMEOUT_SECONDS, Readiness, broker_check, database_check
from shared.runtime.telemetry import RPC_DURATION

log = logging.getLogger(__name__)


class Ops(DependencyProvider):
    """`projection=True` (the metrics service) adds platform_projection_lag_seconds."""

    def __init__(self, *, projection: bool = False) -> None:
        self.projection = projection

    def setup(self) -> None:
        config = self.container.config
        self.service = self.container.service_name
        self.amqp_uri = config["AMQP_URI"]
        self.port = int(config.get("METRICS_PORT") or 0)
        self.address = str(config.get("METRICS_ADDRESS") or "0.0.0.0")
        self.readiness = Readiness({"broker": lambda: broker_check(self.amqp_uri),
                                    "database": lambda: database_check(self.engine())})
        self.health = Readiness({"database": lambda: database_check(self.engine(), HEALTH_TIMEOUT_SECONDS)})
        self._started: dict[int, float] = {}
        self.server: Any = None

    def start(self) -> None:
        if self.port:
            from shared.runtime.ops_http import OpsServer
            try:
                self.server = OpsServer(self, self.address, self.port)
            except OSError as exc:  # the port is taken: the service still works, its probes say so
                log.error("no metrics listener on %s:%d: %s", self.address, self.port, exc)
                return
            self.container.spawn_managed_thread(self.server.serve, identifier="ops-http")

    def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx: WorkerContext) -> "Ops":
        return self

    # -- what the service is made of ----------------------------------------------------------

    def engine(self) -> sa.Engine:
        return self._backbone().engine

    def _backbone(self) -> Backbone[Any]:
        return next(d for d in self.container.dependencies if isinstance(d, Backbone))

    def _router(self) -> ReliableEventHandler | None:
        return next((e for e in self.container.entrypoints
                     if isinstance(e, ReliableEventHandler) and e.is_router), None)

    # -- the state ----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        report = self.readiness.report()
        broker = report["checks"]["broker"]["ok"]  # the broker away: its figures are unknown, not asked for
        return {"service": self.service, "up": True, "ready": report["ready"], "checks": report["checks"],
                "outbox": self.outbox(), "dead_letters": self.dead_letters() if broker else {},
                "projection_lag_seconds": self.projection_lag() if self.projection and broker else None}

    def broker_ok(self) -> bool:
        return bool(self.readiness.run()["broker"]["ok"])

    def database_ok(self) -> bool:
        """Whether the database answers `SELECT 1` within HEALTH_TIMEOUT_SECONDS (cached 1 s)."""
        try:
            return bool(self.health.run()["database"]["ok"])
        except Exception:  # the engine itself could not be made (the gateway's store not set up)
            return False

    def ping(self) -> str:
        """What a service's `ping` RPC answers, for the gateway's /health."""
        return "pong" if self.database_ok() else "database_unavailable"

    def outbox(self) -> dict[str, float] | None:
        if not any(isinstance(d, Backbone) for d in self.container.dependencies):
            return None
        try:
            with eventlet.Timeout(TIMEOUT_SECONDS):
                stats = self._backbone().outbox_stats()
            return {"pending": stats.pending, "oldest_age_seconds": round(stats.oldest_age_seconds, 3)}
        except (Exception, eventlet.Timeout):
            log.warning("could not read the outbox backlog", exc_info=True)
            return None

    def dead_letters(self) -> dict[str, int | None]:
        if self._router() is None:
            return {}
        name = topology.dead_letter_queue(self.service).name
        return {name: self._queue_depth(name)}

    def _queue_depth(self, name: str) -> int | None:
        try:
            with eventlet.Timeout(TIMEOUT_SECONDS), Connection(self.amqp_uri) as conn:  # type: ignore[no-untyped-call]
                _, count, _ = conn.default_channel.queue_declare(queue=name, passive=True)
                return int(count)
        except (Exception, eventlet.Timeout):
            return None

    def projection_lag(self) -> float | None:
        """Now minus occurred_at of the oldest event received but not yet applied; with none in
        hand, of the last applied event while more wait in the queue; 0 when caught up."""
        router = self._router()
        if router is None:
            return None
        oldest: datetime | None = min(router.in_flight.values(), default=None)
        if oldest is None and router.last_applied is not None:
            waiting = self._queue_depth(topology.queue_name(self.service))
            if waiting is None:
                return None
            oldest = router.last_applied if waiting else None
        return round(max((utcnow() - oldest).total_seconds(), 0.0), 3) if oldest is not None else 0.0

    # -- the worker's life cycle ----------------------------------------------------------------

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        self._started[id(worker_ctx)] = time.perf_counter()
        if isinstance(worker_ctx.entrypoint, EventHandler) and worker_ctx.args:
            event = worker_ctx.args[0]  # an Envelope (reliable handlers) or the body as received
            if isinstance(event, Envelope):
                set_event(event.event_id, event.type)
            elif isinstance(event, dict):
                set_event(_text(event.get("event_id")), _text(event.get("type")))

    def worker_result(self, worker_ctx: WorkerContext, result: Any = None, exc_info: Any = None) -> None:
        started = self._started.pop(id(worker_ctx), None)
        if started is not None and isinstance(worker_ctx.entrypoint, Rpc):
            RPC_DURATION.labels(self.service, worker_ctx.entrypoint.method_name).observe(
                time.perf_counter() - started)

    def worker_teardown(self, worker_ctx: WorkerContext) -> None:
        self._started.pop(id(worker_ctx), None)
        set_event(None, None)


def _text(value: object) -> str | None:
    return value[:200] if isinstance(value, str) else None
