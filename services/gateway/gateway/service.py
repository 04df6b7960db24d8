"""The gateway: one HTTP JSON API under /v1 over the platform's services."""
import eventlet

from shared.errors import InvalidInput, NotFound, PlatformError
from shared.runtime.rpc import DeadlineRpc
from gateway.entrypoints import api, json_body

SERVICES = ("programmes", "grants", "metrics")


class GatewayService:
    name = "gateway"

    programmes = DeadlineRpc("programmes")
    grants = DeadlineRpc("grants")
    metrics = DeadlineRpc("metrics")

    @api("GET", "/health")
    def health(self, request):
        def ping(name):
            try:
                getattr(self, name).ping()
                return name, "up"
            except PlatformError:
                return name, "unavailable"
        pool = eventlet.GreenPool()
        services = dict(pool.imap(ping, SERVICES))
        status = "ok" if all(v == "up" for v in services.values()) else "degraded"
        return {"status": status, "services": services}

    @api("GET", "/v1/plan")
    def get_plan(self, request):
        return self.metrics.get_plan(request.args.get("plan"))

    @api("GET", "/v1/objective/progress")
    def get_progress(self, request):
        return self.metrics.get_progress(request.args.get("plan"))

    @api("POST", "/v1/programmes")
    def create_programme(self, request):
        return 201, self.programmes.create_programme(json_body(request))

    @api("GET", "/v1/programmes/<string:programme_id>")
    def get_programme(self, request, programme_id):
        return self.programmes.get_programme(programme_id)

    @api("POST", "/v1/programmes/<string:programme_id>/results")
    def record_result(self, request, programme_id):
        return 201, self.programmes.record_result(programme_id, json_body(request))

    @api("POST", "/v1/grants")
    def award_grant(self, request):
        body = json_body(request)
        programme_id = body.get("programme_id")
        if isinstance(programme_id, str) and programme_id:
            try:
                self.programmes.get_programme(programme_id)
            except NotFound:
                raise InvalidInput({"programme_id": [f"no programme with id {programme_id!r}"]}) from None
        return 201, self.grants.award_grant(body)

    @api("GET", "/v1/grants/<string:grant_id>")
    def get_grant(self, request, grant_id):
        return self.grants.get_grant(grant_id)

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>")
    def no_route(self, request, path):
        raise NotFound("route", "/" + path)
