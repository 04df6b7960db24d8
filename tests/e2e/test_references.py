"""Object-level access through references (OWASP API1), on the whole platform (SQLite and
PostgreSQL): for every route and every reference it carries (path ids, ids and codes in the
body, id filters in the query), partner B naming partner A's object gets exactly the answer a
never-existing id gets (status and problem, apart from the id itself), and nothing is written.

TABLE lists every (method, path, reference) of the gateway's routes: a request builder for the
references to organisations' objects, or the reason a reference needs no check (an object every
key reads, or a value scoped by another reference of the same request).
`test_the_table_covers_every_reference_of_every_route` fails when a route gains a reference the
table does not list, so a new route cannot be forgotten."""
import re
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
import requests
from marshmallow import fields

from gateway.openapi import openapi_path, routes_of
from gateway.service import GatewayService
from tests.e2e.conftest import ADMIN_KEY
from tests.grants_flow import REVIEW, application_body, call_body, fund_body, money
from tests.programmes_flow import JINJA, KISUMU, PERIOD, programme_body, result_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

A = {"ref": "XM-REFS-A", "name": "Partner A", "type": "11"}
B = {"ref": "XM-REFS-B", "name": "Partner B", "type": "11"}
ARUA = {"name": "Arua", "country": "UG"}   # a city of A's programme only
# codes, numbers and organisations that name something
REFERENCE_NAMES = ("indicator", "tranche", "report", "organisation", "applicant_organisation", "recipient", "programme",
                   "city", "contributor")


# --- the references of a route, from its @api metadata -----------------------------------------

def _schema_references(schema, prefix=""):
    for name, field in (schema() if isinstance(schema, type) else schema).fields.items():
        key = field.data_key or name
        inner, path = (field.inner, f"{prefix}{key}.*") if isinstance(field, fields.List) else (field, prefix + key)
        if isinstance(inner, fields.Nested):
            yield from _schema_references(inner.schema, path + ".")
        elif key == "id" or key.endswith("_id") or key in REFERENCE_NAMES:
            yield path


def route_references() -> set[tuple[str, str, str]]:
    found = set()
    for _, route in routes_of(GatewayService):
        path, params = openapi_path(route.url)
        refs = [f"path:{name}" for name, _ in params]
        refs += [f"body:{r}" for r in _schema_references(route.body_schema)] if route.body_schema else []
        refs += [f"query:{r}" for r in _schema_references(route.query_schema)] if route.query_schema else []
        found |= {(method, path, ref) for method in route.method.split(",") for ref in refs}
    return found


# --- B's requests -------------------------------------------------------------------------------

def _path(template, world, ref, value):
    """The path with `value` for the reference under test and B's own (or neutral) values elsewhere."""
    defaults = {"programme_id": world["pb"]["id"], "code": "people_reached", "report_id": "1"}
    return re.sub(r"\{(\w+)\}", lambda m: value if ref == f"path:{m[1]}" else defaults.get(m[1], value), template)


class Try(NamedTuple):
    """B tries the route with `value` in the reference: `body` (a dict, or `body(world, value)`)
    and `query(world, value)` give the JSON body and the query string (the path gets it by name)."""
    body: Callable[[dict, str], Any] | dict | None = None
    query: Callable[[dict, str], dict] | None = None

    def request(self, world, method, path, ref, value) -> dict:
        return {"method": method, "url": _path(path, world, ref, value),
                "json": self.body(world, value) if callable(self.body) else self.body,
                "params": self.query(world, value) if self.query else None}


TRY = Try()


def app_body(world, programme_id):
    return application_body(world["call"]["id"], programme_id, applicant_organisation=None, city="Kisumu",
                            country="KE")


def b_programme(parent_id):
    return programme_body("B's project", org=B, parent_id=parent_id)


def a_result(world):
    return result_body(world["pa"], 10)


def b_indicator(city_id):
    """An indicator of B's with a target for one city (`city_id`)."""
    return {"code": "b_drains", "title": "Drains", "targets": [{"period": dict(PERIOD), "value": "5",
                                                                  "city_id": city_id}]}


def b_result(world, city_id=None, indicator="people_reached"):
    return {"indicator": indicator, "city_id": city_id or world["pb"]["cities"][0]["id"], "period": dict(PERIOD),
            "value": 10}


SHARED = "shared: {} every key reads (not an organisation's object)"
SCOPED = "scoped: resolved within {} of the same request, checked there"
PLAN = "none: a code of the plan's indicators, the same for every organisation"
NOT_A_REFERENCE = "none: not an object reference"
GRANT_REPORT = {"summary": "Done.", "results": [{"indicator": "people_reached", "value": 1}]}

TABLE = {
    # programmes
    ("GET", "/v1/programmes", "query:parent_id"): Try(query=lambda w, v: {"parent_id": v}),
    ("GET", "/v1/programmes", "query:organisation"): Try(query=lambda w, v: {"organisation": v}),
    ("GET", "/v1/iati/activities.xml", "query:organisation"): Try(query=lambda w, v: {"organisation": v}),
    ("GET", "/v1/programmes/export.csv", "query:organisation"): Try(query=lambda w, v: {"organisation": v}),
    ("GET", "/v1/results/export.csv", "query:programme_id"): Try(query=lambda w, v: {"programme_id": v}),
    ("GET", "/v1/results/export.csv", "query:indicator"): Try(query=lambda w, v: {"indicator": v}),
    ("POST", "/v1/programmes", "body:parent_id"): Try(body=lambda w, v: b_programme(v)),
    ("POST", "/v1/programmes", "body:cities.*.id"): SHARED.format("city records"),
    ("GET", "/v1/programmes/{programme_id}", "path:programme_id"): TRY,
    ("PATCH", "/v1/programmes/{programme_id}", "path:programme_id"): Try(body={"title": "Taken over"}),
    ("PATCH", "/v1/programmes/{programme_id}", "body:parent_id"): Try(body=lambda w, v: {"parent_id": v}),
    ("POST", "/v1/programmes/{programme_id}/status", "path:programme_id"): Try(body={"status": "suspended"}),
    ("GET", "/v1/programmes/{programme_id}/totals", "path:programme_id"): TRY,
    ("POST", "/v1/programmes/{programme_id}/cities", "path:programme_id"): Try(body=dict(ARUA)),
    ("POST", "/v1/programmes/{programme_id}/cities", "body:id"): SHARED.format("city records"),
    ("GET", "/v1/cities/{city_id}", "path:city_id"): SHARED.format("city records"),
    ("GET", "/v1/programmes/{programme_id}/indicators", "path:programme_id"): TRY,
    ("POST", "/v1/programmes/{programme_id}/indicators", "path:programme_id"): Try(body={"code": "women_empowered"}),
    ("PATCH", "/v1/programmes/{programme_id}/indicators/{code}", "path:programme_id"): Try(body={"title": "Mine"}),
    ("PATCH", "/v1/programmes/{programme_id}/indicators/{code}", "path:code"): SCOPED.format("the programme"),
    ("GET", "/v1/programmes/{programme_id}/results", "path:programme_id"): TRY,
    ("GET", "/v1/programmes/{programme_id}/results", "query:programme_id"): Try(query=lambda w, v: {"programme_id": v}),
    ("GET", "/v1/programmes/{programme_id}/results", "query:indicator"): Try(query=lambda w, v: {"indicator": v}),
    ("POST", "/v1/programmes", "body:indicators.*.targets.*.city_id"): Try(
        body=lambda w, v: {**b_programme(None), "indicators": [b_indicator(v)]}),
    ("POST", "/v1/programmes/{programme_id}/indicators", "body:targets.*.city_id"): Try(
        body=lambda w, v: b_indicator(v)),
    ("PATCH", "/v1/programmes/{programme_id}/indicators/{code}", "body:targets.*.city_id"): Try(
        body=lambda w, v: {"targets": b_indicator(v)["targets"]}),
    ("POST", "/v1/programmes/{programme_id}/results", "path:programme_id"): Try(body=lambda w, v: a_result(w)),
    ("POST", "/v1/programmes/{programme_id}/results", "body:city_id"): Try(body=lambda w, v: b_result(w, city_id=v)),
    ("POST", "/v1/programmes/{programme_id}/results", "body:indicator"): Try(
        body=lambda w, v: b_result(w, indicator=v)),
    ("GET", "/v1/programmes/{programme_id}/period", "path:programme_id"): Try(query=lambda w, v: dict(PERIOD)),
    ("POST", "/v1/programmes/{programme_id}/reopenings", "path:programme_id"): Try(
        body={"period": dict(PERIOD), "until": "2099-12-31", "reason": "mine"}),
    ("POST", "/v1/programmes/{programme_id}/report-schedule", "path:programme_id"): Try(
        body={"items": [{"title": "Mine", "due_date": "2099-01-01"}]}),
    ("GET", "/v1/programmes/{programme_id}/report-schedule", "path:programme_id"): TRY,
    ("POST", "/v1/programmes/{programme_id}/report-schedule/{item_id}/submission", "path:programme_id"): Try(),
    ("POST", "/v1/programmes/{programme_id}/report-schedule/{item_id}/submission", "path:item_id"): SCOPED.format(
        "the programme"),
    ("POST", "/v1/programmes/{programme_id}/report-schedule/{item_id}/approval", "path:programme_id"): Try(),
    ("POST", "/v1/programmes/{programme_id}/report-schedule/{item_id}/approval", "path:item_id"): SCOPED.format(
        "the programme"),
    # city filters name city records, which every key reads; the results they select are the caller's
    **{("GET", path, "query:city"): SHARED.format("city records") for path in (
        "/v1/programmes", "/v1/programmes/{programme_id}/results", "/v1/results", "/v1/results/export.csv",
        "/v1/objective/progress/figures/{figure}/results")},
    ("POST", "/v1/applications", "body:city"): NOT_A_REFERENCE + " (the name of the city the applicant works in)",
    ("POST", "/v1/programmes/{programme_id}/narratives", "path:programme_id"): Try(
        body={"period": dict(PERIOD), "category": "progress", "text": "mine"}),
    ("POST", "/v1/programmes/{programme_id}/narratives", "body:indicator"): Try(
        body=lambda w, v: {"period": dict(PERIOD), "indicator": v, "text": "mine"}),
    ("GET", "/v1/programmes/{programme_id}/narratives", "path:programme_id"): TRY,
    ("GET", "/v1/programmes/{programme_id}/narratives", "query:indicator"): Try(query=lambda w, v: {"indicator": v}),
    ("GET", "/v1/programmes/{programme_id}/report", "path:programme_id"): Try(query=lambda w, v: dict(PERIOD)),
    ("GET", "/v1/narratives/{narrative_id}", "path:narrative_id"): TRY,
    ("POST", "/v1/narratives/{narrative_id}/attachments", "path:narrative_id"): Try(
        query=lambda w, v: {"filename": "mine.txt"}),
    ("GET", "/v1/narratives/{narrative_id}/attachments/{attachment_id}", "path:narrative_id"): TRY,
    ("GET", "/v1/narratives/{narrative_id}/attachments/{attachment_id}", "path:attachment_id"): SCOPED.format(
        "the narrative"),
    ("DELETE", "/v1/narratives/{narrative_id}/attachments/{attachment_id}", "path:narrative_id"): TRY,
    ("DELETE", "/v1/narratives/{narrative_id}/attachments/{attachment_id}", "path:attachment_id"): SCOPED.format(
        "the narrative"),
    ("GET", "/v1/results", "query:programme_id"): Try(query=lambda w, v: {"programme_id": v}),
    ("GET", "/v1/results", "query:indicator"): Try(query=lambda w, v: {"indicator": v}),
    ("GET", "/v1/results/{result_id}", "path:result_id"): TRY,
    ("PATCH", "/v1/results/{result_id}", "path:result_id"): Try(body={"value": 99}),
    ("POST", "/v1/results/{result_id}/submit", "path:result_id"): Try(body={}),
    ("POST", "/v1/results/{result_id}/approve", "path:result_id"): Try(body={}),
    ("POST", "/v1/results/{result_id}/first-level-approval", "path:result_id"): Try(body={}),
    ("POST", "/v1/results/{result_id}/return", "path:result_id"): Try(body={"comment": "no"}),
    ("POST", "/v1/results/{result_id}/revise", "path:result_id"): Try(body={"value": 99, "comment": "more"}),
    # grants: funds, contributions and calls are the partnership's, read by every key
    ("GET", "/v1/funds/{fund_id}", "path:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/funds/{fund_id}/ledger", "path:fund_id"): TRY,
    ("GET", "/v1/funds/{fund_id}/ledger", "query:contribution_id"): SCOPED.format("the fund (admins only)"),
    ("GET", "/v1/funds/{fund_id}/ledger", "query:grant_id"): SCOPED.format("the fund (admins only)"),
    ("POST", "/v1/contributions", "body:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/contributions", "query:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/contributions/{contribution_id}", "path:contribution_id"): SHARED.format("contributions"),
    ("POST", "/v1/contributions/{contribution_id}/receipts", "path:contribution_id"): Try(body={}),
    ("POST", "/v1/calls", "body:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/calls", "query:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/calls/{call_id}", "path:call_id"): SHARED.format("calls for proposals"),
    ("POST", "/v1/calls/{call_id}/close", "path:call_id"): Try(body={}),
    # applications and grants are the applicant's
    ("POST", "/v1/applications", "body:programme_id"): Try(body=app_body),
    ("POST", "/v1/applications", "body:call_id"): SHARED.format("calls for proposals"),
    ("POST", "/v1/applications", "body:applicant_organisation"): Try(
        body=lambda w, v: {**app_body(w, w["pb"]["id"]), "applicant_organisation": v}),
    ("GET", "/v1/applications", "query:applicant_organisation"): Try(
        query=lambda w, v: {"applicant_organisation": v}),
    ("POST", "/v1/applications", "body:targets.*.indicator"): PLAN,
    ("GET", "/v1/applications", "query:programme_id"): Try(query=lambda w, v: {"programme_id": v}),
    ("GET", "/v1/applications", "query:call_id"): SHARED.format("calls for proposals"),
    ("GET", "/v1/applications", "query:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/applications/{application_id}", "path:application_id"): TRY,
    ("POST", "/v1/applications/{application_id}/withdraw", "path:application_id"): Try(body={"reason": "mine now"}),
    ("POST", "/v1/applications/{application_id}/reviews", "path:application_id"): Try(body=dict(REVIEW)),
    ("POST", "/v1/applications/{application_id}/conflicts", "path:application_id"): Try(body={"reason": "mine"}),
    ("POST", "/v1/applications/{application_id}/assignments", "path:application_id"): Try(
        body=lambda w, v: {"reviewer": w["key_a"]["id"]}),
    ("POST", "/v1/applications/{application_id}/determination", "path:application_id"): Try(
        body={"decision": "reject", "reasons": ["no"]}),
    ("POST", "/v1/applications/{application_id}/determination", "body:tranches.*.report"): SCOPED.format(
        "the award's own reports"),
    ("GET", "/v1/reviews", "query:application_id"): Try(query=lambda w, v: {"application_id": v}),
    ("GET", "/v1/grants", "query:programme_id"): Try(query=lambda w, v: {"programme_id": v}),
    ("GET", "/v1/grants", "query:call_id"): SHARED.format("calls for proposals"),
    ("GET", "/v1/grants", "query:recipient"): Try(query=lambda w, v: {"recipient": v}),
    ("GET", "/v1/grants", "query:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/grants/{grant_id}", "path:grant_id"): TRY,
    ("POST", "/v1/grants/{grant_id}/disbursements", "path:grant_id"): Try(body={"tranche": 1}),
    ("POST", "/v1/grants/{grant_id}/agreement/signature", "path:grant_id"): Try(body={}),
    ("POST", "/v1/grants/{grant_id}/agreement/countersignature", "path:grant_id"): Try(body={}),
    ("POST", "/v1/grants/{grant_id}/payments", "path:grant_id"): Try(body={"tranche": 1}),
    ("POST", "/v1/grants/{grant_id}/payments", "body:tranche"): SCOPED.format("the grant"),
    ("GET", "/v1/grants/{grant_id}/payments", "path:grant_id"): TRY,
    ("POST", "/v1/payments/{payment_id}/programme-approval", "path:payment_id"): Try(body={}),
    ("POST", "/v1/payments/{payment_id}/finance-approval", "path:payment_id"): Try(body={}),
    ("POST", "/v1/payments/{payment_id}/programme-rejection", "path:payment_id"): Try(body={"reason": "mine"}),
    ("POST", "/v1/payments/{payment_id}/finance-rejection", "path:payment_id"): Try(body={"reason": "mine"}),
    ("POST", "/v1/payments/{payment_id}/payment", "path:payment_id"): Try(body={}),
    ("POST", "/v1/payments/{payment_id}/failure", "path:payment_id"): Try(body={"reason": "mine now"}),
    ("POST", "/v1/payments/{payment_id}/retry", "path:payment_id"): Try(body={}),
    ("POST", "/v1/grants/{grant_id}/disbursements", "body:tranche"): SCOPED.format("the grant"),
    ("POST", "/v1/grants/{grant_id}/closeout", "path:grant_id"): Try(body={}),
    ("POST", "/v1/grants/{grant_id}/cancellation", "path:grant_id"): Try(body={"reason": "mine now"}),
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/submission", "path:grant_id"): Try(body=dict(GRANT_REPORT)),
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/submission", "path:report_id"): SCOPED.format("the grant"),
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/submission", "body:results.*.indicator"): PLAN,
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/approval", "path:grant_id"): Try(body={}),
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/approval", "path:report_id"): SCOPED.format("the grant"),
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/changes", "path:grant_id"): Try(body={"feedback": "no"}),
    ("POST", "/v1/grants/{grant_id}/reports/{report_id}/changes", "path:report_id"): SCOPED.format("the grant"),
    ("GET", "/v1/disbursements", "query:grant_id"): Try(query=lambda w, v: {"grant_id": v}),
    ("GET", "/v1/disbursements", "query:fund_id"): SHARED.format("pooled funds"),
    ("GET", "/v1/reports", "query:grant_id"): Try(query=lambda w, v: {"grant_id": v}),
    # the gateway's own objects
    ("GET", "/v1/keys", "query:organisation"): Try(query=lambda w, v: {"organisation": v}),
    ("POST", "/v1/keys", "body:organisation"): Try(body=lambda w, v: {"organisation": v, "role": "partner"}),
    ("GET", "/v1/keys/{key_id}", "path:key_id"): TRY,
    ("DELETE", "/v1/keys/{key_id}", "path:key_id"): TRY,
    ("GET", "/v1/audit", "query:key_id"): Try(query=lambda w, v: {"key_id": v}),
    ("GET", "/v1/audit", "query:request_id"): NOT_A_REFERENCE + " (a correlation id; admins only)",
    ("GET", "/v1/webhooks/{webhook_id}", "path:webhook_id"): TRY,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries", "path:webhook_id"): TRY,
    ("DELETE", "/v1/webhooks/{webhook_id}", "path:webhook_id"): TRY,
    # no object of anyone's
    ("GET", "/v1/objective/progress/{dimension}", "path:dimension"): NOT_A_REFERENCE + " (a breakdown's name)",
    ("GET", "/v1/objective/progress/figures/{figure}/results", "path:figure"):
        NOT_A_REFERENCE + " (a figure's code in the plan; the results listed are checked per caller)",
    ("GET", "/v1/objective/progress/contributor/{contributor}", "path:contributor"):
        SHARED.format("a contributor's public name (IATI publishes it) that"),
    ("GET", "/v1/objective/progress/figures/{figure}/results", "query:programme"): SHARED.format(
        "a programme the public progress breakdown names, whose results are listed only to its organisation and"),
    **{(m, path, ref): SHARED.format("a contributor's public name (IATI publishes it) that") for m, path, ref in (
        ("GET", "/v1/contributions", "query:contributor"), ("POST", "/v1/contributions", "body:contributor"),
        ("GET", "/v1/objective/progress/contributor", "query:contributor"),
        ("GET", "/v1/objective/progress/contributor/{contributor}", "query:contributor"),
        ("GET", "/v1/objective/progress/figures/{figure}/results", "query:contributor"))},
    ("GET", "/docs/{name}", "path:name"): NOT_A_REFERENCE + " (a static asset)",
    ("GET", "/dashboard/assets/{name}", "path:name"): NOT_A_REFERENCE + " (a static asset of the dashboard)",
    ("GET", "/v1/objective/progress/stream", "query:last_event_id"):
        NOT_A_REFERENCE + " (the ETag of the public progress the client has)",
    **{(m, "/{path}", "path:path"): NOT_A_REFERENCE + " (the catch-all 404)"
       for m in ("GET", "POST", "PUT", "PATCH", "DELETE")},
}

# A's object each reference names (world key and the value in it).
FOREIGN = {
    "programme_id": lambda w: w["pa"]["id"], "parent_id": lambda w: w["pa"]["id"],
    "city_id": lambda w: next(c["id"] for c in w["pa"]["cities"] if c["name"] == ARUA["name"]),
    "indicator": lambda w: "a_own_drains", "result_id": lambda w: w["result"]["id"],
    "application_id": lambda w: w["application"]["id"], "grant_id": lambda w: w["grant"]["id"],
    "fund_id": lambda w: w["fund"]["id"], "contribution_id": lambda w: w["contribution"]["id"],
    "call_id": lambda w: w["call"]["id"], "key_id": lambda w: w["key_a"]["id"],
    "webhook_id": lambda w: w["webhook"]["id"], "organisation": lambda w: A["ref"],
    "payment_id": lambda w: w["payment"]["id"], "narrative_id": lambda w: w["narrative"]["id"],
    "applicant_organisation": lambda w: A["ref"], "recipient": lambda w: A["ref"],
}


def test_the_table_covers_every_reference_of_every_route():
    """A route that gains an id (path, body or query) fails here until the table says how B
    tries it with A's id, or why it needs no check."""
    listed, found = set(TABLE), route_references()
    assert found - listed == set(), "references missing from TABLE"
    assert listed - found == set(), "TABLE lists references no route has"
    for key, entry in TABLE.items():
        assert isinstance(entry, Try) or entry.split(":")[0] in ("shared", "scoped", "none"), key


# --- on the platform ----------------------------------------------------------------------------

class Key:
    def __init__(self, base, key):
        self.base, self.key = base, key

    def send(self, method, url, json=None, params=None):
        return requests.request(method, self.base + url, json=json, params=params, timeout=15,
                                headers={"Authorization": f"Bearer {self.key}"})

    def ok(self, method, url, json=None, status=200, **kwargs):
        response = self.send(method, url, json=json, **kwargs)
        assert response.status_code == status, f"{method} {url}: {response.status_code} {response.text}"
        return response.json()


@pytest.fixture(scope="module")
def world(platform):
    admin = Key(platform, ADMIN_KEY)
    key_a = admin.ok("POST", "/v1/keys", {"organisation": A["ref"], "role": "partner"}, status=201)
    key_b = admin.ok("POST", "/v1/keys", {"organisation": B["ref"], "role": "partner"}, status=201)
    a, b = Key(platform, key_a["key"]), Key(platform, key_b["key"])

    pa = a.ok("POST", "/v1/programmes", programme_body(
        "A's programme", org=A, cities=[JINJA, KISUMU, ARUA],
        indicators=[{"code": "people_reached"}, {"code": "women_empowered"},
                    {"code": "a_own_drains", "title": "Drains built", "reach": "direct"}]), status=201)
    pa = a.ok("POST", f"/v1/programmes/{pa['id']}/status", {"status": "implementation"})
    a.ok("POST", "/v1/programmes", programme_body("A's project", org=A, parent_id=pa["id"]), status=201)
    result = a.ok("POST", f"/v1/programmes/{pa['id']}/results", result_body(pa, 100), status=201)
    narrative = a.ok("POST", f"/v1/programmes/{pa['id']}/narratives",
                     {"period": dict(PERIOD), "category": "progress", "text": "A's words"}, status=201)
    pb = b.ok("POST", "/v1/programmes", programme_body("B's programme", org=B), status=201)
    pb = b.ok("POST", f"/v1/programmes/{pb['id']}/status", {"status": "implementation"})

    fund = admin.ok("POST", "/v1/funds", fund_body(), status=201)
    contribution = admin.ok("POST", "/v1/contributions", {"fund_id": fund["id"], "contributor": "Sweden",
                                                          "amount": money("200000.00")}, status=201)
    admin.ok("POST", f"/v1/contributions/{contribution['id']}/receipts", {}, status=201)
    call = admin.ok("POST", "/v1/calls", call_body(fund["id"], required_reviews=1), status=201)
    awarded = a.ok("POST", "/v1/applications", application_body(call["id"], pa["id"], applicant_organisation=None),
                   status=201)
    admin.ok("POST", f"/v1/applications/{awarded['id']}/reviews", REVIEW, status=201)
    grant = admin.ok("POST", f"/v1/applications/{awarded['id']}/determination",
                     {"decision": "award", "reasons": ["good"]})["grant"]
    payment = a.ok("POST", f"/v1/grants/{grant['id']}/payments", {"tranche": 1, "amount": money("100.00")},
                   status=201)
    application = a.ok("POST", "/v1/applications", application_body(call["id"], pa["id"], applicant_organisation=None,
                                                                      title="A's second"), status=201)
    webhook = a.ok("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "event_types": ["call.closed"]},
                   status=201)
    return {"admin": admin, "a": a, "b": b, "key_a": key_a, "pa": pa, "pb": pb, "result": result, "fund": fund,
            "contribution": contribution, "call": call, "application": application, "grant": grant,
            "webhook": webhook, "payment": payment, "narrative": narrative}


def state(world) -> dict:
    """What A and the platform hold: A's objects as A reads them, and every list as the admin
    reads it (a request that wrote anything changes one of them)."""
    a, admin = world["a"], world["admin"]
    mine = {name: a.ok("GET", url) for name, url in (
        ("programme", f"/v1/programmes/{world['pa']['id']}"), ("result", f"/v1/results/{world['result']['id']}"),
        ("application", f"/v1/applications/{world['application']['id']}"),
        ("grant", f"/v1/grants/{world['grant']['id']}"), ("webhook", f"/v1/webhooks/{world['webhook']['id']}"),
        ("deliveries", f"/v1/webhooks/{world['webhook']['id']}/deliveries"),
        ("narratives", f"/v1/programmes/{world['pa']['id']}/narratives"),
        ("schedule", f"/v1/programmes/{world['pa']['id']}/report-schedule"))}
    everything = {url: admin.ok("GET", url, params={"limit": 200})["items"] for url in (
        "/v1/programmes", "/v1/results", "/v1/applications", "/v1/grants", "/v1/reports", "/v1/reviews",
        "/v1/calls", "/v1/contributions", "/v1/funds", "/v1/keys")}
    everything["b's webhooks"] = world["b"].ok("GET", "/v1/webhooks")["items"]
    return {"mine": mine, "everything": everything}


def answer(response, value: str):
    """The answer with the id itself (and the request's own id) taken out."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if isinstance(body, dict):
        body.pop("request_id", None)
        body.pop("instance", None)
    text = requests.compat.json.dumps(body, sort_keys=True).replace(value, "<id>")
    return response.status_code, response.headers.get("Content-Type"), text


def _empty(response) -> bool:
    """A list with no item, or a spreadsheet export with its header row only."""
    if response.headers.get("Content-Type", "").startswith("text/csv"):
        return len(response.content.decode("utf-8-sig").strip().splitlines()) <= 1
    return response.json().get("items") == []


def test_a_partner_naming_another_partners_object_gets_the_answer_of_a_missing_one(world):
    before = state(world)
    differ, leaks = [], []
    for (method, path, ref), entry in TABLE.items():
        if not isinstance(entry, Try):
            continue
        name = ref.split(":")[1].split(".")[-1]
        theirs, missing = FOREIGN[name](world), f"zz{uuid.uuid4().hex[:10]}"
        got = {}
        for value in (theirs, missing):
            response = world["b"].send(**entry.request(world, method, path, ref, value))
            got[value] = answer(response, value)
            if response.status_code < 400 and not _empty(response):
                leaks.append((method, path, ref, value, response.status_code, response.text[:300]))
        if got[theirs] != got[missing]:
            differ.append((method, path, ref, got[theirs], got[missing]))
    assert differ == [], "another organisation's id is told apart from a missing one"
    assert leaks == [], "a request naming an id that is not the caller's succeeded"
    assert state(world) == before, "a refused request wrote something"


def test_an_admin_applying_for_an_organisation_names_one_of_its_programmes(world):
    """The award would attribute the applicant's money to the programme: an admin applying on
    behalf of B may not name A's programme, and is told what a missing programme tells."""
    admin, call = world["admin"], world["call"]
    before = state(world)
    answers = []
    for programme_id in (world["pa"]["id"], f"zz{uuid.uuid4().hex[:10]}"):
        response = admin.send("POST", "/v1/applications", json=application_body(
            call["id"], programme_id, applicant_organisation=B["ref"], city="Kisumu", country="KE"))
        answers.append(answer(response, programme_id))
    assert answers[0] == answers[1] and answers[0][0] == 422, answers
    assert '"field": "programme_id"' in answers[0][2]
    assert state(world) == before
    made = admin.ok("POST", "/v1/applications", application_body(
        call["id"], world["pb"]["id"], applicant_organisation=B["ref"], city="Kisumu", country="KE"), status=201)
    assert made["programme_iati_identifier"] == world["pb"]["iati_identifier"]
