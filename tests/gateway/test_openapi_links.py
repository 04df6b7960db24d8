"""The document's `links` (gateway.openapi_links): every operation that takes a resource id in its
path is reachable from the operation that answers that id, and every link resolves, so
schemathesis's stateful phase (tests/gateway/fuzz.py) can follow them and a new route cannot be
forgotten."""
import re
import warnings

import pytest

from gateway.openapi import build
from gateway.openapi_links import STATIC, operations, resolve, success

EXPRESSION = re.compile(r"^\$(?:response\.body#(?P<pointer>/\S*)|request\.path\.(?P<param>\w+))$")


@pytest.fixture(scope="module")
def document():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # apispec renames same-named schemas: harmless here
        return build()


def _links(document):
    for _, _, source in operations(document):
        for status, response in source["responses"].items():
            for name, link in response.get("links", {}).items():
                yield source, status, name, link


def test_every_path_parameter_naming_a_resource_is_fed_by_a_link(document):
    fed = {(link["operationId"], param.split(".", 1)[1]) for _, _, _, link in _links(document)
           for param in link.get("parameters", {}) if param.startswith("path.")}
    missing = [f"{op['operationId']}: {param['name']}" for _, _, op in operations(document)
               for param in op.get("parameters", []) if param["in"] == "path" and param["name"] not in STATIC
               and (op["operationId"], param["name"]) not in fed]
    assert not missing, "no link gives these path parameters (gateway.openapi_links): " + ", ".join(missing)


def test_every_create_of_a_collection_with_items_links_to_them(document):
    paths = list(document["paths"])
    creates = [(path, op) for path, method, op in operations(document) if method == "post"
               and success(op)[0] == "201" and any(other.startswith(path + "/{") for other in paths)]
    assert len(creates) >= 9  # programmes, cities, indicators, funds, contributions, calls, ...
    assert not [op["operationId"] for _, op in creates if not op["responses"]["201"].get("links")]
    programme = {name: link for source, _, name, link in _links(document)
                 if source["operationId"] == "create_programme"}
    assert programme["get_programme"]["parameters"] == {"path.programme_id": "$response.body#/id"}
    assert programme["submit_application"]["requestBody"] == {"programme_id": "$response.body#/id"}


def test_every_link_resolves(document):
    by_id = {op["operationId"]: op for _, _, op in operations(document)}
    for source, status, name, link in _links(document):
        where = f"{source['operationId']} {status} -> {name}"
        target = by_id.get(link["operationId"])
        assert target is not None, where
        target_params = {(p["in"], p["name"]) for p in target.get("parameters", [])}
        required = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        given = {tuple(param.split(".", 1)) for param in link.get("parameters", {})}
        assert given <= target_params, where
        assert required <= {n for loc, n in given if loc == "path"}, where
        body = target.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        assert set(link.get("requestBody", {})) <= set(resolve(document, body).get("properties", {})), where
        source_fields = resolve(document, success(source)[1]).get("properties", {})
        source_path = {p["name"] for p in source.get("parameters", []) if p["in"] == "path"}
        for expression in [*link.get("parameters", {}).values(), *link.get("requestBody", {}).values()]:
            match = EXPRESSION.match(expression)
            assert match, f"{where}: {expression}"
            if match["pointer"]:
                assert match["pointer"].split("/")[1] in source_fields, f"{where}: {expression}"
            else:
                assert match["param"] in source_path, f"{where}: {expression}"
