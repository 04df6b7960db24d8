"""The gateway's HTTP entrypoint: authentication and authorisation from each route's
`access` (gateway.access), rate limiting, request validation from its schemas, idempotent
POSTs, conditional GETs (ETag), CSV for lists, the audit log, problem details for every
error, and a correlation id (X-Request-ID) that follows the request through RPC and events.

Routes import what they read of a request from here: `actor_of`, `json_body`, `query_of`."""
import json
import logging
import time
import uuid
from functools import partial

from eventlet.event import Event
from marshmallow import ValidationError
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.wrappers import Response

from gateway import auth, idempotency, idempotency_keys, idempotency_release, problems
from gateway.access import ACCESS_LEVELS, authorise
from gateway.dependencies import GatewayState
from gateway.progress import TOKEN_HEADER, WAITED, resolve_plan
from gateway.representation import as_csv, conditional, wants_csv
from gateway.request import (
    actor_of,
    client_of,
    json_body,
    query_of,
    request_id_of,
    set_actor,
    set_client,
    undecodable_parameters,
)
from gateway.store import GatewayStore
from shared import text
from shared.actors import ANONYMOUS, SCOPES, Actor
from shared.commands import CONTEXT_KEY
from shared.errors import InvalidInput, NotFound, flatten_messages
from shared.runtime.telemetry import HTTP_DURATION, HTTP_REQUESTS

__all__ = ["ApiEndpoint", "actor_of", "api", "json_body", "query_of"]

log = logging.getLogger(__name__)

KEY_QUERY_PARAMETERS = ("api_key", "apikey", "access_token", "token")
BODY_METHODS = ("POST", "PUT", "PATCH")
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class ApiEndpoint(HttpRequestHandler):
    """`@api(method, url, access=..., body=..., query=..., response=..., status=..., tags=...)`.

    The keyword arguments describe the route for authentication and for the OpenAPI
    document: `access` is "public" (no key needed) or the least role allowed
    ("reader" < "partner" < "admin"), "admin" when not given (deny by default); the route
    then needs its scopes too (`read` for GET, `write` otherwise, plus `admin` on admin
    routes; `scope="review"` names the scope a route needs instead of its method's);
    `body`, `query` and `response` are marshmallow schema classes (from shared.api);
    `status` is the success status; `csv=True` offers the list as text/csv too;
    `idempotent=False` turns Idempotency-Key handling off for a POST; `media` names the
    success response's content types when they are not JSON (for the OpenAPI document);
    `body_media` the request body's when it is not JSON (the route reads and checks it);
    `streamed=True` says the body is written as it is produced: no ETag, no 304;
    `documented=False` leaves the route out of the OpenAPI document (an endless event stream,
    which OpenAPI cannot describe and a fuzzer would wait on);
    `consistency="token"` marks a write that moves the objective (its success carries
    Platform-Consistency-Token), `consistency="wait"` the read that takes `wait_for`;
    `view(state, request)` answers a read from the gateway's own memory (`GatewayState`) in the
    request's greenthread, without a nameko worker (no dependencies to inject, no RPC), or returns
    None to let the route run."""

    store_extension = GatewayStore()

    def __init__(self, method, url, *, access="admin", scope=None, body=None, query=None, response=None,
                 status=200, tags=(), summary=None, description=None, csv=False, idempotent=True,
                 responses=None, media=("application/json",), body_media=None, streamed=False, documented=True,
                 consistency=None, view=None, **kwargs):
        if access not in ACCESS_LEVELS:
            raise ValueError(f"access must be one of {ACCESS_LEVELS}, not {access!r}")
        if scope is not None and scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
        super().__init__(method, url, **kwargs)
        self.access, self.scope, self.body_schema, self.query_schema = access, scope, body, query
        self.response_schema, self.success_status = response, status
        self.tags, self.summary, self.description = tuple(tags), summary, description
        self.csv, self.idempotent, self.extra_responses = csv, idempotent, dict(responses or {})
        self.media = (media,) if isinstance(media, str) else tuple(media)
        self.streamed, self.documented, self.consistency = streamed, documented, consistency
        self.view = view
        self.body_media = body_media   # a body that is not JSON (e.g. "application/xml"): the route reads it

    def stop(self):
        try:   # before the web server goes: the requests it cuts must not hold retries off
            idempotency_release.release_in_flight(self.store)
        except Exception:
            log.warning("releasing Idempotency-Key claims in flight failed", exc_info=True)
        super().stop()

    def setup(self):
        super().setup()
        self.store = self.store_extension.ensure().store
        self.limiter = self.store_extension.ensure().limiter
        self.proxies = self.store_extension.ensure().proxies
        self.writes = self.store_extension.ensure().writes
        self.claim_seconds = idempotency_keys.claim_seconds(self.container.config)
        self.claim_wait = idempotency_keys.claim_wait(self.container.config)
        self._query = self.query_schema() if self.query_schema else None
        self._body = self.body_schema() if self.body_schema else None
        self.catch_all = "<path:" in self.url and self.url.startswith("/<")
        self._query_defaults = None
        if self._query is not None:
            try:
                self._query_defaults = self._query.load({})
            except ValidationError:  # a required parameter: validate every request
                pass

    # -- the request ------------------------------------------------------------------------

    def handle_request(self, request):
        started = time.perf_counter()
        request.shallow = False
        request_id = request_id_of(request)
        request.environ["platform.request_id"] = request_id
        try:
            set_client(request, self.proxies)
            response = self._handle(request, request_id)
        except Exception as exc:  # never a stack trace to the client
            response = problems.from_exception(exc, request_id)
        # Answered once its audit entry and stored response committed (grouped: gateway.request_writes).
        response = self.writes.record(request, request_id, self.method_name, response)
        response.headers["X-Request-ID"] = request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-cache" if response.status_code in (200, 304) \
                and request.method == "GET" else "no-store"
        labels = (self.url, request.method, str(response.status_code))  # the route's pattern: bounded
        HTTP_REQUESTS.labels(*labels).inc()
        HTTP_DURATION.labels(*labels).observe(time.perf_counter() - started)
        return response

    def _handle(self, request, request_id):
        if self.catch_all:
            self._method_not_allowed(request)
        for name in KEY_QUERY_PARAMETERS:
            if name in request.args:
                raise problems.BadRequest(
                    "never put an API key in the URL (it ends up in logs and browser history); "
                    "send it as 'Authorization: Bearer <key>'")
        try:
            actor = self._authenticate(request)
        except problems.Unauthenticated:
            # Failed attempts spend the address's tokens: guessing keys is rate limited too.
            wait = self.limiter.check("ip:" + client_of(request))
            if wait:
                raise problems.RateLimited(wait) from None
            raise
        set_actor(request, actor)
        wait = self.limiter.check(actor.key_id if actor.kind == "key" and actor.key_id else "ip:" + client_of(request))
        if wait:
            raise problems.RateLimited(wait)
        authorise(actor, self.access, request.method, self.scope)
        self._validate(request)
        if self.consistency == "wait" and query_of(request).get("wait_for") is not None:
            self._wait_for_write(request)

        def run() -> Response:
            try:
                return self._run(request, request_id)
            except Exception as exc:
                return problems.from_exception(exc, request_id)

        if request.method == "POST" and self.idempotent:
            response = idempotency.around(self.store, request, actor, run, lease=self.claim_seconds,
                                          wait=self.claim_wait, deferred=True)
        else:
            response = run()
        return conditional(request, response)

    def _run(self, request, request_id):
        if self.view is not None:
            response = self.view(self._state(), request)
            if response is not None:
                return response
        args, kwargs = self.get_entrypoint_parameters(request)
        self.check_signature(args, kwargs)
        event = Event()
        # The request key: the services run each command once per key (shared.commands).
        request_key = request.environ.get(idempotency_keys.REQUEST_KEY) or f"req:{request_id}:{uuid.uuid4().hex}"
        self.container.spawn_worker(self, args, kwargs, handle_result=partial(self.handle_result, event),
                                    context_data={"correlation_id": request_id, CONTEXT_KEY: request_key})
        response = self.response_from_result(event.wait())
        if self.consistency == "token" and 200 <= response.status_code < 300:
            response.headers[TOKEN_HEADER] = request_id   # its events' correlation id (gateway.progress)
        if self.csv and response.status_code == 200 and response.mimetype == "application/json" \
                and wants_csv(request):
            return as_csv(response)
        return response

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, headers = self.success_status, dict[str, str]()
        if isinstance(result, tuple):
            if len(result) == 3:
                status, headers, result = result
            else:
                status, result = result
        return Response(json.dumps(result, default=str), status=status, headers=headers,
                        mimetype="application/json")

    # -- the steps ---------------------------------------------------------------------------

    def _wait_for_write(self, request):
        """Wait (bounded) until the progress view includes the write named by `wait_for`; here,
        in the request's own greenthread, so a waiting reader holds none of the service's workers."""
        query = query_of(request)
        request.environ[WAITED] = self._state().progress.wait_for(resolve_plan(query.get("plan")), query["wait_for"],
                                                          query["wait"])

    def _state(self) -> GatewayState:
        """The service's GatewayState (its progress view): found once."""
        if getattr(self, "_gateway_state", None) is None:
            self._gateway_state = next(d for d in self.container.dependencies if isinstance(d, GatewayState))
        return self._gateway_state

    def _method_not_allowed(self, request):
        if getattr(self, "_url_map", None) is None:
            self._url_map = self.server.make_url_map()
        adapter = self._url_map.bind("")
        allowed = []
        for method in ALL_METHODS:
            if method == request.method:
                continue
            try:
                endpoint, _ = adapter.match(request.path, method=method)
            except (WerkzeugNotFound, WerkzeugMethodNotAllowed):
                continue
            except Exception:  # redirects and the like: not a route of ours
                continue
            if endpoint is not self and not getattr(endpoint, "catch_all", False):
                allowed.append(method)
        if allowed:
            raise problems.MethodNotAllowed(request.method, allowed)

    def _authenticate(self, request) -> Actor:
        key = auth.bearer_key(request.headers.get("Authorization"))
        if key is None:
            if self.access != "public":
                raise problems.Unauthenticated("this route needs an API key: send 'Authorization: Bearer <key>'")
            return ANONYMOUS
        return auth.authenticate(self.store, key)

    def _validate(self, request):
        for name, value in (getattr(request, "path_values", None) or {}).items():
            if isinstance(value, str) and text.unprintable(value):
                # No object has such an id: answered here, before any service or database.
                raise NotFound(name.removesuffix("_id").replace("_", " "), value)
        undecodable = undecodable_parameters(request) if request.query_string else []
        if undecodable:
            raise InvalidInput({name: ["not valid UTF-8 once percent-decoded"] for name in undecodable},
                               "Invalid query parameters.")
        if self._query is not None and not request.args and self._query_defaults is not None:
            request.environ["platform.query"] = dict(self._query_defaults)  # the common case, done once
        elif self._query is not None:
            args = {k: v for k, v in request.args.items() if not (k == "format" and self.csv)}
            many = [k for k in request.args if len(request.args.getlist(k)) > 1]
            if many:
                raise InvalidInput({k: ["give this parameter once"] for k in many}, "Invalid query parameters.")
            try:
                request.environ["platform.query"] = self._query.load(args)
            except ValidationError as exc:
                raise InvalidInput(flatten_messages(exc.messages), "Invalid query parameters.") from None
        if self.csv and request.args.get("format") not in (None, "json", "csv"):
            raise InvalidInput({"format": ["must be json or csv"]}, "Invalid query parameters.")
        if self._body is not None and request.method in BODY_METHODS:
            body = json_body(request)
            try:
                self._body.load(body)
            except ValidationError as exc:
                raise InvalidInput(flatten_messages(exc.messages)) from None


api = ApiEndpoint.decorator
