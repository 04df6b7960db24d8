"""Operational routes: health and the catch-all 404."""
from typing import Any

import eventlet

from gateway.entrypoints import api
from gateway.routes.base import Routes
from gateway.schemas import Health
from shared.errors import NotFound

SERVICES = ("programmes", "grants", "metrics")
# A service silent this long is `unavailable`: /health answers within a second, whatever hangs.
HEALTH_PING_SECONDS = 0.8


class SystemRoutes(Routes):
    ops: Any   # GatewayOps and the *_ops proxies (short deadlines) of the service class

    @api("GET", "/health", access="public", response=Health, tags=["system"],
         summary="Liveness, whether the broker and the gateway's database are reachable and whether "
                 "each service answers with its database")
    def health(self, request):
        # The broker first (the readiness check: short, cached 1 s). With it away no ping can
        # arrive and each would wait out its deadline: say so at once instead of hanging.
        broker = "up" if self.ops.broker_ok() else "unavailable"

        def check(name):
            if name == "database":   # the gateway's own, bounded well under a second
                return name, "up" if self.ops.database_ok() else "unavailable"
            if broker != "up":
                return name, "unavailable"
            try:   # shorter than the probes' deadline; the service checks its database
                with eventlet.Timeout(HEALTH_PING_SECONDS):
                    answer = getattr(self, f"{name}_ops").ping()
                return name, "database_unavailable" if answer == "database_unavailable" else "up"
            except (Exception, eventlet.Timeout):  # the broker lost meanwhile, no consumer, too slow: never a 500
                return name, "unavailable"
        answers = dict(eventlet.GreenPool().imap(check, ("database", *SERVICES)))
        database = answers.pop("database")
        status = "ok" if broker == database == "up" and all(v == "up" for v in answers.values()) else "degraded"
        return {"status": status, "broker": broker, "database": database, "services": answers}

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>", access="public")
    def no_route(self, request, path):
        raise NotFound("route", "/" + path)
