"""OpenAPI 3 `links` between the document's operations, derived from its paths: the id a
create answers feeds every operation that takes that id (path parameter, query filter or
request field), so a client (and schemathesis's stateful phase) can follow one response into
the next request instead of guessing ids that 404.

A path parameter names a resource by the collection segment before it (`/v1/funds/{fund_id}`:
funds). Its producer is the `POST` answering 201 on that collection (`POST /v1/funds`), else a
`POST` answering 201 on any path ending in that collection (`POST
/v1/programmes/{programme_id}/results` for `/v1/results/{result_id}`). The response carries the
id under the parameter's own name when it has one (an indicator's `code`), else as `id`."""
from typing import Any

Doc = dict[str, Any]

# Ids no create answers at their collection (as `id`): the operation that reveals them, and where.
ELSEWHERE = {"grant_id": (("determine", "/grant/id"),),
             "report_id": (("get_grant", "/reports/0/id"),),
             "figure": (("get_progress", "/targets/0/code"),),
             "contributor": (("get_attribution", "/items/0/contributor"),),
             "item_id": (("schedule_reports", "/items/0/id"),),
             "attachment_id": (("attach_file", "/attachments/0/id"),)}
# Path parameters naming fixed values (a breakdown dimension, a static asset), not resources.
STATIC = frozenset({"dimension", "name"})
# Request fields and query filters that take a resource's id under another name.
ALIASES = {"parent_id": "programme_id", "indicator": "code"}
METHODS = ("get", "put", "post", "patch", "delete")


def operations(doc: Doc) -> list[tuple[str, str, Doc]]:
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()
            if method in METHODS]


def resolve(doc: Doc, schema: Doc) -> Doc:
    while "$ref" in schema:
        target: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def success(op: Doc) -> tuple[str, Doc]:
    """The operation's (first) 2xx status and its JSON body schema; ("", {}) when it has none."""
    for status, response in op["responses"].items():
        if status.startswith("2"):
            return status, response.get("content", {}).get("application/json", {}).get("schema", {})
    return "", {}


def _properties(doc: Doc, schema: Doc | None) -> dict[str, Doc]:
    return resolve(doc, schema).get("properties", {}) if schema else {}


def _parameters(op: Doc, where: str) -> dict[str, Doc]:
    return {p["name"]: p for p in op.get("parameters", []) if p["in"] == where}


def _body(doc: Doc, op: Doc) -> dict[str, Doc]:
    return _properties(doc, op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))


def collections(doc: Doc) -> dict[str, str]:
    """Each resource path parameter -> the collection path before it (`fund_id` -> `/v1/funds`)."""
    found: dict[str, str] = {}
    for path in doc["paths"]:
        segments = path.split("/")
        for i, segment in enumerate(segments):
            name = segment[1:-1] if segment.startswith("{") else None
            if name and name not in STATIC and i > 0 and not segments[i - 1].startswith("{"):
                found.setdefault(name, "/".join(segments[:i]))
    return found


def producers(doc: Doc) -> dict[str, list[tuple[str, str, str]]]:
    """Each resource id -> the (path, method, JSON pointer) of the operations whose success answers it."""
    by_id = {op["operationId"]: (path, method) for path, method, op in operations(doc)}
    creates = [(path, op) for path, method, op in operations(doc)
               if method == "post" and success(op)[0] == "201"]
    found: dict[str, list[tuple[str, str, str]]] = {}
    for name, collection in collections(doc).items():
        if name in ELSEWHERE:
            continue
        segment = "/" + collection.rsplit("/", 1)[-1]
        exact = [path for path, _ in creates if path == collection]
        for path in exact or [path for path, _ in creates if path.endswith(segment)]:
            fields = _properties(doc, success(doc["paths"][path]["post"])[1])
            found.setdefault(name, []).append((path, "post", "/" + (name if name in fields else "id")))
    for name, sources in ELSEWHERE.items():
        for operation_id, pointer in sources:
            if operation_id in by_id:  # a document of other routes (build(service_cls)) may lack it
                found.setdefault(name, []).append((*by_id[operation_id], pointer))
    return found


def _link(doc: Doc, name: str, expression: str, source: Doc, source_response: Doc, target: Doc) -> Doc | None:
    """The link feeding `name` from the source's response into the target, or None when the target
    does not take it or also needs a path parameter the source cannot give."""
    parameters: dict[str, str] = {}
    source_path, target_path = _parameters(source, "path"), _parameters(target, "path")
    # An alias on an operation already about `name` names another one (a programme's parent).
    def takes(field: str) -> bool:
        return field == name or (ALIASES.get(field) == name and name not in target_path)
    body = {field: expression for field in _body(doc, target) if takes(field)}
    queries = [param for param in _parameters(target, "query") if takes(param)]
    if name not in target_path and not queries and not body:
        return None
    for param in target_path:
        if param == name:
            parameters[f"path.{param}"] = expression
        elif param in source_path:
            parameters[f"path.{param}"] = f"$request.path.{param}"
        elif param in source_response:
            parameters[f"path.{param}"] = f"$response.body#/{param}"
        else:
            return None
    parameters.update({f"query.{param}": expression for param in queries})
    link: Doc = {"operationId": target["operationId"], "description": f"`{name}` from this response"}
    if parameters:
        link["parameters"] = parameters
    if body:
        link["requestBody"] = body
    return link


def add_links(doc: Doc) -> Doc:
    """Add `links` to each producer's success response (in place); returns the document."""
    for name, sources in producers(doc).items():
        for path, method, pointer in sources:
            source = doc["paths"][path][method]
            status, schema = success(source)
            response_fields = _properties(doc, schema)
            links = source["responses"][status].setdefault("links", {})
            for _, _, target in operations(doc):
                if target is source:
                    continue
                link = _link(doc, name, f"$response.body#{pointer}", source, response_fields, target)
                if link is not None:
                    links[target["operationId"] if target["operationId"] not in links
                          else f"{target['operationId']}.{name}"] = link
            if not links:
                del source["responses"][status]["links"]
    return doc
