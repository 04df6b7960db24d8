"""The gateway's HTTP entrypoint: authentication and authorisation from each route's
`access`, rate limiting, request validation from its schemas, idempotent POSTs,
conditional GETs (ETag), CSV for lists, the audit log, problem details for every
error, and a correlation id (X-Request-ID) that follows the request through RPC and events."""
import csv
import hashlib
import io
import json
import logging
import re
import uuid
from functools import partial

from eventlet.event import Event
from marshmallow import ValidationError
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.wrappers import Response

from gateway import audit, auth, idempotency, problems
from gateway.store import GatewayStore
from shared.errors import Forbidden, InvalidInput, flatten_messages

log = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ACCESS_LEVELS = ("public",) + auth.ROLES
KEY_QUERY_PARAMETERS = ("api_key", "apikey", "access_token", "token")
BODY_METHODS = ("POST", "PUT", "PATCH")
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def request_id_of(request) -> str:
    """The caller's X-Request-ID if well-formed (no header injection), else a new one."""
    given = request.headers.get("X-Request-ID", "")
    if not _REQUEST_ID.match(given):
        given = str(uuid.uuid4())
    return given


def json_body(request) -> dict:
    """The request's JSON object (parsed once per request)."""
    cached = request.environ.get("platform.body")
    if cached is not None:
        return cached
    if request.mimetype != "application/json":
        raise InvalidInput({"_body": ["send a JSON object with Content-Type: application/json"]},
                           "Unsupported request body.")
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        raise InvalidInput({"_body": [f"malformed JSON: {exc}"]}, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidInput({"_body": ["must be a JSON object"]})
    request.environ["platform.body"] = body
    return body


def actor_of(request) -> dict | None:
    """Who is calling: {"key_id", "organisation", "role", "scopes"} once authentication
    has run for this request, None for an anonymous caller of a public route."""
    return request.environ.get("platform.actor")


def query_of(request) -> dict:
    """The route's query parameters, loaded by its `query` schema (defaults applied)."""
    return request.environ.get("platform.query", {})


def client_of(request) -> str:
    return request.remote_addr or "-"


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    weak = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == weak for tag in if_none_match.split(","))


def wants_csv(request) -> bool:
    fmt = request.args.get("format")
    if fmt is not None:
        return fmt == "csv"
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"


def _flatten(value, prefix="", out=None) -> dict:
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        out[prefix] = json.dumps(value, separators=(",", ":"), default=str)
    else:
        out[prefix] = "" if value is None else value
    return out


def _cell(value):
    # No formula injection when a spreadsheet opens the file (OWASP CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(items: list) -> str:
    rows = [_flatten(item) for item in items]
    columns = list(dict.fromkeys(col for row in rows for col in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(col, "")) for col in columns])
    return buffer.getvalue()


class ApiEndpoint(HttpRequestHandler):
    """`@api(method, url, access=..., body=..., query=..., response=..., status=..., tags=...)`.

    The keyword arguments describe the route for authentication and for the OpenAPI
    document: `access` is "public" (no key needed) or the least role allowed
    ("reader" < "partner" < "admin"), "admin" when not given (deny by default);
    `body`, `query` and `response` are marshmallow schema classes (from shared.api);
    `status` is the success status; `csv=True` offers the list as text/csv too;
    `idempotent=False` turns Idempotency-Key handling off for a POST; `media` names the
    success response's content types when they are not JSON (for the OpenAPI document)."""

    store_extension = GatewayStore()

    def __init__(self, method, url, *, access="admin", body=None, query=None, response=None,
                 status=200, tags=(), summary=None, description=None, csv=False, idempotent=True,
                 responses=None, media=("application/json",), **kwargs):
        if access not in ACCESS_LEVELS:
            raise ValueError(f"access must be one of {ACCESS_LEVELS}, not {access!r}")
        super().__init__(method, url, **kwargs)
        self.access, self.body_schema, self.query_schema = access, body, query
        self.response_schema, self.success_status = response, status
        self.tags, self.summary, self.description = tuple(tags), summary, description
        self.csv, self.idempotent, self.extra_responses = csv, idempotent, dict(responses or {})
        self.media = (media,) if isinstance(media, str) else tuple(media)

    def setup(self):
        super().setup()
        self.store = self.store_extension.ensure().store
        self.limiter = self.store_extension.ensure().limiter
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
        request.shallow = False
        request_id = request_id_of(request)
        request.environ["platform.request_id"] = request_id
        try:
            response = self._handle(request, request_id)
        except Exception as exc:  # never a stack trace to the client
            response = problems.from_exception(exc, request_id)
        response.headers["X-Request-ID"] = request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-cache" if response.status_code in (200, 304) \
                and request.method == "GET" else "no-store"
        self._audit(request, request_id, response)
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
        request.environ["platform.actor"] = actor
        wait = self.limiter.check(actor["key_id"] if actor else "ip:" + client_of(request))
        if wait:
            raise problems.RateLimited(wait)
        self._authorise(request, actor)
        self._validate(request)

        replay_claim = None
        key = request.headers.get(idempotency.HEADER)
        if key is not None and request.method == "POST" and self.idempotent:
            key = idempotency.valid_key(key)
            who = idempotency.actor_key(actor, client_of(request))
            digest = idempotency.request_hash(request.method, request.path, request.get_data())
            replay = idempotency.begin(self.store, actor=who, key=key, method=request.method,
                                       path=request.path, body_hash=digest)
            if replay is not None:
                response = Response(replay.body, status=replay.status, headers=replay.headers)
                response.headers["Idempotent-Replayed"] = "true"
                return response
            replay_claim = (who, key)
        try:
            response = self._run(request, request_id)
        except Exception as exc:
            response = problems.from_exception(exc, request_id)
        if replay_claim:
            who, key = replay_claim
            if response.status_code >= 500:
                idempotency.abandon(self.store, actor=who, key=key)
            else:
                idempotency.finish(self.store, actor=who, key=key, status=response.status_code,
                                   headers=dict(response.headers), body=response.get_data(as_text=True))
        return self._conditional(request, response)

    def _run(self, request, request_id):
        args, kwargs = self.get_entrypoint_parameters(request)
        self.check_signature(args, kwargs)
        event = Event()
        self.container.spawn_worker(self, args, kwargs, context_data={"correlation_id": request_id},
                                    handle_result=partial(self.handle_result, event))
        response = self.response_from_result(event.wait())
        if self.csv and response.status_code == 200 and response.mimetype == "application/json" \
                and wants_csv(request):
            data = json.loads(response.get_data())
            response.set_data(to_csv(data.get("items", [])))
            response.mimetype = "text/csv"
        return response

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, headers = self.success_status, {}
        if isinstance(result, tuple):
            if len(result) == 3:
                status, headers, result = result
            else:
                status, result = result
        return Response(json.dumps(result, default=str), status=status, headers=headers,
                        mimetype="application/json")

    # -- the steps ---------------------------------------------------------------------------

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

    def _authenticate(self, request):
        key = auth.bearer_key(request.headers.get("Authorization"))
        if key is None:
            if self.access != "public":
                raise problems.Unauthenticated("this route needs an API key: send 'Authorization: Bearer <key>'")
            return None
        return auth.authenticate(self.store, key)

    def _authorise(self, request, actor):
        if self.access == "public":
            return
        if not auth.role_allows(actor["role"], self.access):
            raise Forbidden(f"this route needs the {self.access} role; the key's role is {actor['role']}")
        needed = "admin" if self.access == "admin" else ("read" if request.method in ("GET", "HEAD") else "write")
        if needed not in actor["scopes"]:
            raise Forbidden(f"this route needs the '{needed}' scope; the key has {', '.join(actor['scopes'])}")

    def _validate(self, request):
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

    def _conditional(self, request, response):
        if request.method != "GET" or response.status_code != 200 or response.direct_passthrough:
            return response
        etag = response.headers.get("ETag")
        if etag is None:
            etag = etag_of(response.get_data())
            response.headers["ETag"] = etag
        if etag_matches(request.headers.get("If-None-Match"), etag):
            not_modified = Response(status=304, headers={"ETag": etag})
            for header in ("Cache-Control", "Link"):
                if header in response.headers:
                    not_modified.headers[header] = response.headers[header]
            return not_modified
        return response

    def _audit(self, request, request_id, response):
        if not audit.should_audit(request.method, response.status_code):
            return
        detail = None
        if response.status_code >= 400 and response.mimetype == "application/problem+json":
            try:
                problem = json.loads(response.get_data())
                detail = {"problem": problem.get("type", "").rsplit("/", 1)[-1],
                          "detail": str(problem.get("detail", ""))[:300]}
            except ValueError:
                detail = None
        try:
            audit.record(self.store, audit.entry(
                request_id=request_id, actor=request.environ.get("platform.actor"), client=client_of(request),
                method=request.method, path=request.path, route=self.method_name, status=response.status_code,
                detail=detail))
        except Exception:  # the response still goes out; operators see the failure
            log.exception("could not write the audit entry [request %s]", request_id)


api = ApiEndpoint.decorator
