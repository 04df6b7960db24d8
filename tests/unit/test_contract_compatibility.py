"""The contract-compatibility gate: the current event contracts and OpenAPI document against the
snapshot in contracts/snapshot/ (`make contracts` writes it). A change that breaks a consumer or
client of the snapshot fails here, naming the field; a new version or an additive change passes."""
import copy
import json

import pytest
from marshmallow import fields

from scripts import contracts as snapshot
from shared.api.openapi_diff import openapi_breaks
from shared.events.contracts import CONTRACTS
from shared.events.contracts.programmes import ResultApprovedV1, ResultIndicatorSchema
from shared.events.snapshot import describe_events, describe_schema, event_breaks


@pytest.fixture(scope="module")
def saved():
    return {path: json.loads(path.read_text(encoding="utf-8")) for path in (snapshot.EVENTS, snapshot.OPENAPI)}


@pytest.fixture(scope="module")
def now():
    return snapshot.current()


def test_the_current_contracts_break_no_consumer_of_the_snapshot(saved, now):
    assert event_breaks(saved[snapshot.EVENTS], now[snapshot.EVENTS]) == []


def test_the_current_api_breaks_no_client_of_the_snapshot(saved, now):
    assert openapi_breaks(saved[snapshot.OPENAPI], now[snapshot.OPENAPI]) == []


def test_the_snapshot_is_current(now):
    for path, document in now.items():
        assert path.read_text(encoding="utf-8") == snapshot.text(document), \
            f"{path.name} is stale: run `make contracts`"


# --- the gate can fail: broken copies ---------------------------------------------------

def result_approved(events):
    return events["contracts"]["result.approved"]["1"]["fields"]


def edited(events, change):
    events = copy.deepcopy(events)
    change(events)
    return events


@pytest.mark.parametrize("change, message", [
    (lambda e: result_approved(e).pop("value"), "result.approved v1: field `value` removed or renamed"),
    (lambda e: result_approved(e)["indicator"]["fields"]["corporate"].update(type="string"),
     "result.approved v1: field `indicator.corporate` retyped from boolean to string"),
    (lambda e: result_approved(e)["disaggregations"]["fields"]["sex"].update(required=True),
     "result.approved v1: field `disaggregations.sex` made required"),
    (lambda e: result_approved(e)["indicator"]["fields"]["measure"].update(enum=["unit"]),
     "result.approved v1: field `indicator.measure` allowed values narrowed: ['percentage'] removed"),
    (lambda e: result_approved(e)["city"]["fields"].update(district={"type": "string", "required": True,
                                                                     "allow_none": False}),
     "result.approved v1: field `city.district` added as required (events in flight lack it)"),
    (lambda e: e["contracts"]["programme.created"]["2"]["fields"]["cities"]["items"]["fields"]["id"]
     .update(allow_none=True), "programme.created v2: field `cities[].id` now allows null"),
    (lambda e: e["contracts"]["programme.created"].pop("1"), "programme.created v1: the version was removed"),
    (lambda e: e["envelope"].pop("correlation_id"), "envelope: field `correlation_id` removed or renamed"),
])
def test_a_breaking_event_change_fails_naming_the_field(saved, change, message):
    old = saved[snapshot.EVENTS]
    found = event_breaks(old, edited(old, change))
    assert len(found) == 1 and found[0].startswith(message)


def test_a_real_contract_retyped_in_code_fails(saved):
    class IndicatorRetyped(ResultIndicatorSchema):
        corporate = fields.String(required=True)

    class Retyped(ResultApprovedV1):
        indicator = fields.Nested(IndicatorRetyped, required=True)

    now = edited(describe_events(), lambda e: result_approved(e).update(describe_schema(Retyped())))
    assert event_breaks(saved[snapshot.EVENTS], now) == [
        "result.approved v1: field `indicator.corporate` retyped from boolean to string"]


@pytest.mark.parametrize("change", [
    lambda e: result_approved(e).update(channel={"type": "string", "required": False, "allow_none": True}),
    lambda e: e["contracts"]["result.approved"].update({"2": {"producer": "programmes", "fields": {}}}),
    lambda e: e["contracts"].update({"result.archived": {"1": {"producer": "programmes", "fields": {}}}}),
    lambda e: e["envelope"].update(trace={"type": "string", "required": False, "allow_none": False}),
])
def test_an_additive_event_change_or_a_new_version_passes(saved, change):
    old = saved[snapshot.EVENTS]
    assert event_breaks(old, edited(old, change)) == []


def test_the_snapshot_holds_every_contract(saved):
    held = {(t, int(v)) for t, versions in saved[snapshot.EVENTS]["contracts"].items() for v in versions}
    assert held == set(CONTRACTS)


# --- the HTTP API -----------------------------------------------------------------------

def schemas(doc):
    return doc["components"]["schemas"]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["paths"]["/v1/funds"].pop("get"), "GET /v1/funds: operation removed"),
    (lambda d: schemas(d)["OrganisationOut"]["properties"].pop("ref"),
     "GET /v1/programmes/{programme_id}: response 200 field `reporting_org.ref` removed"),
    (lambda d: schemas(d)["ProgrammeOut"]["properties"].update(version={"type": "string"}),
     "GET /v1/programmes/{programme_id}: response 200 field `version` type changed from ['integer'] to ['string']"),
    (lambda d: schemas(d)["ProgrammeOut"]["properties"]["cities"]["items"].update({"$ref": "#/components/schemas/x"}) or
     schemas(d).update(x={"type": "object", "properties": {}}),
     "GET /v1/programmes/{programme_id}: response 200 field `cities[].id` removed"),
    (lambda d: schemas(d)["ContributionInput"].setdefault("required", []).append("note") or
     schemas(d)["ContributionInput"]["properties"].update(note={"type": "string"}),
     "POST /v1/contributions: request field `note` made required"),
    (lambda d: schemas(d)["FundInput"]["properties"].update(name={"type": "integer"}),
     "POST /v1/funds: request field `name` type changed from ['string'] to ['integer']"),
    (lambda d: d["paths"]["/v1/programmes"]["get"]["parameters"][0].update(required=True),
     "GET /v1/programmes: query parameter"),
])
def test_a_breaking_api_change_fails_naming_the_operation_and_field(saved, change, message):
    old = saved[snapshot.OPENAPI]
    found = openapi_breaks(old, edited(old, change))
    assert found and any(m.startswith(message) for m in found), found


def test_an_additive_api_change_passes(saved):
    def add(d):
        schemas(d)["ProgrammeOut"]["properties"]["website"] = {"type": ["string", "null"]}
        schemas(d)["FundInput"]["properties"]["note"] = {"type": "string"}
        d["paths"]["/v1/novelty"] = {"get": {"responses": {"200": {"description": "new"}}}}
    old = saved[snapshot.OPENAPI]
    assert openapi_breaks(old, edited(old, add)) == []


def test_make_contracts_refuses_to_write_a_breaking_snapshot(monkeypatch, tmp_path, saved, capsys):
    api = saved[snapshot.OPENAPI]
    for name, path in (("EVENTS", snapshot.EVENTS), ("OPENAPI", snapshot.OPENAPI)):
        copy_path = tmp_path / path.name
        copy_path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        monkeypatch.setattr(snapshot, name, copy_path)
    monkeypatch.setattr(snapshot, "SNAPSHOT", tmp_path)
    broken = edited(describe_events(), lambda e: result_approved(e).pop("value"))
    monkeypatch.setattr(snapshot, "current", lambda: {snapshot.EVENTS: broken,
                                                      snapshot.OPENAPI: api})
    before = snapshot.EVENTS.read_text(encoding="utf-8")
    assert snapshot.main([]) == 1
    assert snapshot.EVENTS.read_text(encoding="utf-8") == before
    assert "field `value` removed" in capsys.readouterr().err
    assert snapshot.main(["--accept-breaking"]) == 0
    assert "value" not in json.loads(snapshot.EVENTS.read_text(encoding="utf-8"))["contracts"]["result.approved"]["1"][
        "fields"]
