"""Operational routes: health and the catch-all 404."""
import eventlet

from gateway.entrypoints import api
from gateway.routes.base import Routes
from gateway.schemas import Health
from shared.errors import NotFound, PlatformError

SERVICES = ("programmes", "grants", "metrics")


class SystemRoutes(Routes):

    @api("GET", "/health", access="public", response=Health, tags=["system"],
         summary="Liveness, and whether each service answers")
    def health(self, request):
        def ping(name):
            try:
                getattr(self, name).ping()
                return name, "up"
            except PlatformError:
                return name, "unavailable"
        services = dict(eventlet.GreenPool().imap(ping, SERVICES))
        status = "ok" if all(v == "up" for v in services.values()) else "degraded"
        return {"status": status, "services": services}

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>", access="public")
    def no_route(self, request, path):
        raise NotFound("route", "/" + path)
