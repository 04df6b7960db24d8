"""Who sees what, and lists, through the use cases and the in-memory unit of work."""

import pytest
from grants_requests import (
    JINJA,
    KISUMU,
    application_body,
    call_body,
    fund_body,
    handlers,
)

from shared.actors import ANONYMOUS, Actor
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

# --- who sees what -------------------------------------------------------------------------------

def test_admin_only_operations_are_forbidden_to_partners(uow, funded, grant):
    for call in (lambda: handlers.create_fund(uow, fund_body(), actor=JINJA),
                 lambda: handlers.load_rates(uow, {"rates": []}, actor=JINJA),
                 lambda: handlers.pledge_contribution(uow, {}, actor=JINJA),
                 lambda: handlers.open_call(uow, call_body(funded["fund"]["id"]), actor=JINJA),
                 lambda: handlers.close_call(uow, funded["call"]["id"], actor=JINJA),
                 lambda: handlers.disburse(uow, grant["id"], {"tranche": 1}, actor=JINJA),
                 lambda: handlers.cancel_grant(uow, grant["id"], {"reason": "x"}, actor=JINJA),
                 lambda: handlers.review_report(uow, grant["id"], "1", {}, actor=JINJA, approve=True),
                 lambda: handlers.fund_ledger(uow, funded["fund"]["id"], actor=JINJA)):
        with pytest.raises(Forbidden):
            call()



def test_the_programme_must_be_the_applicants_whoever_applies(uow, funded):
    """An admin applying on behalf of Jinja may not name Kisumu's programme: the award would
    attribute Jinja's money to Kisumu's programme. Answered like a programme that does not exist."""
    admin = Actor.key(organisation="platform", role="admin")
    body = application_body(funded["call"]["id"], programme_id="p-kisumu")
    with pytest.raises(InvalidInput) as caught:
        handlers.submit_application(uow, body, {"id": "p-kisumu", "iati_identifier": "XM-K-1",
                                                "reporting_org": "Kisumu County"}, actor=admin)
    assert caught.value.errors == {"programme_id": ["no programme with id 'p-kisumu'"]}
    assert handlers.list_applications(uow, {}, actor=admin)["items"] == []
    mine = handlers.submit_application(uow, body, {"id": "p-kisumu", "iati_identifier": "XM-K-1",
                                                   "reporting_org": " jinja  municipal council"}, actor=admin)
    assert mine["programme_iati_identifier"] == "XM-K-1"

def test_a_partner_sees_and_writes_only_its_own(uow, funded, grant):
    mine = handlers.submit_application(uow, application_body(funded["call"]["id"], applicant_organisation=None,
                                                             city="Kisumu", country="KE"), actor=KISUMU)
    assert mine["applicant_organisation"] == "Kisumu County"
    with pytest.raises(Forbidden):
        handlers.submit_application(uow, application_body(funded["call"]["id"]), actor=KISUMU)
    jinja_apps = handlers.list_applications(uow, {}, actor=JINJA)["items"]
    assert {a["applicant_organisation"] for a in jinja_apps} == {"Jinja Municipal Council"}
    assert [a["id"] for a in handlers.list_applications(uow, {}, actor=KISUMU)["items"]] == [mine["id"]]
    assert handlers.list_applications(uow, {"applicant_organisation": "Jinja Municipal Council"},
                                      actor=KISUMU)["items"] == []
    with pytest.raises(NotFound):
        handlers.get_application(uow, jinja_apps[0]["id"], actor=KISUMU)
    assert "reviews" not in handlers.get_application(uow, mine["id"], actor=KISUMU)
    with pytest.raises(NotFound):
        handlers.get_grant(uow, grant["id"], actor=KISUMU)
    with pytest.raises(NotFound):
        handlers.submit_report(uow, grant["id"], "1", {"summary": "x"}, actor=KISUMU)
    with pytest.raises(NotFound):
        handlers.withdraw_application(uow, jinja_apps[0]["id"], {}, actor=KISUMU)
    assert handlers.get_grant(uow, grant["id"], actor=JINJA)["id"] == grant["id"]
    assert handlers.list_grants(uow, {}, actor=KISUMU)["items"] == []
    with pytest.raises(InvalidInput):
        handlers.list_disbursements(uow, {}, actor=KISUMU)
    with pytest.raises(NotFound):
        handlers.list_disbursements(uow, {"grant_id": grant["id"]}, actor=KISUMU)
    withdrawn = handlers.withdraw_application(uow, mine["id"], {}, actor=KISUMU)
    assert withdrawn["status"] == "withdrawn"
    with pytest.raises(Conflict) as caught:
        handlers.withdraw_application(uow, mine["id"], {}, actor=KISUMU)
    assert caught.value.allowed == []


# --- lists -----------------------------------------------------------------------------------------

def test_lists_filter_and_page_with_a_cursor(uow, funded):
    for i in range(5):
        handlers.create_fund(uow, fund_body(name=f"Global fund {i}", window="global"))
    page = handlers.list_funds(uow, {"window": "global", "limit": 2})
    seen = [f["name"] for f in page["items"]]
    while page["next_cursor"]:
        page = handlers.list_funds(uow, {"window": "global", "limit": 2}, cursor=page["next_cursor"])
        seen += [f["name"] for f in page["items"]]
    assert seen == [f"Global fund {i}" for i in range(5)]
    assert [f["window"] for f in handlers.list_funds(uow, {"window": "country_city"})["items"]] == ["country_city"]
    with pytest.raises(InvalidInput) as caught:
        handlers.list_funds(uow, {"limit": 0})
    assert list(caught.value.errors) == ["limit"]
    with pytest.raises(InvalidInput) as caught:
        handlers.list_funds(uow, {}, cursor="garbage")
    assert list(caught.value.errors) == ["cursor"]


def test_the_ledger_lists_every_transaction_of_a_fund(uow, funded, grant):
    handlers.disburse(uow, grant["id"], {"tranche": 1})
    ledger = handlers.fund_ledger(uow, funded["fund"]["id"], {})
    assert [(e["transaction_type"], e["amount"]["amount"]) for e in ledger["items"]] == [
        ("11", "100000.00"), ("1", "100000.00"), ("2", "40000.00"), ("3", "30000.00")]
    only = handlers.list_disbursements(uow, {"grant_id": grant["id"]})
    assert [e["transaction_type_name"] for e in only["items"]] == ["Disbursement"]
    assert handlers.list_disbursements(uow, {"grant_id": grant["id"]}, actor=JINJA)["items"] == only["items"]


def test_readers_only_read(uow, funded, grant):
    reader = {"key_id": "key_r", "organisation": "Jinja Municipal Council", "role": "reader", "scopes": ["read"]}
    with pytest.raises(Forbidden):
        handlers.submit_application(uow, application_body(funded["call"]["id"]), actor=reader)
    with pytest.raises(Forbidden):
        handlers.submit_report(uow, grant["id"], "1", {"summary": "x"}, actor=reader)
    assert handlers.get_grant(uow, grant["id"], actor=reader)["id"] == grant["id"]


def test_anonymous_callers_read_calls_only_and_the_review_scope_makes_a_reviewer(uow, funded, grant):
    assert handlers.get_call(uow, funded["call"]["id"], actor=ANONYMOUS)["id"] == funded["call"]["id"]
    assert handlers.list_calls(uow, {}, actor=ANONYMOUS)["items"]
    with pytest.raises(NotFound):
        handlers.get_grant(uow, grant["id"], actor=ANONYMOUS)
    with pytest.raises(Forbidden):
        handlers.create_fund(uow, fund_body(), actor=ANONYMOUS)
    assert handlers.list_grants(uow, {}, actor=ANONYMOUS)["items"] == []
    # the fixture's second reviewer's key, now a reader with the review scope: it reviewed, so it
    # sees the reviews (the call's review_visibility is `shared`)
    reviewer = Actor.key(key_id="key_rev_b", organisation="World Bank", role="reader", scopes=["read", "review"])
    assert handlers.list_reviews(uow, {}, actor=reviewer)["items"]
    assert handlers.list_applications(uow, {}, actor=reviewer)["items"]        # every application, to review it
    with pytest.raises(NotFound):   # but only its own organisation's grants: reviewing is not overseeing
        handlers.get_grant(uow, grant["id"], actor=reviewer)
    assert handlers.list_grants(uow, {}, actor=reviewer)["items"] == []
    assert handlers.list_reports(uow, {}, actor=reviewer)["items"] == []
    with pytest.raises(Forbidden):
        handlers.list_reviews(uow, {}, actor=Actor.key(organisation="World Bank", role="reader"))
