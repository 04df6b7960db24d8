"""The live dashboard (docs/dashboard.md): the page and its assets (shipped in the gateway
package: no CDN, works offline), the cities reached with their coordinates for its map, and
the live stream of progress changes (server-sent events, gateway.live)."""
import time
from importlib import resources
from typing import Any

import eventlet
from werkzeug.wrappers import Response

from gateway.entrypoints import actor_of, api, query_of
from gateway.progress import resolve_plan
from gateway.routes.base import Routes
from gateway.schemas import MapOut, StreamQuery
from shared.api import metrics as m
from shared.errors import NotFound, PlatformError

TAGS = ["dashboard"]
ASSETS = {"dashboard.css": "text/css", "dashboard.js": "text/javascript", "format.js": "text/javascript",
          "charts.js": "text/javascript", "map.js": "text/javascript", "world-110m.json": "application/json"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CITY_TTL = 300.0   # seconds a city's record (its coordinates) is reused for the map

_files: dict[str, bytes] = {}
_cities: dict[str, tuple[float, dict[str, Any] | None]] = {}


def shipped(name: str) -> bytes:
    if name not in _files:
        _files[name] = resources.files("gateway").joinpath("dashboard", name).read_bytes()
    return _files[name]


class DashboardRoutes(Routes):

    @api("GET", "/dashboard", access="public", media="text/html", tags=TAGS,
         summary="The live dashboard of progress towards the objective (HTML)")
    def dashboard(self, request):
        return Response(shipped("index.html"), mimetype="text/html", headers={"Content-Security-Policy": CSP})

    @api("GET", "/dashboard/assets/<string:name>", access="public", tags=TAGS,
         media=tuple(sorted(set(ASSETS.values()))), summary="The dashboard's scripts, styles and map data")
    def dashboard_asset(self, request, name):
        if name not in ASSETS:
            raise NotFound("asset", name)
        return Response(shipped(name), mimetype=ASSETS[name], headers={"Cache-Control": "public, max-age=3600"})

    @api("GET", "/v1/objective/map", access="public", query=m.ProgressQuery, response=MapOut, tags=["plan"],
         summary="The cities reached, with their coordinates when known (the dashboard's map)")
    def get_objective_map(self, request):
        query = query_of(request)
        as_of = query.get("as_of")
        breakdown = self.metrics.get_breakdown("city", query.get("plan"), as_of.isoformat() if as_of else None)
        actor = actor_of(request).to_wire()

        def place(item):
            record = self._city(item["key"], actor) or {}
            return {"key": item["key"], "name": item["name"] or record.get("name"), "country": record.get("country"),
                    "latitude": _str(record.get("latitude")), "longitude": _str(record.get("longitude")),
                    "figures": item["figures"]}
        items = [i for i in breakdown["items"] if i["key"] is not None]
        cities = list(eventlet.GreenPool(8).imap(place, items))
        return {"plan_id": breakdown["plan_id"], "as_of": breakdown["as_of"], "cities": cities}

    def _city(self, city_id: str, actor) -> dict[str, Any] | None:
        cached = _cities.get(city_id)
        if cached is not None and time.monotonic() - cached[0] < CITY_TTL:
            return cached[1]
        try:
            record = self.programmes.get_city(city_id, actor=actor)
        except NotFound:
            record = None
        except PlatformError:   # programmes away: the city is placed by nothing rather than failing the map
            return None
        _cities[city_id] = (time.monotonic(), record)
        return record

    @api("GET", "/v1/objective/progress/stream", access="public", query=StreamQuery, media="text/event-stream",
         streamed=True, documented=False, tags=TAGS)
    def progress_stream(self, request):
        query = query_of(request)
        plan_id = resolve_plan(query.get("plan"))
        last_event_id = request.headers.get("Last-Event-ID") or query.get("last_event_id")
        self.state.live.admit()
        # eventlet's WSGI server buffers small writes (4 KiB): each event must leave at once
        request.environ["eventlet.minimum_write_chunk_size"] = 0
        view = self.state.progress
        chunks = self.state.live.stream(plan_id, lambda: view.latest(plan_id), last_event_id)
        return Response(chunks, mimetype="text/event-stream", direct_passthrough=True,
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
