"""Grants end to end: the four services as processes, driven through the gateway over HTTP
with API keys, on SQLite and PostgreSQL. Contribution -> call -> application -> screening ->
reviews -> award -> tranches -> reports -> closeout; a cancellation returning the undisbursed
money; bad input; metrics counting the commitment."""
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests

from tests.e2e.conftest import ADMIN_KEY
from tests.grants_flow import REVIEW, Http, application_body, call_body, fund_body, money
from tests.programmes_flow import programme_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

# The applicant's organisation: its keys' organisation is the reporting organisation of the
# programme its applications name (an application names one of the applicant's programmes).
JINJA = {"ref": "XM-JINJA", "name": "Jinja Municipal Council", "type": "11"}


@pytest.fixture(scope="module")
def keys(platform):
    admin = Http(platform, ADMIN_KEY)
    return {
        "admin": admin,
        "reviewer_a": admin.as_key(admin.new_key("UN-Habitat", "admin")),
        "reviewer_b": admin.as_key(admin.new_key("XM-DAC-44000", "admin")),
        "jinja_admin": admin.as_key(admin.new_key(JINJA["ref"], "admin")),
        "jinja": admin.as_key(admin.new_key(JINJA["ref"], "partner")),
        "kisumu": admin.as_key(admin.new_key("XM-KISUMU", "partner")),
        "public": Http(platform),
    }


@pytest.fixture(scope="module")
def programme(keys):
    admin = keys["admin"]
    return admin.ok(admin.post("/v1/programmes", programme_body("Jinja market economy", org=JINJA)), 201)


@pytest.fixture(scope="module")
def rates(keys):
    return keys["admin"].ok(keys["admin"].post("/v1/rates", {"rates": [
        {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.10"},
        {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-07-01", "rate": "1.20"}]}), 201)


def sign(keys, grant):
    """The grantee (Jinja's partner key) signs the grant's agreement; the fund countersigns."""
    keys["jinja"].ok(keys["jinja"].post(f"/v1/grants/{grant['id']}/agreement/signature", {}))
    keys["admin"].ok(keys["admin"].post(f"/v1/grants/{grant['id']}/agreement/countersignature", {}))


def funded_call(keys, received_eur="100000.00", envelope="200000.00", required_reviews=2):
    """A USD fund fed by a EUR contribution (pledged at 1.10, received at 1.20) and an open call."""
    admin = keys["admin"]
    fund = admin.ok(admin.post("/v1/funds", fund_body()), 201)
    pledge = admin.ok(admin.post("/v1/contributions", {
        "fund_id": fund["id"], "contributor": "Government of Sweden", "contributor_type": "10",
        "amount": money(received_eur, "EUR"), "value_date": "2020-06-15"}), 201)
    receipt = admin.ok(admin.post(f"/v1/contributions/{pledge['id']}/receipts", {"value_date": "2020-07-02"}), 201)
    call = admin.ok(admin.post("/v1/calls", call_body(fund["id"], envelope=envelope,
                                                      required_reviews=required_reviews)), 201)
    return fund, pledge, receipt, call


def committed_money(platform):
    body = requests.get(f"{platform}/v1/objective/progress", timeout=5).json()
    return {m["currency"]: m["amount"] for m in body["money"]["committed"]}


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_contribution_to_closeout_through_the_gateway(platform, keys, programme, rates):
    admin, jinja, kisumu = keys["admin"], keys["jinja"], keys["kisumu"]
    fund, pledge, receipt, call = funded_call(keys)
    assert (pledge["amount"], pledge["original_amount"], pledge["exchange_rate"]) == (
        money("110000.00"), money("100000.00", "EUR"), "1.1000000000")
    assert receipt["status"] == "received" and receipt["received"] == money("120000.00")
    assert admin.ok(admin.get(f"/v1/funds/{fund['id']}"))["balance"]["available"] == "120000.00"
    assert call["id"] in [c["id"] for c in keys["public"].ok(keys["public"].get("/v1/calls?status=open"))["items"]]

    # a partner applies for its own organisation; screening is immediate and explains itself
    app = jinja.ok(jinja.post("/v1/applications", application_body(
        call["id"], programme["id"], applicant_organisation=None)), 201)
    assert (app["status"], app["applicant_organisation"], app["programme_iati_identifier"]) == (
        "under_review", JINJA["ref"], programme["iati_identifier"])
    ineligible = jinja.ok(jinja.post("/v1/applications", application_body(
        call["id"], programme["id"], applicant_organisation=None, applicant_type="70", country="TZ",
        amount_requested=money("45000.00"))), 201)
    assert ineligible["status"] == "ineligible"
    assert [f["rule"] for f in ineligible["screening"]["failures"]] == ["applicant_type", "country", "cofinancing"]
    assert kisumu.get(f"/v1/applications/{app['id']}").status_code == 404

    # reviews: never by the applicant's own organisation; the determination waits for two
    own = keys["jinja_admin"].post(f"/v1/applications/{app['id']}/reviews", REVIEW)
    assert own.status_code == 403 and "own organisation" in own.json()["detail"]
    keys["reviewer_a"].ok(keys["reviewer_a"].post(f"/v1/applications/{app['id']}/reviews", REVIEW), 201)
    early = admin.post(f"/v1/applications/{app['id']}/determination", {"decision": "award", "reasons": ["good"]})
    assert early.status_code == 409 and "asks for 2 review" in early.json()["detail"]
    keys["reviewer_b"].ok(keys["reviewer_b"].post(f"/v1/applications/{app['id']}/reviews", REVIEW), 201)

    before = committed_money(platform)
    result = admin.ok(admin.post(f"/v1/applications/{app['id']}/determination", {
        "decision": "award", "reasons": ["strong local ownership"],
        "tranches": [{"amount": money("30000.00"), "planned_date": date.today().isoformat()},
                     {"amount": money("10000.00"), "condition": "report_approved", "report": 1}],
        "reports": [{"title": "Mid-term report", "due_date": (date.today() + timedelta(days=90)).isoformat()},
                    {"title": "Final report", "due_date": (date.today() + timedelta(days=365)).isoformat(),
                     "final": True}]}))
    grant = result["grant"]
    assert result["application"]["status"] == "awarded" and grant["amount"] == money("40000.00")
    assert grant["programme_iati_identifier"] == programme["iati_identifier"]

    # metrics receives the commitment
    wait_for(lambda: committed_money(platform) != before, what="metrics to count grant.committed")
    assert Decimal(committed_money(platform)["USD"]) == Decimal(before.get("USD", "0")) + Decimal("40000.00")

    gid = grant["id"]
    # the agreement: no tranche before the grantee signs and the fund (not the grantee's admin) countersigns
    unsigned = admin.post(f"/v1/grants/{gid}/disbursements", {"tranche": 1})
    assert unsigned.status_code == 409 and "countersigned" in unsigned.json()["detail"]
    assert admin.post(f"/v1/grants/{gid}/agreement/countersignature", {}).status_code == 409
    signed = jinja.ok(jinja.post(f"/v1/grants/{gid}/agreement/signature", {}))["agreement"]
    assert signed["status"] == "signed_by_grantee" and signed["grantee_signed_at"].endswith("Z")
    assert keys["jinja_admin"].post(f"/v1/grants/{gid}/agreement/countersignature", {}).status_code == 403
    countersigned = admin.ok(admin.post(f"/v1/grants/{gid}/agreement/countersignature", {}))["agreement"]
    assert countersigned["status"] == "countersigned" and countersigned["fund_signed_by"]
    first = admin.ok(admin.post(f"/v1/grants/{gid}/disbursements", {"tranche": 1}), 201)
    assert first["disbursement"]["transaction_type"] == "3" and first["grant"]["disbursed"] == money("30000.00")
    held = admin.post(f"/v1/grants/{gid}/disbursements", {"tranche": 2})
    assert held.status_code == 409 and "approved" in held.json()["detail"]
    too_early = admin.post(f"/v1/grants/{gid}/reports/1/approval", {})
    assert too_early.status_code == 409 and too_early.json()["allowed"] == ["submit"]

    jinja.ok(jinja.post(f"/v1/grants/{gid}/reports/1/submission", {
        "summary": "Half the stalls built.", "results": [{"indicator": "people_reached", "value": 2600}]}))
    admin.ok(admin.post(f"/v1/grants/{gid}/reports/1/approval", {}))
    admin.ok(admin.post(f"/v1/grants/{gid}/disbursements", {"tranche": 2}), 201)
    not_yet = admin.post(f"/v1/grants/{gid}/closeout", {})
    assert not_yet.status_code == 409 and "final report" in not_yet.json()["detail"]
    jinja.ok(jinja.post(f"/v1/grants/{gid}/reports/2/submission", {
        "summary": "All 200 stalls built.", "results": [{"indicator": "people_reached", "value": 5000}]}))
    admin.ok(admin.post(f"/v1/grants/{gid}/reports/2/approval", {"feedback": "Thank you."}))
    closed = admin.ok(admin.post(f"/v1/grants/{gid}/closeout", {}))
    assert (closed["status"], closed["disbursed"], closed["returned"]) == ("closed", money("40000.00"),
                                                                          money("0.00"))
    assert closed["value_for_money"]["cost_per_person_reached"] == "8.00"

    balance = admin.ok(admin.get(f"/v1/funds/{fund['id']}"))["balance"]
    assert (balance["pledged"], balance["received"], balance["committed"], balance["disbursed"],
            balance["available"]) == ("110000.00", "120000.00", "40000.00", "40000.00", "80000.00")
    ledger = admin.ok(admin.get(f"/v1/funds/{fund['id']}/ledger"))["items"]
    assert [e["transaction_type"] for e in ledger] == ["11", "1", "2", "3", "3"]
    assert jinja.ok(jinja.get(f"/v1/grants/{gid}"))["status"] == "closed"
    assert kisumu.get(f"/v1/grants/{gid}").status_code == 404
    assert [g["id"] for g in jinja.ok(jinja.get("/v1/grants?status=closed"))["items"]] == [gid]
    paid = jinja.ok(jinja.get(f"/v1/disbursements?grant_id={gid}"))["items"]
    assert [d["amount"]["amount"] for d in paid] == ["30000.00", "10000.00"]


def test_cancelling_returns_the_undisbursed_money_to_the_fund(keys, programme, rates):
    admin, jinja = keys["admin"], keys["jinja"]
    fund, _, _, call = funded_call(keys, required_reviews=1)
    app = jinja.ok(jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                                    applicant_organisation=None)), 201)
    keys["reviewer_a"].ok(keys["reviewer_a"].post(f"/v1/applications/{app['id']}/reviews", REVIEW), 201)
    grant = admin.ok(admin.post(f"/v1/applications/{app['id']}/determination",
                                {"decision": "award", "reasons": ["good"]}))["grant"]
    sign(keys, grant)
    admin.ok(admin.post(f"/v1/grants/{grant['id']}/disbursements", {"tranche": 1, "amount": money("15000.00")}),
             201)
    cancelled = admin.ok(admin.post(f"/v1/grants/{grant['id']}/cancellation",
                                    {"reason": "The council withdrew from the project."}))
    assert (cancelled["status"], cancelled["returned"], cancelled["allowed_actions"]) == (
        "cancelled", money("25000.00"), [])
    balance = admin.ok(admin.get(f"/v1/funds/{fund['id']}"))["balance"]
    assert (balance["committed"], balance["disbursed"], balance["available"]) == ("15000.00", "15000.00",
                                                                                  "105000.00")
    after = admin.post(f"/v1/grants/{grant['id']}/disbursements", {"tranche": 1})
    assert after.status_code == 409 and "cancelled" in after.json()["detail"]
    assert admin.ok(admin.get(f"/v1/calls/{call['id']}"))["committed"] == money("15000.00")


def test_a_review_scope_key_reviews_as_itself_and_decides_nothing(keys, programme, rates):
    """docs/grants.md: a reviewer is an admin key or a key with the `review` scope; it reviews as
    its key (id and organisation), once per application whatever name it gives, never its own
    organisation's application, and awards, funds and applies nothing."""
    admin, jinja = keys["admin"], keys["jinja"]
    _, _, _, call = funded_call(keys, required_reviews=2)
    app = jinja.ok(jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                                    applicant_organisation=None)), 201)
    reviews_url = f"/v1/applications/{app['id']}/reviews"
    created = admin.ok(admin.post("/v1/keys", {"organisation": "XM-DAC-44000", "role": "reader",
                                               "scopes": ["read", "review"], "name": "review panel"}), 201)
    assert created["scopes"] == ["read", "review"]
    reviewer = admin.as_key(created["key"])
    review = reviewer.ok(reviewer.post(reviews_url, {**REVIEW, "reviewer": "Alice"}), 201)
    assert (review["reviewer"], review["reviewer_name"], review["reviewer_organisation"]) == (
        created["id"], "Alice", "XM-DAC-44000")
    assert fields_of(reviewer.post(reviews_url, {**REVIEW, "reviewer": "Bob"}), 409) == set()

    # one admin key naming itself twice is one reviewer too: two reviews, yet one missing
    keys["reviewer_a"].ok(keys["reviewer_a"].post(reviews_url, {**REVIEW, "reviewer": "Carol"}), 201)
    assert fields_of(keys["reviewer_a"].post(reviews_url, {**REVIEW, "reviewer": "Dave"}), 409) == set()

    # the reviewer decides nothing, funds nothing, applies for nothing
    assert reviewer.post(f"/v1/applications/{app['id']}/determination",
                         {"decision": "award", "reasons": ["x"]}).status_code == 403
    assert reviewer.post("/v1/funds", fund_body()).status_code == 403
    assert reviewer.post("/v1/applications", application_body(call["id"], programme["id"])).status_code == 403
    # it reads the application with its reviews; the applicant reads neither
    assert len(reviewer.ok(reviewer.get(f"/v1/applications/{app['id']}"))["reviews"]) == 2
    assert len(reviewer.ok(reviewer.get(f"/v1/reviews?application_id={app['id']}"))["items"]) == 2
    assert "reviews" not in jinja.ok(jinja.get(f"/v1/applications/{app['id']}"))
    assert jinja.get("/v1/reviews").status_code == 403

    # a reviewer key of the applicant's organisation, however cased and padded, neither reviews nor reads its reviews
    own = admin.as_key(admin.ok(admin.post("/v1/keys", {"organisation": " xm-Jinja ",
                                                         "role": "reader", "scopes": ["read", "review"]}), 201)["key"])
    refused = own.post(reviews_url, {**REVIEW, "reviewer_organisation": "XM-DAC-44000"})
    assert fields_of(refused, 403) == set()
    assert fields_of(own.post(reviews_url, REVIEW), 403) == set()
    assert "reviews" not in own.ok(own.get(f"/v1/applications/{app['id']}"))
    assert own.ok(own.get(f"/v1/reviews?application_id={app['id']}"))["items"] == []

    keys["reviewer_b"].ok(keys["reviewer_b"].post(reviews_url, REVIEW), 201)
    decided = admin.ok(admin.post(f"/v1/applications/{app['id']}/determination",
                                  {"decision": "reject", "reasons": ["weak budget"]}))
    assert decided["application"]["status"] == "rejected" and len(decided["application"]["reviews"]) == 3


def fields_of(response, status=422):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    return {e["field"] for e in response.json().get("errors", [])}


@pytest.mark.parametrize("amount, bad_fields", [
    ({"amount": "-10.00", "currency": "USD"}, {"amount.amount"}),
    ({"amount": "0", "currency": "USD"}, {"amount.amount"}),
    ({"amount": "ten", "currency": "USD"}, {"amount.amount"}),
    ({"amount": 10.5, "currency": "USD"}, {"amount.amount"}),
    ({"amount": "10.555", "currency": "USD"}, {"amount.amount"}),
    ({"amount": "10.00", "currency": "XYZ"}, {"amount.currency"}),
    ({"amount": "5000000000.00", "currency": "USD"}, {"amount.amount"}),
    ({"amount": "10.00"}, {"amount.currency"}),
    ({"amount": "10.00", "currency": "JPY"}, {"amount.currency"}),     # no JPY->USD rate
])
def test_bad_amounts_are_refused_and_the_balance_is_unchanged(keys, amount, bad_fields):
    admin = keys["admin"]
    fund = admin.ok(admin.post("/v1/funds", fund_body(name="Bad input fund")), 201)
    response = admin.post("/v1/contributions", {"fund_id": fund["id"], "contributor": "X", "amount": amount})
    assert fields_of(response) == bad_fields
    assert admin.ok(admin.get(f"/v1/funds/{fund['id']}"))["balance"]["pledged"] == "0.00"


def test_bad_grants_requests_get_clear_4xx(keys, programme, rates):
    admin, jinja = keys["admin"], keys["jinja"]
    fund, _, _, call = funded_call(keys, required_reviews=1)
    assert fields_of(admin.post("/v1/funds", fund_body(window="regional", eligible_countries=["ZZ"]))) == {
        "window", "eligible_countries.0"}
    assert jinja.post("/v1/funds", fund_body()).status_code == 403
    assert fields_of(jinja.post("/v1/applications", application_body(call["id"], "no-such-programme",
                                                                      applicant_organisation=None))) == {"programme_id"}
    assert fields_of(jinja.post("/v1/applications", application_body(
        call["id"], programme["id"], applicant_organisation=None, amount_requested=money("-1.00"),
        theme="housing"))) == {"amount_requested.amount", "theme"}
    assert jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                           applicant_organisation=JINJA["ref"])).status_code == 201
    other = jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                            applicant_organisation="XM-KISUMU"))
    assert other.status_code == 403

    app = jinja.ok(jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                                    applicant_organisation=None)), 201)
    keys["reviewer_a"].ok(keys["reviewer_a"].post(f"/v1/applications/{app['id']}/reviews", REVIEW), 201)
    again = keys["reviewer_a"].post(f"/v1/applications/{app['id']}/reviews", REVIEW)
    assert again.status_code == 409
    assert fields_of(keys["reviewer_b"].post(f"/v1/applications/{app['id']}/reviews",
                                             {**REVIEW, "scores": {"relevance": 9}})) == {
        "scores.relevance", "scores.feasibility"}
    grant = admin.ok(admin.post(f"/v1/applications/{app['id']}/determination",
                                {"decision": "award", "reasons": ["good"]}))["grant"]
    sign(keys, grant)
    assert fields_of(admin.post(f"/v1/grants/{grant['id']}/disbursements",
                                {"tranche": 1, "amount": money("40000.01")})) == {"amount.amount"}
    withdraw = jinja.post(f"/v1/applications/{app['id']}/withdraw", {})
    assert withdraw.status_code == 409 and "awarded" in withdraw.json()["detail"]
    admin.ok(admin.post(f"/v1/calls/{call['id']}/close", {}))
    late = jinja.post("/v1/applications", application_body(call["id"], programme["id"], applicant_organisation=None))
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    assert admin.post(f"/v1/calls/{call['id']}/close", {}).status_code == 409
    balance = admin.ok(admin.get(f"/v1/funds/{fund['id']}"))["balance"]
    assert (balance["committed"], balance["disbursed"], balance["available"]) == ("40000.00", "0.00", "80000.00")


def test_lists_filter_and_follow_the_next_link(keys, rates):
    admin = keys["admin"]
    created = [admin.ok(admin.post("/v1/funds", fund_body(name=f"Global {i}", window="global")), 201)["id"]
               for i in range(3)]
    seen, url = [], "/v1/funds?window=global&limit=2"
    while url:
        body = admin.ok(admin.get(url))
        seen += [f["id"] for f in body["items"]]
        url = body["next"] and body["next"].removeprefix(admin.base)
    assert [i for i in seen if i in created] == created
    assert fields_of(admin.get("/v1/funds?limit=0")) == {"limit"}
    assert fields_of(admin.get("/v1/reports?overdue=maybe")) == {"overdue"}
