"""Use cases of the grants service against the in-memory unit of work (grants_testkit.py):
events, bad input, who may do what, and the passing of time."""
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from grants_testkit import (
    ADMIN,
    JINJA,
    KISUMU,
    REVIEW,
    REVIEWER_A,
    REVIEWER_B,
    application_body,
    call_body,
    fund_body,
    reviewed_application,
    usd,
    use_cases,
)

from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


def D(x):  # noqa: N802
    return Decimal(x)


def award(uow, app_id, **changes):
    body = {"decision": "award", "reasons": ["strong local ownership"]}
    body.update(changes)
    return use_cases.determine(uow, app_id, body, actor=ADMIN)


def wire(envelope):
    return json.loads(json.dumps(envelope.to_message()))["payload"]


# --- funds, rates, contributions ---------------------------------------------------------------

def test_the_money_path_emits_iati_typed_events_with_decimal_strings(uow, funded):
    assert uow.types() == ["fund.created", "contribution.pledged", "contribution.received", "call.opened"]
    pledged, received = wire(uow.events("contribution.pledged")[0]), wire(uow.events("contribution.received")[0])
    assert (pledged["transaction_type"], pledged["amount"], pledged["currency"], pledged["window"]) == (
        "11", "100000.00", "USD", "country_city")
    assert (received["transaction_type"], received["amount"], received["status"], received["previous_status"]) == (
        "1", "100000.00", "received", "pledged")
    assert received["fund_balance"] == {"currency": "USD", "pledged": "100000.00", "received": "100000.00",
                                        "committed": "0.00", "disbursed": "0.00", "available": "100000.00"}
    fund = use_cases.get_fund(uow, funded["fund"]["id"])
    assert fund["balance"]["available"] == "100000.00" and "available 100000.00 = received" in \
        fund["balance"]["explanation"]


def test_a_contribution_in_another_currency_converts_at_the_rate_of_its_value_date(uow):
    fund = use_cases.create_fund(uow, fund_body())
    use_cases.load_rates(uow, {"rates": [
        {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.10"},
        {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-07-01", "rate": "1.20"}]})
    pledge = use_cases.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "Sweden",
                                                "amount": {"amount": "100000.00", "currency": "EUR"},
                                                "value_date": "2020-06-30"})
    assert (pledge["amount"], pledge["original_amount"], pledge["exchange_rate"]) == (
        usd("110000.00"), {"amount": "100000.00", "currency": "EUR"}, "1.10")
    done = use_cases.receive_contribution(uow, pledge["id"], {"value_date": "2020-07-15"})
    assert done["received"] == usd("120000.00") and done["status"] == "received"
    event = wire(uow.events("contribution.received")[0])
    assert (event["original_amount"], event["original_currency"], event["amount"], event["exchange_rate"],
            event["value_date"]) == ("100000.00", "EUR", "120000.00", "1.20", "2020-07-15")


def test_a_missing_rate_is_a_422_and_nothing_is_kept(uow):
    fund = use_cases.create_fund(uow, fund_body())
    before = uow.commits
    with pytest.raises(InvalidInput) as caught:
        use_cases.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "Japan",
                                           "amount": {"amount": "1000000", "currency": "JPY"}})
    assert list(caught.value.errors) == ["amount.currency"] and "JPY->USD" in caught.value.errors["amount.currency"][0]
    assert uow.commits == before and uow.state.contributions == {} and uow.state.ledger == []


@pytest.mark.parametrize("amount, field", [
    ({"amount": "-5.00", "currency": "USD"}, "amount.amount"),
    ({"amount": "0", "currency": "USD"}, "amount.amount"),
    ({"amount": "0.00", "currency": "USD"}, "amount.amount"),
    ({"amount": "ten", "currency": "USD"}, "amount.amount"),
    ({"amount": "12,50", "currency": "USD"}, "amount.amount"),
    ({"amount": "1e3", "currency": "USD"}, None),                 # a valid decimal string: accepted
    ({"amount": "NaN", "currency": "USD"}, "amount.amount"),
    ({"amount": 12.5, "currency": "USD"}, "amount.amount"),      # a float, even an exact one
    ({"amount": "10.555", "currency": "USD"}, "amount.amount"),
    ({"amount": "1000000000.01", "currency": "USD"}, "amount.amount"),   # beyond the ceiling
    ({"amount": "100.00", "currency": "XXY"}, "amount.currency"),
    ({"amount": "100.00", "currency": "usd"}, "amount.currency"),
    ({"amount": "100.00"}, "amount.currency"),
    ("100.00 USD", "amount"),
])
def test_bad_amounts_name_the_field_and_keep_the_balance(uow, funded, amount, field):
    fund_id = funded["fund"]["id"]
    before = use_cases.get_fund(uow, fund_id)["balance"]
    body = {"fund_id": fund_id, "contributor": "Norway", "amount": amount}
    if field is None:
        use_cases.pledge_contribution(uow, body)
        return
    commits = uow.commits
    with pytest.raises(InvalidInput) as caught:
        use_cases.pledge_contribution(uow, body)
    assert set(caught.value.errors) == {field}
    assert uow.commits == commits and use_cases.get_fund(uow, fund_id)["balance"] == before


def test_a_converted_amount_beyond_the_ceiling_is_refused(uow):
    fund = use_cases.create_fund(uow, fund_body())
    use_cases.load_rates(uow, {"rates": [{"from_currency": "GBP", "to_currency": "USD",
                                         "effective_date": "2000-01-01", "rate": "1.5"}]})
    with pytest.raises(InvalidInput) as caught:
        use_cases.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "UK",
                                           "amount": {"amount": "900000000", "currency": "GBP"}})
    assert list(caught.value.errors) == ["amount.amount"]


@pytest.mark.parametrize("changes, fields", [
    ({"window": "regional"}, {"window"}),
    ({"currency": "XYZ"}, {"currency"}),
    ({"eligible_applicant_types": ["99"]}, {"eligible_applicant_types.0"}),
    ({"eligible_countries": ["ZZ"]}, {"eligible_countries.0"}),
    ({"eligible_countries": []}, {"eligible_countries"}),
    ({"max_cofinancing_share": "1.5"}, {"max_cofinancing_share"}),
    ({"max_cofinancing_share": "0"}, {"max_cofinancing_share"}),
    ({"min_grant": {"amount": "100", "currency": "EUR"}}, {"min_grant.currency"}),
    ({"min_grant": usd("90000")}, {"min_grant"}),
    ({"colour": "red"}, {"colour"}),
])
def test_bad_funds_are_refused_naming_each_field(uow, changes, fields):
    with pytest.raises(InvalidInput) as caught:
        use_cases.create_fund(uow, fund_body(**changes))
    assert set(caught.value.errors) == fields and uow.outbox == []


def test_rates_must_be_positive_and_distinct(uow):
    with pytest.raises(InvalidInput) as caught:
        use_cases.load_rates(uow, {"rates": [
            {"from_currency": "EUR", "to_currency": "EUR", "effective_date": "2020-01-01", "rate": "1"},
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "-1"},
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-13-01", "rate": "1"}]})
    assert set(caught.value.errors) == {"rates.0.to_currency", "rates.1.rate", "rates.2.effective_date"}
    with pytest.raises(InvalidInput) as caught:
        use_cases.load_rates(uow, {"rates": [
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.1"},
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.2"}]})
    assert set(caught.value.errors) == {"rates.1"}


# --- calls, applications, reviews ------------------------------------------------------------------

def test_an_application_is_submitted_and_screened_with_every_failure(uow, funded):
    app = use_cases.submit_application(uow, application_body(
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
    app = use_cases.submit_application(uow, application_body(funded["call"]["id"]),
                                      programme={"id": "p-1", "iati_identifier": "XM-DAC-7-P1"})
    assert app["status"] == "under_review" and app["screening"] == {"passed": True, "failures": []}
    assert app["allowed_actions"] == ["award", "reject", "review", "withdraw"]
    screened = wire(uow.events("application.screened")[0])
    assert (screened["amount_requested"], screened["currency"], screened["programme_id"],
            screened["programme_iati_identifier"], screened["targets"], screened["status"]) == (
        "40000.00", "USD", "p-1", "XM-DAC-7-P1", [{"indicator": "people_reached", "value": 5000}], "under_review")


def test_a_late_application_is_refused_and_not_kept(uow, funded):
    call_id = funded["call"]["id"]
    use_cases.sweep(uow, datetime.now(timezone.utc) + timedelta(days=31))
    with pytest.raises(Conflict) as caught:
        use_cases.submit_application(uow, application_body(call_id))
    assert caught.value.allowed == [] and "closed" in caught.value.detail
    assert uow.state.applications == {}
    closed = wire(uow.events("call.closed")[0])
    assert (closed["reason"], closed["status"], closed["applications"]) == ("deadline", "closed", 0)


def test_an_application_past_the_deadline_but_before_the_sweep_is_refused_too(uow, funded):
    call = uow.state.calls[funded["call"]["id"]]
    call.closes_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    uow._committed = uow.state
    with pytest.raises(Conflict, match="late applications are refused"):
        use_cases.submit_application(uow, application_body(call.id))


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
        use_cases.submit_application(uow, {**application_body(funded["call"]["id"]), **changes})
    assert set(caught.value.errors) == fields and uow.state.applications == {}


def test_reviews_by_ineligible_reviewers_are_refused(uow, funded):
    app = use_cases.submit_application(uow, application_body(funded["call"]["id"]))
    own = {"key_id": "key_jmc_admin", "organisation": "Jinja Municipal Council", "role": "admin", "scopes": []}
    with pytest.raises(Forbidden, match="own organisation"):
        use_cases.submit_review(uow, app["id"], REVIEW, actor=own)
    with pytest.raises(Forbidden):
        use_cases.submit_review(uow, app["id"], REVIEW, actor=KISUMU)   # a partner is no reviewer
    with pytest.raises(Forbidden):
        use_cases.submit_review(uow, app["id"], {**REVIEW, "reviewer_organisation": "World Bank"}, actor=REVIEWER_A)
    use_cases.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    with pytest.raises(Conflict, match="already reviewed"):
        use_cases.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    with pytest.raises(InvalidInput) as caught:
        use_cases.submit_review(uow, app["id"], {**REVIEW, "scores": {"relevance": 9}}, actor=REVIEWER_B)
    assert set(caught.value.errors) == {"scores.relevance", "scores.feasibility"}
    with pytest.raises(InvalidInput) as caught:
        use_cases.submit_review(uow, app["id"], REVIEW)   # internal call: name the reviewer
    assert set(caught.value.errors) == {"reviewer", "reviewer_organisation"}
    assert [wire(e)["reviewer"] for e in uow.events("review.submitted")] == ["key_rev_a"]


def test_the_determination_needs_the_calls_reviews_and_an_admin(uow, funded):
    app = use_cases.submit_application(uow, application_body(funded["call"]["id"]))
    use_cases.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    with pytest.raises(Conflict, match="asks for 2 review"):
        award(uow, app["id"])
    use_cases.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_B)
    with pytest.raises(Forbidden):
        use_cases.determine(uow, app["id"], {"decision": "award", "reasons": ["x"]}, actor=JINJA)
    with pytest.raises(InvalidInput) as caught:
        use_cases.determine(uow, app["id"], {"decision": "reject", "reasons": [], "amount": usd("1")})
    assert set(caught.value.errors) == {"reasons", "amount"}
    result = use_cases.determine(uow, app["id"], {"decision": "reject", "reasons": ["weak budget"]})
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
    assert use_cases.get_fund(uow, funded["fund"]["id"])["balance"]["committed"] == "36000.00"
    assert use_cases.get_call(uow, funded["call"]["id"])["remaining"] == usd("64000.00")


def test_an_award_beyond_the_balance_changes_nothing(uow, funded):
    other_call = use_cases.open_call(uow, call_body(funded["fund"]["id"], title="Another call"))
    first = reviewed_application(uow, funded["call"]["id"], amount_requested=usd("70000"),
                                 project_cost=usd("100000"))
    second = reviewed_application(uow, other_call["id"], applicant_organisation="Kisumu County",
                                  country="KE", city="Kisumu", amount_requested=usd("40000"))
    award(uow, first["id"])
    events, balance = len(uow.outbox), use_cases.get_fund(uow, funded["fund"]["id"])["balance"]
    with pytest.raises(Conflict, match="available balance is 30000.00 USD"):
        award(uow, second["id"])
    assert len(uow.outbox) == events and use_cases.get_fund(uow, funded["fund"]["id"])["balance"] == balance
    assert use_cases.get_application(uow, second["id"])["status"] == "under_review"


# --- grants after the award --------------------------------------------------------------------------

@pytest.fixture
def grant(uow, funded):
    app = reviewed_application(uow, funded["call"]["id"])
    return award(uow, app["id"], tranches=[
        {"amount": usd("30000")}, {"amount": usd("10000"), "condition": "report_approved", "report": 1}], reports=[
        {"title": "Mid-term report", "due_date": (date.today() + timedelta(days=90)).isoformat()},
        {"title": "Final report", "due_date": (date.today() + timedelta(days=360)).isoformat(), "final": True}])[
        "grant"]


def test_the_whole_grant_to_closeout(uow, funded, grant):
    gid = grant["id"]
    use_cases.disburse(uow, gid, {"tranche": 1})
    with pytest.raises(Conflict, match="approved"):
        use_cases.disburse(uow, gid, {"tranche": 2})
    use_cases.submit_report(uow, gid, "1", {"summary": "Half the stalls are built.",
                                          "results": [{"indicator": "people_reached", "value": 2500}]}, actor=JINJA)
    use_cases.review_report(uow, gid, "1", {}, approve=True)
    result = use_cases.disburse(uow, gid, {"tranche": 2, "value_date": "2021-03-01"})
    assert result["disbursement"]["transaction_type"] == "3" and result["disbursement"]["value_date"] == "2021-03-01"
    use_cases.submit_report(uow, gid, "2", {"summary": "All built.",
                                          "results": [{"indicator": "people_reached", "value": 5000}]}, actor=JINJA)
    use_cases.review_report(uow, gid, "2", {"feedback": "Thank you"}, approve=True)
    closed = use_cases.close_grant(uow, gid)
    assert (closed["status"], closed["disbursed"], closed["returned"], closed["allowed_actions"]) == (
        "closed", usd("40000.00"), usd("0.00"), [])
    assert closed["value_for_money"] == {"disbursed": "40000.00", "currency": "USD", "people_reached": 5000,
                                         "cost_per_person_reached": "8.00"}
    disbursed = [wire(e) for e in uow.events("tranche.disbursed")]
    assert [(d["tranche_number"], d["amount"], d["grant_disbursed"]) for d in disbursed] == [
        (1, "30000.00", "30000.00"), (2, "10000.00", "40000.00")]
    ended = wire(uow.events("grant.closed")[0])
    assert (ended["returned"], ended["disbursed"], ended["status"], ended["fund_balance"]["available"]) == (
        "0.00", "40000.00", "closed", "60000.00")
    assert uow.types()[-1] == "grant.closed"


def test_cancelling_returns_the_undisbursed_money(uow, funded, grant):
    use_cases.disburse(uow, grant["id"], {"tranche": 1, "amount": usd("12000")})
    with pytest.raises(InvalidInput) as caught:
        use_cases.cancel_grant(uow, grant["id"], {"reason": " "})
    assert list(caught.value.errors) == ["reason"]
    cancelled = use_cases.cancel_grant(uow, grant["id"], {"reason": "The project was abandoned."})
    assert (cancelled["status"], cancelled["returned"], cancelled["undisbursed"]) == (
        "cancelled", usd("28000.00"), usd("0.00"))
    balance = use_cases.get_fund(uow, funded["fund"]["id"])["balance"]
    assert (balance["received"], balance["committed"], balance["disbursed"], balance["available"]) == (
        "100000.00", "12000.00", "12000.00", "88000.00")
    event = wire(uow.events("grant.cancelled")[0])
    assert (event["transaction_type"], event["returned"], event["reason"]) == ("2", "28000.00",
                                                                              "The project was abandoned.")
    with pytest.raises(Conflict) as caught:
        use_cases.disburse(uow, grant["id"], {"tranche": 1})
    assert caught.value.allowed == [] and "cancelled" in caught.value.detail


def test_disbursements_beyond_the_commitment_are_refused(uow, grant):
    with pytest.raises(InvalidInput) as caught:
        use_cases.disburse(uow, grant["id"], {"tranche": 1, "amount": usd("30000.01")})
    assert list(caught.value.errors) == ["amount.amount"]
    with pytest.raises(InvalidInput) as caught:
        use_cases.disburse(uow, grant["id"], {"tranche": 1, "amount": {"amount": "10", "currency": "EUR"}})
    assert list(caught.value.errors) == ["amount.currency"]
    with pytest.raises(InvalidInput) as caught:
        use_cases.disburse(uow, grant["id"], {"tranche": 0})
    assert list(caught.value.errors) == ["tranche"]
    assert uow.events("tranche.disbursed") == []


def test_the_closeout_needs_the_final_report(uow, grant):
    with pytest.raises(Conflict, match="final report approved; it is due"):
        use_cases.close_grant(uow, grant["id"])
    with pytest.raises(Conflict) as caught:
        use_cases.review_report(uow, grant["id"], "2", {}, approve=True)
    assert caught.value.allowed == ["submit"]


def test_reports_due_and_overdue_are_sent_once(uow, grant):
    mid = date.today() + timedelta(days=90)
    at = lambda d: datetime(d.year, d.month, d.day, 9, tzinfo=timezone.utc)  # noqa: E731
    assert use_cases.sweep(uow, at(mid - timedelta(days=20))) == {"calls_closed": 1, "reports_due": 0,
                                                                "reports_overdue": 0}
    assert use_cases.sweep(uow, at(mid - timedelta(days=14)))["reports_due"] == 1
    assert use_cases.sweep(uow, at(mid - timedelta(days=13)))["reports_due"] == 0
    assert use_cases.sweep(uow, at(mid))["reports_overdue"] == 0
    late = at(mid + timedelta(days=3))
    assert use_cases.sweep(uow, late)["reports_overdue"] == 1
    assert use_cases.sweep(uow, late + timedelta(days=1))["reports_overdue"] == 0
    due, overdue = uow.events("report.due"), uow.events("report.overdue")
    assert len(due) == 1 and len(overdue) == 1
    assert (wire(overdue[0])["days_overdue"], wire(overdue[0])["title"]) == (3, "Mid-term report")
    listed = use_cases.list_reports(uow, {"overdue": True}, today=late.date())
    assert [(r["title"], r["overdue"]) for r in listed["items"]] == [("Mid-term report", True)]
    assert use_cases.list_reports(uow, {"overdue": True}, actor=KISUMU, today=late.date())["items"] == []


# --- who sees what -------------------------------------------------------------------------------

def test_admin_only_operations_are_forbidden_to_partners(uow, funded, grant):
    for call in (lambda: use_cases.create_fund(uow, fund_body(), actor=JINJA),
                 lambda: use_cases.load_rates(uow, {"rates": []}, actor=JINJA),
                 lambda: use_cases.pledge_contribution(uow, {}, actor=JINJA),
                 lambda: use_cases.open_call(uow, call_body(funded["fund"]["id"]), actor=JINJA),
                 lambda: use_cases.close_call(uow, funded["call"]["id"], actor=JINJA),
                 lambda: use_cases.disburse(uow, grant["id"], {"tranche": 1}, actor=JINJA),
                 lambda: use_cases.cancel_grant(uow, grant["id"], {"reason": "x"}, actor=JINJA),
                 lambda: use_cases.review_report(uow, grant["id"], "1", {}, actor=JINJA, approve=True),
                 lambda: use_cases.fund_ledger(uow, funded["fund"]["id"], actor=JINJA)):
        with pytest.raises(Forbidden):
            call()


def test_a_partner_sees_and_writes_only_its_own(uow, funded, grant):
    mine = use_cases.submit_application(uow, application_body(funded["call"]["id"], applicant_organisation=None,
                                                             city="Kisumu", country="KE"), actor=KISUMU)
    assert mine["applicant_organisation"] == "Kisumu County"
    with pytest.raises(Forbidden):
        use_cases.submit_application(uow, application_body(funded["call"]["id"]), actor=KISUMU)
    jinja_apps = use_cases.list_applications(uow, {}, actor=JINJA)["items"]
    assert {a["applicant_organisation"] for a in jinja_apps} == {"Jinja Municipal Council"}
    assert [a["id"] for a in use_cases.list_applications(uow, {}, actor=KISUMU)["items"]] == [mine["id"]]
    assert use_cases.list_applications(uow, {"applicant_organisation": "Jinja Municipal Council"},
                                      actor=KISUMU)["items"] == []
    with pytest.raises(NotFound):
        use_cases.get_application(uow, jinja_apps[0]["id"], actor=KISUMU)
    assert "reviews" not in use_cases.get_application(uow, mine["id"], actor=KISUMU)
    with pytest.raises(NotFound):
        use_cases.get_grant(uow, grant["id"], actor=KISUMU)
    with pytest.raises(NotFound):
        use_cases.submit_report(uow, grant["id"], "1", {"summary": "x"}, actor=KISUMU)
    with pytest.raises(NotFound):
        use_cases.withdraw_application(uow, jinja_apps[0]["id"], {}, actor=KISUMU)
    assert use_cases.get_grant(uow, grant["id"], actor=JINJA)["id"] == grant["id"]
    assert use_cases.list_grants(uow, {}, actor=KISUMU)["items"] == []
    with pytest.raises(InvalidInput):
        use_cases.list_disbursements(uow, {}, actor=KISUMU)
    with pytest.raises(NotFound):
        use_cases.list_disbursements(uow, {"grant_id": grant["id"]}, actor=KISUMU)
    withdrawn = use_cases.withdraw_application(uow, mine["id"], {}, actor=KISUMU)
    assert withdrawn["status"] == "withdrawn"
    with pytest.raises(Conflict) as caught:
        use_cases.withdraw_application(uow, mine["id"], {}, actor=KISUMU)
    assert caught.value.allowed == []


# --- lists -----------------------------------------------------------------------------------------

def test_lists_filter_and_page_with_a_cursor(uow, funded):
    for i in range(5):
        use_cases.create_fund(uow, fund_body(name=f"Global fund {i}", window="global"))
    page = use_cases.list_funds(uow, {"window": "global", "limit": 2})
    seen = [f["name"] for f in page["items"]]
    while page["next_cursor"]:
        page = use_cases.list_funds(uow, {"window": "global", "limit": 2}, cursor=page["next_cursor"])
        seen += [f["name"] for f in page["items"]]
    assert seen == [f"Global fund {i}" for i in range(5)]
    assert [f["window"] for f in use_cases.list_funds(uow, {"window": "country_city"})["items"]] == ["country_city"]
    with pytest.raises(InvalidInput) as caught:
        use_cases.list_funds(uow, {"limit": 0})
    assert list(caught.value.errors) == ["limit"]
    with pytest.raises(InvalidInput) as caught:
        use_cases.list_funds(uow, {}, cursor="garbage")
    assert list(caught.value.errors) == ["cursor"]


def test_the_ledger_lists_every_transaction_of_a_fund(uow, funded, grant):
    use_cases.disburse(uow, grant["id"], {"tranche": 1})
    ledger = use_cases.fund_ledger(uow, funded["fund"]["id"], {})
    assert [(e["transaction_type"], e["amount"]["amount"]) for e in ledger["items"]] == [
        ("11", "100000.00"), ("1", "100000.00"), ("2", "40000.00"), ("3", "30000.00")]
    only = use_cases.list_disbursements(uow, {"grant_id": grant["id"]})
    assert [e["transaction_type_name"] for e in only["items"]] == ["Disbursement"]
    assert use_cases.list_disbursements(uow, {"grant_id": grant["id"]}, actor=JINJA)["items"] == only["items"]


def test_readers_only_read(uow, funded, grant):
    reader = {"key_id": "key_r", "organisation": "Jinja Municipal Council", "role": "reader", "scopes": ["read"]}
    with pytest.raises(Forbidden):
        use_cases.submit_application(uow, application_body(funded["call"]["id"]), actor=reader)
    with pytest.raises(Forbidden):
        use_cases.submit_report(uow, grant["id"], "1", {"summary": "x"}, actor=reader)
    assert use_cases.get_grant(uow, grant["id"], actor=reader)["id"] == grant["id"]
