"""Result use cases and who may do what, on a real unit of work over a throw-away SQLite
database (conftest.py): the review workflow, its events, what it refuses."""
from decimal import Decimal

import pytest
from programmes_requests import (
    ADMIN,
    OTHER,
    PARTNER,
    PERIOD,
    READER,
    approved,
    body,
    city_id,
    counts,
    handlers,
    ids,
    new_result,
)

from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

# --- results: review workflow -----------------------------------------------------------------

def test_draft_submit_approve_emits_submitted_then_approved(uow, live):
    draft = new_result(uow, live, 1200, disaggregations={"sex": {"female": "700", "male": "500"}})
    assert draft["status"] == "draft" and draft["approved_value"] is None
    assert uow.types()[-1] == "programme.status_changed"   # a draft is private: no event

    handlers.submit_result(uow, draft["id"])
    view = handlers.approve_result(uow, draft["id"], {"comment": "checked"})
    assert uow.types()[-2:] == ["result.submitted", "result.approved"]
    payload = uow.events[-1].payload
    assert payload["result_id"] == draft["id"] and payload["version"] == 1
    assert payload["value"] == Decimal(1200) and payload["indicator"]["corporate"] is True
    assert payload["city"] == {"id": city_id(live, "Jinja"), "name": "Jinja", "country": "UG"}
    assert payload["period"]["start"].isoformat() == "2020-01-01"
    assert payload["disaggregations"] == {"sex": {"female": Decimal(700), "male": Decimal(500)}}
    assert (view["status"], view["approved_value"], view["approved_version"]) == ("approved", "1200", 1)
    assert [v["log"][-1]["action"] for v in view["versions"]] == ["approved"]


def test_returned_for_revision_with_a_comment(uow, live):
    result = new_result(uow, live)
    handlers.submit_result(uow, result["id"])
    view = handlers.return_result(uow, result["id"], {"comment": "add the sex parts"})
    assert view["status"] == "returned" and view["allowed_actions"] == ["edit", "submit"]
    assert uow.events[-1].type == "result.returned" and uow.events[-1].payload["comment"] == "add the sex parts"
    view = handlers.update_result(uow, result["id"], {"disaggregations": {"sex": {"female": "400", "male": "600"}}})
    assert view["disaggregations"] == {"sex": {"female": "400", "male": "600"}}
    with pytest.raises(InvalidInput) as caught:
        handlers.return_result(uow, result["id"], {"comment": " "})
    assert set(caught.value.errors) == {"comment"}


def test_a_revision_replaces_the_approved_value_and_the_history_stays(uow, live):
    result = approved(uow, live, 1200)
    view = handlers.revise_result(uow, result["id"], {"value": "1000", "comment": "a ward was counted twice"})
    assert (view["status"], view["version"], view["approved_value"]) == ("submitted", 2, "1200")
    assert uow.events[-1].type == "result.submitted" and uow.events[-1].payload["replaces_version"] == 1

    view = handlers.approve_result(uow, result["id"])
    event = uow.events[-1]
    assert event.type == "result.revised"
    assert (event.payload["version"], event.payload["value"]) == (2, Decimal(1000))
    assert (event.payload["previous"]["version"], event.payload["previous"]["value"]) == (1, Decimal(1200))
    assert event.payload["comment"] == "a ward was counted twice"
    assert (view["approved_value"], view["approved_version"]) == ("1000", 2)

    history = handlers.get_result(uow, result["id"])["versions"]
    assert [(v["version"], v["status"], v["value"]) for v in history] == [(1, "superseded", "1200"),
                                                                         (2, "approved", "1000")]
    assert [e["action"] for e in history[0]["log"]] == ["drafted", "submitted", "approved", "superseded"]


@pytest.mark.parametrize("data, field", [
    ({"indicator": "trees_planted"}, "indicator"),                         # not an indicator of the programme
    ({"city_id": "elsewhere"}, "city_id"),                                 # not a city of the programme
    ({"value": -1}, "value"),                                              # negative
    ({"value": 2.5}, "value"),                                             # a float
    ({"value": "10.5"}, "value"),                                          # people are whole
    ({"period": {"start": "2020-06-30", "end": "2020-01-01"}}, "period.end"),   # end before start
    ({"disaggregations": {"sex": {"female": "900", "male": "300"}}}, "disaggregations.sex"),   # parts exceed
    ({"disaggregations": {"sex": {"female": "600", "male": "300", "unknown": "0"}}}, "disaggregations.sex"),
    ({"disaggregations": {"sex": {"women": "1"}}}, "disaggregations.sex.women"),
    ({"disaggregations": {"caste": {"x": "1"}}}, "disaggregations.caste"),
    ({"status": "approved"}, "status"),                                    # server-set
    ({"approved_value": "5"}, "approved_value"),
    # bounds and number forms (shared.bounds, shared.events.fields), enforced by the service too
    ({"value": 10 ** 15}, "value"),                                        # metrics could not sum it
    ({"value": 10 ** 39}, "value"),
    ({"value": "1E+1000000"}, "value"),
    ({"value": " 5 "}, "value"),
    ({"disaggregations": {"sex": {"female": "1000000000000000"}}}, "disaggregations.sex.female"),
    ({"city_id": "Jinja\x00"}, "city_id"),
])
def test_bad_results_name_the_field_and_write_nothing(uow, engine, live, data, field):
    before = counts(engine)
    full = {"indicator": "people_reached", "city_id": city_id(live, "Jinja"), "period": PERIOD, "value": 1000,
            **data}
    with pytest.raises(InvalidInput) as caught:
        handlers.create_result(uow, live["id"], full)
    assert field in caught.value.errors, caught.value.errors
    assert counts(engine) == before


def test_one_result_per_indicator_city_and_period(uow, live):
    new_result(uow, live)
    with pytest.raises(InvalidInput) as caught:
        new_result(uow, live, 5)
    assert set(caught.value.errors) == {"period"}


def test_results_wait_for_implementation(uow, created):
    with pytest.raises(Conflict):
        new_result(uow, created)


# --- who may do what ----------------------------------------------------------------------------

def test_a_partner_sees_and_writes_only_its_organisations_programmes(uow, created):
    assert handlers.get_programme(uow, created["id"], actor=PARTNER)["id"] == created["id"]
    assert handlers.get_programme(uow, created["id"], actor=READER)["id"] == created["id"]
    for call in (lambda: handlers.get_programme(uow, created["id"], actor=OTHER),
                 lambda: handlers.update_programme(uow, created["id"], {"title": "mine"}, actor=OTHER),
                 lambda: handlers.change_status(uow, created["id"], {"status": "cancelled"}, actor=OTHER)):
        with pytest.raises(NotFound):
            call()
    assert handlers.list_programmes(uow, {}, actor=OTHER)["items"] == []
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-9"), actor=OTHER)
    assert set(caught.value.errors) == {"reporting_org.ref"}
    with pytest.raises(Forbidden):
        handlers.update_programme(uow, created["id"], {"title": "x"}, actor=READER)
    handlers.change_status(uow, created["id"], {"status": "implementation"}, actor=PARTNER)


def test_organisations_compare_case_folded_and_an_anonymous_caller_sees_no_programme(uow, created, live):
    same_org = {**PARTNER, "organisation": "xm-org-1"}          # IATI identifiers ignore case
    assert handlers.get_programme(uow, created["id"], actor=same_org)["id"] == created["id"]
    assert ids(handlers.list_programmes(uow, {}, actor=same_org)) == [created["id"]]
    result = new_result(uow, live, actor=same_org)
    assert [r["id"] for r in handlers.list_results(uow, {}, actor=same_org)["items"]] == [result["id"]]
    anonymous = {"kind": "anonymous"}
    with pytest.raises(NotFound):
        handlers.get_programme(uow, created["id"], actor=anonymous)
    assert handlers.list_programmes(uow, {}, actor=anonymous)["items"] == []
    assert handlers.list_results(uow, {}, actor=anonymous)["items"] == []
    with pytest.raises(Forbidden):
        handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-9"), actor=anonymous)


def test_only_an_admin_approves_or_returns(uow, live):
    result = new_result(uow, live, actor=PARTNER)
    handlers.submit_result(uow, result["id"], actor=PARTNER)
    with pytest.raises(Forbidden):
        handlers.approve_result(uow, result["id"], actor=PARTNER)
    with pytest.raises(Forbidden):
        handlers.return_result(uow, result["id"], {"comment": "x"}, actor=PARTNER)
    with pytest.raises(NotFound):
        handlers.get_result(uow, result["id"], actor=OTHER)
    view = handlers.approve_result(uow, result["id"], actor=ADMIN)
    assert view["versions"][0]["log"][-1]["by"] == "platform"
