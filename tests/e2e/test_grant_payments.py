"""Grants as funds manage them, through the API with the four services as processes, on SQLite
and PostgreSQL (the rules themselves: services/grants/tests/integration/test_grants_{conflicts,
agreements,payments}.py):

- conflicts of interest: a reviewer declares a conflict and is recused (its review refused, the
  one it gave no longer counting); a partner organisation named on the application is
  conflicted; an administrator assigns only unconflicted reviewer keys; a `private` call shows
  each reviewer its own review only, a `shared` one the others' too once it has reviewed (its own
  only once it declared a conflict); the applicant's keys see an assignment in the feed without
  who, and a declared conflict not at all;
- contracts and payments: the agreement signed by the grantee and countersigned by the fund
  before a tranche is paid; a payment request in euros approved by programme staff then finance
  (two keys), failed, retried and paid; metrics counts the disbursement once, when it is paid."""
from decimal import Decimal

import pytest
import requests

from tests.e2e.conftest import ADMIN_KEY
from tests.grants_flow import REVIEW, Http, application_body, call_body, fund_body, money
from tests.helpers import wait_until
from tests.programmes_flow import programme_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

JINJA = {"ref": "XM-PAY-JINJA", "name": "Jinja Municipal Council", "type": "11"}
CONFLICT_JINJA = {"ref": "XM-CONFLICT-JINJA", "name": "Jinja Municipal Council", "type": "11"}
SHARED_JINJA = {"ref": "XM-SHARED-JINJA", "name": "Jinja Municipal Council", "type": "11"}
PARTNER = "XM-CONFLICT-KCCA"   # named on an application as a partner organisation


def staff_key(admin, scopes, organisation="XM-PAY-SECRETARIAT"):
    return admin.as_key(admin.ok(admin.post("/v1/keys", {"organisation": organisation, "role": "reader",
                                                         "scopes": ["read", *scopes]}), 201)["key"])


def funded_call(admin, **changes):
    """A USD fund with 100,000 received and a call open on it: (fund, call)."""
    fund = admin.ok(admin.post("/v1/funds", fund_body()), 201)
    pledge = admin.ok(admin.post("/v1/contributions", {"fund_id": fund["id"], "contributor": "Sweden",
                                                       "amount": money("100000.00")}), 201)
    admin.ok(admin.post(f"/v1/contributions/{pledge['id']}/receipts", {}), 201)
    return fund, admin.ok(admin.post("/v1/calls", call_body(fund["id"], **changes)), 201)


def disbursed_usd(platform):
    body = requests.get(f"{platform}/v1/objective/progress", timeout=5).json()
    return Decimal(next((f["disbursed"] for f in body.get("funds", []) if f["currency"] == "USD"), "0"))


def test_a_countersigned_grant_is_paid_after_two_approvals_a_failure_and_a_retry(platform):
    admin = Http(platform, ADMIN_KEY)
    jinja = admin.as_key(admin.new_key(JINJA["ref"], "partner"))
    staff, finance, other_finance = staff_key(admin, ["programme"]), staff_key(admin, ["finance"]), staff_key(
        admin, ["finance"], organisation=JINJA["ref"])
    admin.ok(admin.post("/v1/rates", {"rates": [{"from_currency": "EUR", "to_currency": "USD",
                                                  "effective_date": "2020-01-01", "rate": "1.1037"}]}), 201)
    programme = admin.ok(admin.post("/v1/programmes", programme_body("Jinja payments", org=JINJA)), 201)
    fund, call = funded_call(admin, required_reviews=1)
    app = jinja.ok(jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                                    applicant_organisation=None)), 201)
    admin.ok(admin.post(f"/v1/applications/{app['id']}/reviews", REVIEW), 201)
    grant = admin.ok(admin.post(f"/v1/applications/{app['id']}/determination",
                                {"decision": "award", "reasons": ["good"]}))["grant"]
    before = disbursed_usd(platform)

    payment = jinja.ok(jinja.post(f"/v1/grants/{grant['id']}/payments", {
        "tranche": 1, "amount": money("12345.67", "EUR"), "value_date": "2020-07-01", "reference": "INV-1"}), 201)
    assert (payment["amount"], payment["original_amount"], payment["exchange_rate"]) == (
        money("13625.92"), money("12345.67", "EUR"), "1.1037000000")
    url = f"/v1/payments/{payment['id']}"
    assert admin.post(f"{url}/programme-approval", {}).status_code == 403     # the scope, not the role
    assert finance.post(f"{url}/programme-approval", {}).status_code == 403
    assert staff.ok(staff.post(f"{url}/programme-approval", {}))["status"] == "programme_approved"
    assert other_finance.post(f"{url}/finance-approval", {}).status_code == 403   # the grantee's own finance
    assert finance.ok(finance.post(f"{url}/finance-approval", {}))["status"] == "approved"

    # either approval level may reject a request, with a reason; nothing is paid
    other = jinja.ok(jinja.post(f"/v1/grants/{grant['id']}/payments", {"tranche": 1, "amount": money("10.00")}), 201)
    assert fields_of(staff.post(f"/v1/payments/{other['id']}/programme-rejection", {}), 422) == {"reason"}
    problem(finance.post(f"/v1/payments/{other['id']}/programme-rejection", {"reason": "x"}), 403)
    rejected = staff.ok(staff.post(f"/v1/payments/{other['id']}/programme-rejection", {"reason": "no invoice"}))
    assert (rejected["status"], rejected["rejected_stage"], rejected["rejection_reason"]) == (
        "rejected", "programme", "no invoice")
    problem(finance.post(f"/v1/payments/{other['id']}/finance-rejection", {"reason": "too"}), 409)

    unsigned = finance.post(f"{url}/payment", {})
    assert unsigned.status_code == 409 and "countersigned" in unsigned.json()["detail"]
    jinja.ok(jinja.post(f"/v1/grants/{grant['id']}/agreement/signature", {}))
    agreement = admin.ok(admin.post(f"/v1/grants/{grant['id']}/agreement/countersignature", {}))["agreement"]
    assert agreement["status"] == "countersigned"

    failed = finance.ok(finance.post(f"{url}/failure", {"reason": "returned by the bank: account closed"}))
    assert (failed["status"], failed["failure_reason"]) == ("payment_failed", "returned by the bank: account closed")
    missing = finance.post(f"{url}/failure", {})
    assert missing.status_code == 422 and [e["field"] for e in missing.json()["errors"]] == ["reason"]
    assert finance.ok(finance.post(f"{url}/retry", {}))["status"] == "approved"
    paid = finance.ok(finance.post(f"{url}/payment", {"value_date": "2020-07-15"}))
    assert (paid["status"], paid["attempts"], paid["paid_value_date"]) == ("paid", 2, "2020-07-15")
    assert jinja.ok(jinja.get(f"/v1/grants/{grant['id']}"))["disbursed"] == money("13625.92")
    assert [p["status"] for p in jinja.ok(jinja.get(f"/v1/grants/{grant['id']}/payments"))["items"]] == [
        "paid", "rejected"]
    # the IATI 3 row keeps the invoiced amount, its currency and the rate; no direct disbursement now
    ledger = admin.ok(admin.get(f"/v1/funds/{fund['id']}/ledger", params={"transaction_type": "3"}))["items"]
    assert [(e["amount"], e["original_amount"], e["exchange_rate"], e["value_date"]) for e in ledger] == [
        (money("13625.92"), money("12345.67", "EUR"), "1.1037000000", "2020-07-15")]
    assert "payment requests" in problem(admin.post(f"/v1/grants/{grant['id']}/disbursements", {"tranche": 1}),
                                         409)["detail"]

    # metrics counts the paid money once (the failure moved none)
    wait_until(lambda: disbursed_usd(platform) != before, timeout=20, message="metrics to count the payment")
    assert disbursed_usd(platform) - before == Decimal("13625.92")
    def of_grant(client, event_type):
        items = client.ok(client.get("/v1/events", params={"type": event_type, "limit": 500}))["items"]
        return [e["payload"] for e in items if e["payload"]["grant_id"] == grant["id"]]

    wait_until(lambda: of_grant(admin, "payment.paid"), timeout=20, message="the payment in the feed")
    assert [(e["amount"], e["original_amount"], e["original_currency"], Decimal(e["exchange_rate"]))
            for e in of_grant(admin, "tranche.disbursed")] == [("13625.92", "12345.67", "EUR", Decimal("1.1037"))]
    assert [e["reason"] for e in of_grant(jinja, "payment.failed")] == ["returned by the bank: account closed"]


def reviewer_key(admin, organisation, scopes=("read", "review")):
    created = admin.ok(admin.post("/v1/keys", {"organisation": organisation, "role": "reader",
                                               "scopes": list(scopes)}), 201)
    return created["id"], admin.as_key(created["key"])


def problem(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["Content-Type"].startswith("application/problem+json")
    return response.json()


def fields_of(response, status):
    return {e["field"] for e in problem(response, status).get("errors", [])}


def test_a_conflicted_reviewer_is_recused_and_never_assigned(platform):
    admin = Http(platform, ADMIN_KEY)
    jinja = admin.as_key(admin.new_key(CONFLICT_JINJA["ref"], "partner"))
    programme = admin.ok(admin.post("/v1/programmes", programme_body("Jinja stalls", org=CONFLICT_JINJA)), 201)
    _, call = funded_call(admin, required_reviews=2, review_visibility="private")
    assert call["review_visibility"] == "private"
    app = jinja.ok(jinja.post("/v1/applications", application_body(
        call["id"], programme["id"], applicant_organisation=None, partner_organisations=[PARTNER])), 201)
    url = f"/v1/applications/{app['id']}"
    (wb_id, wb), (sida_id, sida), (kcca_id, kcca), (oecd_id, oecd) = (
        reviewer_key(admin, org) for org in ("XM-DAC-44000", "SE-0", PARTNER.lower(), "XM-DAC-1"))

    # private: each reviewer sees its own review only
    wb.ok(wb.post(f"{url}/reviews", REVIEW), 201)
    assert sida.ok(sida.get(url))["reviews"] == []
    sida.ok(sida.post(f"{url}/reviews", REVIEW), 201)
    assert [r["reviewer"] for r in sida.ok(sida.get(url))["reviews"]] == [sida_id]
    assert [r["reviewer"] for r in sida.ok(sida.get("/v1/reviews", params={"application_id": app["id"]}))[
        "items"]] == [sida_id]

    # a declared conflict recuses: the review is refused, the one given stops counting
    declared = wb.ok(wb.post(f"{url}/conflicts", {"reason": "I advised the council on this project"}), 201)
    assert (declared["reviewer"], declared["reviewer_organisation"]) == (wb_id, "XM-DAC-44000")
    assert "conflict of interest" in problem(wb.post(f"{url}/reviews", REVIEW), 409)["detail"]
    assert fields_of(sida.post(f"{url}/conflicts", {}), 422) == {"reason"}
    seen = admin.ok(admin.get(url))
    assert {r["reviewer"]: r["counts"] for r in seen["reviews"]} == {wb_id: False, sida_id: True}
    assert "asks for 2" in problem(admin.post(f"{url}/determination", {"decision": "award", "reasons": ["x"]}),
                                   409)["detail"]

    # organisational conflict: a partner named on the application neither reviews nor is assigned
    assert "partner organisation" in problem(kcca.post(f"{url}/reviews", REVIEW), 409)["detail"]
    assert "partner organisation" in problem(admin.post(f"{url}/assignments", {"reviewer": kcca_id}),
                                             409)["detail"]
    assert "conflict of interest" in problem(admin.post(f"{url}/assignments", {"reviewer": wb_id}), 409)["detail"]
    assert fields_of(admin.post(f"{url}/assignments", {"reviewer": "key_no_such"}), 422) == {"reviewer"}
    reader_id, _ = reviewer_key(admin, "XM-DAC-2", scopes=("read",))
    assert fields_of(admin.post(f"{url}/assignments", {"reviewer": reader_id}), 422) == {"reviewer"}
    problem(wb.post(f"{url}/assignments", {"reviewer": oecd_id}), 403)
    # the organisation is the key's, whatever the body says
    assigned = admin.ok(admin.post(f"{url}/assignments", {"reviewer": oecd_id, "reviewer_organisation": PARTNER}),
                        201)
    assert (assigned["reviewer"], assigned["reviewer_organisation"]) == (oecd_id, "XM-DAC-1")
    # once the application has a panel, only assigned reviewers review it
    _, unassigned = reviewer_key(admin, "XM-DAC-5")
    assert "not on this application's review panel" in problem(unassigned.post(f"{url}/reviews", REVIEW),
                                                                403)["detail"]
    oecd.ok(oecd.post(f"{url}/reviews", REVIEW), 201)
    decided = admin.ok(admin.post(f"{url}/determination", {"decision": "reject", "reasons": ["weak budget"]}))
    assert decided["application"]["status"] == "rejected"
    assert [c["reviewer"] for c in admin.ok(admin.get(url))["panel"]["conflicts"]] == [wb_id]
    assert "panel" not in jinja.ok(jinja.get(url)) and "reviews" not in jinja.ok(jinja.get(url))

    # the feed: the applicant sees that a reviewer was assigned, not who; a conflict not at all
    def of_app(client, event_type):
        items = client.ok(client.get("/v1/events", params={"type": event_type, "limit": 500}))["items"]
        return [e for e in items if e["payload"]["application_id"] == app["id"]]

    whole = wait_until(lambda: of_app(admin, "reviewer.assigned"), timeout=20, message="the assignment event")
    assert whole[0]["payload"]["reviewer"] == oecd_id
    wait_until(lambda: of_app(admin, "conflict.declared"), timeout=20, message="the conflict event")
    assert [set(e["payload"]) & {"reviewer", "reviewer_organisation"} for e in
            of_app(jinja, "reviewer.assigned")] == [set()]
    assert of_app(jinja, "conflict.declared") == [] and of_app(sida, "conflict.declared") == []
    assert of_app(sida, "reviewer.assigned")[0]["payload"]["reviewer"] == oecd_id


def test_a_shared_call_shows_a_reviewer_the_others_reviews_once_it_has_reviewed(platform):
    admin = Http(platform, ADMIN_KEY)
    jinja = admin.as_key(admin.new_key(SHARED_JINJA["ref"], "partner"))
    programme = admin.ok(admin.post("/v1/programmes", programme_body("Jinja drains", org=SHARED_JINJA)), 201)
    _, call = funded_call(admin, required_reviews=3)
    assert call["review_visibility"] == "shared"    # the default
    app = jinja.ok(jinja.post("/v1/applications", application_body(call["id"], programme["id"],
                                                                    applicant_organisation=None)), 201)
    url = f"/v1/applications/{app['id']}"
    (wb_id, wb), (sida_id, sida), (oecd_id, oecd) = (
        reviewer_key(admin, org) for org in ("XM-DAC-44000", "SE-0", "XM-DAC-1"))

    def seen(client):
        """The reviewers whose reviews `client` sees, on the application and in the reviews list."""
        on_app = sorted(r["reviewer"] for r in client.ok(client.get(url))["reviews"])
        listed = client.ok(client.get("/v1/reviews", params={"application_id": app["id"]}))["items"]
        assert sorted(r["reviewer"] for r in listed) == on_app
        return on_app

    wb.ok(wb.post(f"{url}/reviews", REVIEW), 201)
    assert seen(sida) == [] and seen(wb) == [wb_id]      # others' only once it has reviewed
    sida.ok(sida.post(f"{url}/reviews", REVIEW), 201)
    assert seen(sida) == seen(wb) == sorted([wb_id, sida_id])
    assert seen(oecd) == []
    # a reviewer that declares a conflict sees its own review only
    sida.ok(sida.post(f"{url}/conflicts", {"reason": "Sida co-funds the council's market"}), 201)
    assert seen(sida) == [sida_id] and seen(wb) == sorted([wb_id, sida_id])
    assert "reviews" not in jinja.ok(jinja.get(url))     # the applicant never sees reviews
