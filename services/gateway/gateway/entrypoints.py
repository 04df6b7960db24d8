"""The gateway's HTTP entrypoint: JSON in and out, problem details for every error,
and a correlation id (X-Request-ID) that follows the request through RPC and events."""
import json
import re
import uuid

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from shared.errors import InvalidInput
from gateway import problems

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(request) -> str:
    """The caller's X-Request-ID if well-formed (no header injection), else a new one."""
    given = request.headers.get("X-Request-ID", "")
    if not _REQUEST_ID.match(given):
        given = str(uuid.uuid4())
    return given


def json_body(request) -> dict:
    if request.mimetype != "application/json":
        raise InvalidInput({"_body": ["send a JSON object with Content-Type: application/json"]},
                           "Unsupported request body.")
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        raise InvalidInput({"_body": [f"malformed JSON: {exc}"]}, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidInput({"_body": ["must be a JSON object"]})
    return body


def actor_of(request) -> dict | None:
    """Who is calling: {"key_id", "organisation", "role", "scopes"} once authentication
    has run for this request, None for an anonymous caller of a public route."""
    return request.environ.get("platform.actor")


class ApiEndpoint(HttpRequestHandler):
    """`@api(method, url, access=..., body=..., query=..., response=..., status=..., tags=...)`.

    The keyword arguments describe the route for authentication and for the OpenAPI
    document: `access` is "public" (no key needed) or the least role allowed
    ("reader" < "partner" < "admin"); `body`, `query` and `response` are marshmallow
    schema classes (from shared.api); `status` is the success status."""

    def __init__(self, method, url, *, access="public", body=None, query=None, response=None,
                 status=200, tags=(), summary=None, **kwargs):
        super().__init__(method, url, **kwargs)
        self.access, self.body_schema, self.query_schema = access, body, query
        self.response_schema, self.success_status = response, status
        self.tags, self.summary = tuple(tags), summary

    def handle_request(self, request):
        request.shallow = False
        request_id = request_id_of(request)
        request.environ["platform.request_id"] = request_id
        try:
            response = self._handle(request, request_id)
        except Exception as exc:  # never a stack trace to the client
            response = problems.from_exception(exc, request_id)
        response.headers["X-Request-ID"] = request_id
        return response

    def _handle(self, request, request_id):
        from functools import partial

        from eventlet.event import Event
        args, kwargs = self.get_entrypoint_parameters(request)
        self.check_signature(args, kwargs)
        event = Event()
        self.container.spawn_worker(self, args, kwargs, context_data={"correlation_id": request_id},
                                    handle_result=partial(self.handle_result, event))
        return self.response_from_result(event.wait())

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, headers = 200, {}
        if isinstance(result, tuple):
            if len(result) == 3:
                status, headers, result = result
            else:
                status, result = result
        return Response(json.dumps(result), status=status, headers=headers, mimetype="application/json")


api = ApiEndpoint.decorator
