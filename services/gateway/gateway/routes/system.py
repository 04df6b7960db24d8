"""Operational routes: health and the catch-all 404."""
from typing import Any

import eventlet

from gateway.entrypoints import api
from gateway.routes.base import Routes
from gateway.schemas import Health
from shared.errors import NotFound

SERVICES = ("programmes", "grants", "metrics")


class SystemRoutes(Routes):
    ops: Any   # GatewayOps and the *_ops proxies (short deadlines) of the service class

    @api("GET", "/health", access="public", response=Health, tags=["system"],
         summary="Liveness, whether the broker is reachable and whether each service answers")
    def health(self, request):
        # The broker first (the readiness check: short, cached 1 s). With it away no ping can
        # arrive and each would wait out its deadline: say so at once instead of hanging.
        broker = "up" if self.ops.broker_ok() else "unavailable"

        def ping(name):
            if broker != "up":
                return name, "unavailable"
            try:
                getattr(self, f"{name}_ops").ping()   # the probes' short deadline, not a request's
                return name, "up"
            except Exception:  # the broker lost meanwhile, no consumer, too slow: never a 500
                return name, "unavailable"
        services = dict(eventlet.GreenPool().imap(ping, SERVICES))
        status = "ok" if broker == "up" and all(v == "up" for v in services.values()) else "degraded"
        return {"status": status, "broker": broker, "services": services}

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>", access="public")
    def no_route(self, request, path):
        raise NotFound("route", "/" + path)
