"""The gateway's shared.runtime.ops dependency: its database is the GatewayStore's, and it
serves /metrics, /livez and /readyz on its API port (gateway.routes.operations), not on
a METRICS_PORT of its own."""
import sqlalchemy as sa

from gateway.store import GatewayStore
from shared.runtime.ops import Ops


class GatewayOps(Ops):
    store_extension = GatewayStore()

    def engine(self) -> sa.Engine:
        return self.store_extension.ensure().store.engine
