"""The gateway: one HTTP JSON API under /v1 over the platform's services."""
from shared.runtime.rpc import DeadlineRpc
from gateway.routes.grants import GrantRoutes
from gateway.routes.metrics import MetricsRoutes
from gateway.routes.programmes import ProgrammeRoutes
from gateway.routes.system import SystemRoutes


class GatewayService(SystemRoutes, MetricsRoutes, ProgrammeRoutes, GrantRoutes):
    name = "gateway"

    programmes = DeadlineRpc("programmes")
    grants = DeadlineRpc("grants")
    metrics = DeadlineRpc("metrics")
