"""The plan and the objective's progress (public)."""
from gateway.entrypoints import api


class MetricsRoutes:

    @api("GET", "/v1/plan")
    def get_plan(self, request):
        return self.metrics.get_plan(request.args.get("plan"))

    @api("GET", "/v1/objective/progress")
    def get_progress(self, request):
        return self.metrics.get_progress(request.args.get("plan"))
