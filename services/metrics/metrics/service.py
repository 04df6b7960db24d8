"""nameko entrypoints of the metrics service: thin, all logic is in handlers."""
from nameko.dependency_providers import Config

from metrics import attribution, drilldown, handlers
from metrics.dependencies import Projector, backbone
from metrics.publisher import ProgressPublisher, configured_timer
from shared import failpoints
from shared.actors import Actor
from shared.errors import PlatformError
from shared.messaging.subscriptions.metrics import EVENT_KINDS, EVENT_TYPES
from shared.runtime.consuming import rpc
from shared.runtime.events import reliable_event_handler
from shared.runtime.ops import Ops


class MetricsService:
    name = "metrics"

    config = Config()
    uow = backbone()
    project = Projector()   # the events delivered together, in one transaction
    ops = Ops(projection=True)  # METRICS_PORT: /metrics, /livez, /readyz; RPC timing (shared.runtime.ops)
    publisher = ProgressPublisher()

    def _apply(self, envelope):
        failpoints.hit(f"metrics.apply.{envelope.type}")  # tests: =sleep:S holds an event in hand
        if self.project(envelope):
            # Results, money and applications (an award, a rejection) are what the writes that hand
            # out consistency tokens produce: their tokens go out with the next publish even when the
            # figures stay the same, so a waiting reader learns it at once.
            moves = EVENT_KINDS.get(envelope.type) in ("result", "money", "application")
            self.publisher.changed(envelope.correlation_id if moves else None)

    @configured_timer("PROGRESS_REEVALUATE_INTERVAL", 60.0)
    def reevaluate(self):
        """Time-dependent status (on_track, at_risk, ...) moves with the date: re-check every plan."""
        self.publisher.reevaluate()

    @rpc(expected_exceptions=PlatformError)
    def get_plan(self, plan_id=None):
        return handlers.get_plan(plan_id)

    @rpc
    def list_plans(self):
        return handlers.list_plans()

    @rpc(expected_exceptions=PlatformError)
    def get_progress(self, plan_id=None, as_of=None):
        return handlers.get_progress(self.uow(), plan_id, as_of)

    @rpc(expected_exceptions=PlatformError)
    def get_breakdown(self, dimension, plan_id=None, as_of=None):
        return handlers.get_breakdown(self.uow(), dimension, plan_id, as_of)

    @rpc(expected_exceptions=PlatformError)
    def get_attribution(self, plan_id=None, as_of=None, contributor=None):
        return attribution.get_attribution(self.uow(), plan_id, as_of, contributor)

    @rpc(expected_exceptions=PlatformError)
    def list_figure_results(self, figure, plan_id=None, as_of=None, actor=None, limit=50, cursor=None,
                            filters=None):
        """The approved results behind a figure (narrowed by `filters`: metrics.drill_filters), as
        the caller may see them (metrics.drilldown)."""
        return drilldown.list_results(self.uow(), figure, plan_id, as_of, actor=Actor.from_wire(actor), limit=limit,
                                      cursor=cursor, filters=filters)

    @rpc(expected_exceptions=PlatformError)
    def get_history(self, plan_id=None, as_of=None):
        return handlers.get_history(self.uow(), plan_id, as_of)

    @rpc(expected_exceptions=PlatformError)
    def get_pipeline(self, plan_id=None, as_of=None):
        return handlers.get_pipeline(self.uow(), plan_id, as_of)

    @rpc
    def reconcile(self):
        """Recompute from the programmes and grants outboxes and report any drift."""
        from metrics import sources
        return handlers.reconcile(self.uow(), sources.events(sources.urls(self.config)))

    @rpc
    def ping(self):
        """"pong", or "database_unavailable" when its database does not answer (the gateway's /health)."""
        return self.ops.ping()

    @rpc
    def ops_state(self):
        """Readiness, outbox backlog, dead letters (what the gateway's /metrics and `platformctl status` show)."""
        return self.ops.state()


def _event_handler(event_type):
    def handle(self, envelope):
        self._apply(envelope)
    handle.__name__ = handle.__qualname__ = "on_" + event_type.replace(".", "_")
    handle.__doc__ = f"Project `{event_type}`."
    return reliable_event_handler(event_type)(handle)


for _event_type in EVENT_TYPES:
    setattr(MetricsService, "on_" + _event_type.replace(".", "_"), _event_handler(_event_type))
