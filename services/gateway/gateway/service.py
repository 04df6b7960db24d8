"""The gateway: one HTTP JSON API under /v1 over the platform's services."""
from gateway.consumers import FeedConsumers, ProgressConsumer
from gateway.dependencies import GatewayState
from gateway.ops import GatewayOps
from gateway.routes.attribution import AttributionRoutes
from gateway.routes.audit import AuditRoutes
from gateway.routes.dashboard import DashboardRoutes
from gateway.routes.docs import DocsRoutes
from gateway.routes.events import EventRoutes
from gateway.routes.grant_payments import GrantPaymentRoutes
from gateway.routes.grants import GrantRoutes
from gateway.routes.iati import IatiRoutes
from gateway.routes.iati_import import IatiImportRoutes
from gateway.routes.keys import KeyRoutes
from gateway.routes.metrics import MetricsRoutes
from gateway.routes.narratives import NarrativeRoutes
from gateway.routes.operations import OperationsRoutes
from gateway.routes.programmes import ProgrammeRoutes
from gateway.routes.reporting import ReportingRoutes
from gateway.routes.review_panel import ReviewPanelRoutes
from gateway.routes.spreadsheets import SpreadsheetRoutes
from gateway.routes.system import SystemRoutes
from gateway.routes.webhooks import WebhookRoutes
from gateway.rpc import LongRpc, ServiceRpc


class GatewayService(SystemRoutes, OperationsRoutes, DocsRoutes, DashboardRoutes, KeyRoutes, WebhookRoutes, EventRoutes,
                     AuditRoutes, AttributionRoutes, MetricsRoutes, ProgrammeRoutes, GrantRoutes, ReviewPanelRoutes,
                     GrantPaymentRoutes, IatiRoutes, IatiImportRoutes, ReportingRoutes, NarrativeRoutes,
                     SpreadsheetRoutes, FeedConsumers, ProgressConsumer):
    name = "gateway"

    programmes = ServiceRpc("programmes")
    programmes_import = LongRpc("programmes", "IATI_IMPORT_DEADLINE_SECONDS", 300)
    grants = ServiceRpc("grants")
    metrics = ServiceRpc("metrics")
    state = GatewayState()
    ops = GatewayOps()  # readiness, dead letters, RPC timing (gateway.routes.operations)
    # Short deadlines for probes and scrapes (OPS_RPC_DEADLINE_SECONDS): a slow service must not hold them.
    programmes_ops = LongRpc("programmes", "OPS_RPC_DEADLINE_SECONDS", 2)
    grants_ops = LongRpc("grants", "OPS_RPC_DEADLINE_SECONDS", 2)
    metrics_ops = LongRpc("metrics", "OPS_RPC_DEADLINE_SECONDS", 2)
