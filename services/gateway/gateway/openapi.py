"""The OpenAPI 3.1 document, generated from the routes' `@api` metadata and the same
marshmallow schemas that validate requests (apispec + MarshmallowPlugin), with `links` from
each create to the operations that take its id (gateway.openapi_links).

    python -m gateway.openapi > openapi.json"""
import inspect
import json
import re
import sys
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway import schemas
from gateway.access import scopes_needed
from gateway.entrypoints import ApiEndpoint
from gateway.openapi_links import add_links
from gateway.progress import INCLUDED_HEADER, TOKEN_HEADER

TITLE = "Urban partnership platform API"
VERSION = "1.0.0"
DESCRIPTION = """One HTTP JSON API over the partnership's programmes, results, grants and progress.

Authenticate with `Authorization: Bearer <key>` (never in the URL). Errors are RFC 9457 problem
details (`application/problem+json`). Lists use cursor pagination (`next`). `POST` accepts an
`Idempotency-Key` header. Reads carry an `ETag`; send `If-None-Match` to get `304`.
Every response carries `X-Request-ID`. See docs/api.md for the details."""

_CONVERTER = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
ERRORS = {
    400: "The request is unusable (e.g. an API key in the URL)",
    401: "No valid API key (missing, unknown or revoked)",
    403: "The key's role or scopes do not allow this",
    404: "No such resource (or not yours)",
    405: "Method not allowed",
    413: "The body is larger than the route allows",
    414: "The URL is too long (answered by the HTTP server, without a body)",
    409: "Conflicts with the current state",
    422: "Invalid input: `errors` names each bad field",
    429: "Rate limit used up: retry after `Retry-After` seconds",
    503: "A service behind the gateway is not available",
    504: "A service behind the gateway did not answer in time",
}


def routes_of(service_cls) -> list[tuple[str, ApiEndpoint]]:
    """(method name, entrypoint) of every @api route of the service class, in a stable order."""
    found = []
    for name, member in inspect.getmembers(service_cls, callable):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, ApiEndpoint):
                found.append((name, entrypoint))
    return sorted(found, key=lambda item: (item[1].url, item[1].method))


def openapi_path(url: str) -> tuple[str, list[tuple[str, str]]]:
    """werkzeug rule -> OpenAPI path and its (name, converter) path parameters."""
    params = []

    def sub(match):
        params.append((match.group("name"), match.group("converter") or "string"))
        return "{" + match.group("name") + "}"
    return _CONVERTER.sub(sub, url), params


def _schema_name(cls) -> str:
    return cls.__name__


def _problem_response(description: str, status: int, extra_headers=None) -> dict:
    response: dict[str, Any] = {"description": description,
                "content": {"application/problem+json": {"schema": "Problem"}},
                "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}}
    if status == 401:
        response["headers"]["WWW-Authenticate"] = {"schema": {"type": "string"}}
    if status == 429:
        response["headers"]["Retry-After"] = {"description": "seconds to wait", "schema": {"type": "integer"}}
    if status == 405:
        response["headers"]["Allow"] = {"schema": {"type": "string"}}
    return response


def error_statuses(route: ApiEndpoint, methods: list[str], path_params) -> list[int]:
    # 404 everywhere: a path id, or a query parameter (e.g. ?plan=), may name something unknown.
    statuses = {400, 404, 405, 429}
    if route.access != "public":
        statuses |= {401, 403}
    if any(m in ("POST", "PUT", "PATCH", "DELETE") for m in methods):
        statuses.add(409)
    if route.body_schema or route.query_schema or route.csv or any(m in ("POST", "PUT", "PATCH") for m in methods):
        statuses.add(422)
    if "POST" in methods:
        statuses |= {409, 422}
    statuses |= {503, 504}
    statuses |= {s for s in route.extra_responses if s >= 400}
    return sorted(statuses)


def build(service_cls=None, server_url: str | None = None) -> dict:
    if service_cls is None:
        from gateway.service import GatewayService as service_cls
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
                   info={"description": DESCRIPTION,
                         "license": {"name": "Open source", "identifier": "MIT"}},
                   servers=[{"url": server_url or "/"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "API key: `Authorization: Bearer <key>`"})
    spec.components.header("X-Request-ID", {"description": "correlation id (yours if well-formed, else new)",
                                            "schema": {"type": "string"}})
    spec.components.schema("Problem", schema=schemas.Problem)

    by_path: dict[str, dict] = {}
    for name, route in routes_of(service_cls):
        if ("<path:" in route.url and route.url.startswith("/<")) or not route.documented:
            continue  # the catch-all 404; the live stream (docs/dashboard.md)
        path, path_params = openapi_path(route.url)
        for method in route.method.split(","):
            by_path.setdefault(path, {})[method.lower()] = _operation(name, route, method, path_params)
    for path in sorted(by_path):
        spec.path(path=path, operations=by_path[path])
    return add_links(spec.to_dict())


def _operation(name: str, route: ApiEndpoint, method: str, path_params) -> dict:
    op: dict[str, Any] = {"operationId": name if "," not in route.method else f"{name}_{method.lower()}",
          "tags": list(route.tags) or ["system"],
          "summary": route.summary or name.replace("_", " ").capitalize(),
          "parameters": [], "responses": {}}
    if route.description:
        op["description"] = route.description
    if route.access == "public":
        op["security"] = [{}, {"bearer": []}]
    else:
        op["security"] = [{"bearer": []}]
        scopes = ", ".join(f"`{s}`" for s in scopes_needed(route.access, method, route.scope))
        op["description"] = (op.get("description", "") + f"\n\nNeeds a key with role `{route.access}` or higher "
                             f"and the scopes {scopes}.").strip()
    for name, converter in path_params:
        schema = {"type": "integer"} if converter == "int" else {"type": "string"}
        op["parameters"].append({"in": "path", "name": name, "required": True, "schema": schema})
    if route.query_schema is not None:
        op["parameters"].append({"in": "query", "schema": route.query_schema})
    if route.csv:
        op["parameters"].append({"in": "query", "name": "format", "required": False,
                                 "description": "`csv` for text/csv (same as `Accept: text/csv`)",
                                 "schema": {"type": "string", "enum": ["json", "csv"]}})
    if method == "POST" and route.idempotent:
        op["parameters"].append({"in": "header", "name": "Idempotency-Key", "required": False,
                                 "description": "retrying with the same key returns the first response",
                                 "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                                            "pattern": "^[\\x21-\\x7e]+$"}})
    conditional = method == "GET" and not route.streamed  # a streamed body has no ETag
    if conditional:
        op["parameters"].append({"in": "header", "name": "If-None-Match", "required": False,
                                 "description": "an ETag from an earlier response: 304 if unchanged",
                                 "schema": {"type": "string"}})
    if route.body_schema is not None and method in ("POST", "PUT", "PATCH"):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body_schema}}}
    elif route.body_media and method in ("POST", "PUT", "PATCH"):
        op["requestBody"] = {"required": True, "content": {route.body_media: {
            "schema": {"type": "string", "contentMediaType": route.body_media}}}}
    elif method in ("POST", "PUT", "PATCH"):
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"type": "object"}}}}
    success: dict[str, Any] = {"description": "Success",
                               "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}}
    if tuple(route.media) == ("application/json",):
        content: dict[str, Any] = {"application/json": {"schema": route.response_schema or {}}}
    else:
        content = {media: {"schema": {"type": "string"}} for media in route.media}
    if route.csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    success["content"] = content
    if conditional:
        success["headers"]["ETag"] = {"schema": {"type": "string"}}
    if route.consistency == "token":
        success["headers"][TOKEN_HEADER] = {
            "description": "this write's consistency token: `GET /v1/objective/progress?wait_for=<token>` "
                           "answers once the figures include it", "schema": {"type": "string"}}
    elif route.consistency == "wait":
        success["headers"][INCLUDED_HEADER] = {
            "description": "with `wait_for`: `included`, or `not-included` when `wait` ran out first",
            "schema": {"type": "string", "enum": ["included", "not-included"]}}
    op["responses"][str(route.success_status)] = success
    if conditional:
        op["responses"]["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
    for status in error_statuses(route, [method], path_params):
        op["responses"][str(status)] = _problem_response(ERRORS.get(status, "Error"), status)
    op["responses"]["414"] = {"description": ERRORS[414]}
    for status, description in route.extra_responses.items():
        if isinstance(description, tuple):  # (description, schema): a JSON body of its own, not a problem
            text, schema = description
            op["responses"][str(status)] = {
                "description": text, "content": {"application/json": {"schema": schema}},
                "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"},
                            **({"Retry-After": {"schema": {"type": "integer"}}} if status == 503 else {})}}
        elif 200 <= status < 300:  # another success (e.g. 200 for what already exists): the same body
            op["responses"].setdefault(str(status), {**success, "description": description})
        elif status < 400:
            op["responses"].setdefault(str(status), {"description": description})
    if not op["parameters"]:
        del op["parameters"]
    return op


def main() -> None:
    json.dump(build(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
