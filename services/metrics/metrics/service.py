"""nameko entrypoints of the metrics service: thin, all logic is in handlers."""
from nameko.rpc import rpc

from shared.errors import PlatformError
from shared.runtime.events import reliable_event_handler
from metrics import handlers
from metrics.dependencies import backbone


class MetricsService:
    name = "metrics"

    uow = backbone()

    @reliable_event_handler("programme.created")
    def on_programme_created(self, envelope):
        handlers.apply_event(self.uow(), envelope)

    @reliable_event_handler("result.recorded")
    def on_result_recorded(self, envelope):
        handlers.apply_event(self.uow(), envelope)

    @reliable_event_handler("result.approved")
    def on_result_approved(self, envelope):
        handlers.apply_event(self.uow(), envelope)

    @reliable_event_handler("result.revised")
    def on_result_revised(self, envelope):
        handlers.apply_event(self.uow(), envelope)

    @reliable_event_handler("grant.awarded")
    def on_grant_awarded(self, envelope):
        handlers.apply_event(self.uow(), envelope)

    @reliable_event_handler("grant.committed")
    def on_grant_committed(self, envelope):
        handlers.apply_event(self.uow(), envelope)

    @rpc(expected_exceptions=PlatformError)
    def get_plan(self, plan_id=None):
        return handlers.get_plan(plan_id)

    @rpc
    def list_plans(self):
        return handlers.list_plans()

    @rpc(expected_exceptions=PlatformError)
    def get_progress(self, plan_id=None):
        return handlers.get_progress(self.uow(), plan_id)

    @rpc
    def ping(self):
        return "pong"
