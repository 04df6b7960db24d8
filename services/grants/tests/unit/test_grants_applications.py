"""Calls, applications, reviews and determinations through the use cases and the in-memory
unit of work: screening, events, bad input."""
from datetime import date, datetime, timedelta, timezone

import pytest
from grants_requests import (
    JINJA,
    KISUMU,
    REVIEW,
    REVIEWER_A,
    REVIEWER_B,
    application_body,
    award,
    call_body,
    handlers,
    reviewed_application,
    usd,
    wire,
)

from shared.errors import Conflict, Forbidden, InvalidInput

# --- calls, applications, reviews ------------------------------------------------------------------

def test_an_application_is_submitted_and_screened_with_every_failure(uow, funded):
    app = handlers.submit_application(uow, application_body(
        funded["call"]["id"], applicant_type="70", country="TZ", amount_requested=usd("45000"), answers={}))
    assert app["status"] == "ineligible" and app["allowed_actions"] == []
    assert [f["rule"] for f in app["screening"]["failures"]] == ["applicant_type", "country", "cofinancing",
                                                                 "questions"]
    screened = wire(uow.events("application.screened")[0])
    assert (screened["passed"], screened["status"], screened["previous_status"]) == (False, "ineligible",
                                                                                     "submitted")
    assert [f["rule"] for f in screened["failures"]] == ["applicant_type", "country", "cofinancing", "questions"]
    assert uow.types()[-2:] == ["application.submitted", "application.screened"]


def test_an_eligible_application_enters_the_pipeline_with_its_claims(uow, funded):
    app = handlers.submit_application(uow, application_body(funded["call"]["id"]),
                                      programme={"id": "p-1", "iati_identifier": "XM-DAC-7-P1"})
    assert app["status"] == "under_review" and app["screening"] == {"passed": True, "failures": []}
    assert app["allowed_actions"] == ["award", "reject", "review", "withdraw"]
    screened = wire(uow.events("application.screened")[0])
    assert (screened["amount_requested"], screened["currency"], screened["programme_id"],
            screened["programme_iati_identifier"], screened["targets"], screened["status"]) == (
        "40000.00", "USD", "p-1", "XM-DAC-7-P1", [{"indicator": "people_reached", "value": 5000}], "under_review")


def test_a_late_application_is_refused_and_not_kept(uow, funded):
    call_id = funded["call"]["id"]
    handlers.sweep(uow, datetime.now(timezone.utc) + timedelta(days=31))
    with pytest.raises(Conflict) as caught:
        handlers.submit_application(uow, application_body(call_id))
    assert caught.value.allowed == [] and "closed" in caught.value.detail
    assert uow.state.applications == {}
    closed = wire(uow.events("call.closed")[0])
    assert (closed["reason"], closed["status"], closed["applications"]) == ("deadline", "closed", 0)


def test_an_application_past_the_deadline_but_before_the_sweep_is_refused_too(uow, funded):
    call = uow.state.calls[funded["call"]["id"]]
    call.closes_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    uow._committed = uow.state
    with pytest.raises(Conflict, match="late applications are refused"):
        handlers.submit_application(uow, application_body(call.id))


@pytest.mark.parametrize("changes, fields", [
    ({"call_id": "nope"}, {"call_id"}),
    ({"amount_requested": usd("-1")}, {"amount_requested.amount"}),
    ({"amount_requested": {"amount": "100", "currency": "EUR"}}, {"amount_requested.currency"}),
    ({"project_cost": {"amount": "1", "currency": "ABC"}}, {"project_cost.currency"}),
    ({"theme": "housing"}, {"theme"}),
    ({"applicant_type": "99"}, {"applicant_type"}),
    ({"country": "ZZ"}, {"country"}),
    ({"targets": [{"indicator": "happiness", "value": 1}]}, {"targets.0.indicator"}),
    ({"answers": {"ownership": "x", "colour": "red"}}, {"answers.colour"}),
    ({"proposal": "  "}, {"proposal"}),
])
def test_bad_applications_are_refused_naming_each_field(uow, funded, changes, fields):
    with pytest.raises(InvalidInput) as caught:
        handlers.submit_application(uow, {**application_body(funded["call"]["id"]), **changes})
    assert set(caught.value.errors) == fields and uow.state.applications == {}


def test_reviews_by_ineligible_reviewers_are_refused(uow, funded):
    app = handlers.submit_application(uow, application_body(funded["call"]["id"]))
    own = {"key_id": "key_jmc_admin", "organisation": "Jinja Municipal Council", "role": "admin", "scopes": []}
    with pytest.raises(Forbidden, match="own organisation"):
        handlers.submit_review(uow, app["id"], REVIEW, actor=own)
    with pytest.raises(Forbidden):
        handlers.submit_review(uow, app["id"], REVIEW, actor=KISUMU)   # a partner is no reviewer
    with pytest.raises(Forbidden):
        handlers.submit_review(uow, app["id"], {**REVIEW, "reviewer_organisation": "World Bank"}, actor=REVIEWER_A)
    handlers.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    with pytest.raises(Conflict, match="already reviewed"):
        handlers.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    with pytest.raises(InvalidInput) as caught:
        handlers.submit_review(uow, app["id"], {**REVIEW, "scores": {"relevance": 9}}, actor=REVIEWER_B)
    assert set(caught.value.errors) == {"scores.relevance", "scores.feasibility"}
    with pytest.raises(InvalidInput) as caught:
        handlers.submit_review(uow, app["id"], REVIEW)   # internal call: name the reviewer
    assert set(caught.value.errors) == {"reviewer", "reviewer_organisation"}
    assert [wire(e)["reviewer"] for e in uow.events("review.submitted")] == ["key_rev_a"]


def test_the_determination_needs_the_calls_reviews_and_an_admin(uow, funded):
    app = handlers.submit_application(uow, application_body(funded["call"]["id"]))
    handlers.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    with pytest.raises(Conflict, match="asks for 2 review"):
        award(uow, app["id"])
    handlers.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_B)
    with pytest.raises(Forbidden):
        handlers.determine(uow, app["id"], {"decision": "award", "reasons": ["x"]}, actor=JINJA)
    with pytest.raises(InvalidInput) as caught:
        handlers.determine(uow, app["id"], {"decision": "reject", "reasons": [], "amount": usd("1")})
    assert set(caught.value.errors) == {"reasons", "amount"}
    result = handlers.determine(uow, app["id"], {"decision": "reject", "reasons": ["weak budget"]})
    assert result["grant"] is None and result["application"]["status"] == "rejected"
    assert len(result["application"]["reviews"]) == 2
    rejected = wire(uow.events("application.rejected")[0])
    assert (rejected["reasons"], rejected["reviews"], rejected["status"]) == (["weak budget"], 2, "rejected")
    with pytest.raises(Conflict) as caught:
        award(uow, app["id"])
    assert caught.value.allowed == []


def test_an_award_commits_money_and_tells_metrics_everything(uow, funded):
    app = reviewed_application(uow, funded["call"]["id"])
    result = award(uow, app["id"], amount=usd("36000"), tranches=[
        {"amount": usd("26000"), "planned_date": date.today().isoformat()},
        {"amount": usd("10000"), "condition": "report_approved", "report": 1}], reports=[
        {"title": "Mid-term report", "due_date": (date.today() + timedelta(days=120)).isoformat()},
        {"title": "Final report", "due_date": (date.today() + timedelta(days=360)).isoformat(), "final": True}])
    grant = result["grant"]
    assert result["application"]["status"] == "awarded" and result["application"]["grant_id"] == grant["id"]
    assert (grant["amount"], grant["status"], grant["undisbursed"]) == (usd("36000.00"), "active", usd("36000.00"))
    assert [(t["number"], t["condition"], t["condition_report"], t["condition_met"]) for t in grant["tranches"]] == [
        (1, "none", None, True), (2, "report_approved", 1, False)]
    assert uow.types()[-2:] == ["application.awarded", "grant.committed"]
    committed = wire(uow.events("grant.committed")[0])
    assert (committed["transaction_type"], committed["amount"], committed["currency"], committed["fund_id"],
            committed["window"], committed["theme"], committed["country"], committed["city"],
            committed["recipient_organisation"], committed["recipient_type"], committed["programme_id"]) == (
        "2", "36000.00", "USD", funded["fund"]["id"], "country_city", "gender_equality", "UG", "Jinja",
        "Jinja Municipal Council", "11", "p-1")
    assert committed["fund_balance"]["available"] == "64000.00" and committed["call_committed"] == "36000.00"
    assert [t["amount"] for t in committed["tranches"]] == ["26000.00", "10000.00"]
    assert handlers.get_fund(uow, funded["fund"]["id"])["balance"]["committed"] == "36000.00"
    assert handlers.get_call(uow, funded["call"]["id"])["remaining"] == usd("64000.00")


def test_an_award_beyond_the_balance_changes_nothing(uow, funded):
    other_call = handlers.open_call(uow, call_body(funded["fund"]["id"], title="Another call"))
    first = reviewed_application(uow, funded["call"]["id"], amount_requested=usd("70000"),
                                 project_cost=usd("100000"))
    second = reviewed_application(uow, other_call["id"], applicant_organisation="Kisumu County",
                                  country="KE", city="Kisumu", amount_requested=usd("40000"))
    award(uow, first["id"])
    events, balance = len(uow.outbox), handlers.get_fund(uow, funded["fund"]["id"])["balance"]
    with pytest.raises(Conflict, match="available balance is 30000.00 USD"):
        award(uow, second["id"])
    assert len(uow.outbox) == events and handlers.get_fund(uow, funded["fund"]["id"])["balance"] == balance
    assert handlers.get_application(uow, second["id"])["status"] == "under_review"
