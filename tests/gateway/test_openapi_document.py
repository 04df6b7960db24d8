"""The OpenAPI document states every success a route answers: schemathesis's
status_code_conformance and response_schema_conformance hold the gateway to it."""
import warnings

from gateway.openapi import build, routes_of
from gateway.service import GatewayService


def test_another_success_status_is_documented_with_the_same_body():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # apispec renames same-named schemas: harmless here
        document = build()
    city = document["paths"]["/v1/cities"]["post"]["responses"]
    assert city["200"]["content"] == city["201"]["content"]  # an already registered city
    for _, route in routes_of(GatewayService):
        for status in (s for s in route.extra_responses if 200 <= s < 300):
            path = route.url.replace("<string:", "{").replace(">", "}")
            responses = document["paths"][path][route.method.lower()]["responses"]
            assert responses[str(status)]["content"] == responses[str(route.success_status)]["content"], path
