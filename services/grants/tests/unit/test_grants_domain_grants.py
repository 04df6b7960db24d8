"""The grants domain's awards, grants after the award, and every lifecycle table."""
from datetime import timedelta

import pytest
from grants_domain_builders import (
    NOW,
    TODAY,
    D,
    awarded,
    make_application,
    make_call,
    make_fund,
    review,
)

from grants.domain import (
    APPLICATION_LIFECYCLE,
    CALL_LIFECYCLE,
    CONTRIBUTION_LIFECYCLE,
    GRANT_LIFECYCLE,
    REPORT_LIFECYCLE,
    TRANCHE_LIFECYCLE,
    Grant,
    check_transition,
)
from shared.errors import Conflict, InvalidInput

# --- awards -----------------------------------------------------------------------------------------

def test_an_award_commits_money_within_the_balance_and_the_envelope():
    fund, call, app, grant = awarded("40000")
    assert (grant.amount, grant.status, app.grant_id, call.committed) == (D("40000.00"), "active", grant.id,
                                                                            D("40000.00"))
    assert fund.balance.committed == D("40000.00") and fund.balance.available == D("60000.00")
    assert [(t.number, t.amount, t.condition) for t in grant.tranches] == [(1, D("40000.00"), "none")]
    assert [(r.title, r.final, r.due_date) for r in grant.reports] == [("Final report", True,
                                                                         TODAY + timedelta(days=365))]
    assert (grant.programme_id, grant.programme_iati_identifier, grant.theme, grant.country) == (
        "p-1", "XM-1", "gender_equality", "UG")


def test_an_award_beyond_the_available_balance_is_refused():
    fund = make_fund(received="30000")
    call = make_call(fund, required_reviews=1)
    app = make_application(fund, call, "40000")
    app.determine("award", ["good"], [review(app, call)], call, NOW)
    with pytest.raises(Conflict, match="available balance is 30000.00 USD"):
        Grant.award(app, fund, call, amount=None, tranches=None, reports=None, now=NOW)


def test_an_award_beyond_the_calls_envelope_is_refused():
    fund = make_fund(received="500000")
    call = make_call(fund, envelope="50000", required_reviews=1)
    first = make_application(fund, call, "40000")
    Grant.award(first, fund, call, amount=None, tranches=None, reports=None, now=NOW)
    second = make_application(fund, call, "20000", cost="30000", applicant_organisation="Kisumu County")
    with pytest.raises(Conflict, match="envelope has 10000.00 USD left"):
        Grant.award(second, fund, call, amount=None, tranches=None, reports=None, now=NOW)
    # a smaller award fits
    grant, _ = Grant.award(second, fund, call, amount=D("10000"), tranches=None, reports=None, now=NOW)
    assert call.remaining == 0 and grant.amount == D("10000.00")


def test_tranches_must_add_up_to_the_award_and_name_real_reports():
    usd = lambda a: {"amount": D(a), "currency": "USD"}  # noqa: E731
    with pytest.raises(InvalidInput) as caught:
        awarded("40000", tranches=[{"amount": usd("30000"), "condition": "none"},
                                   {"amount": usd("10000"), "condition": "report_approved", "report": 3}],
                reports=[{"title": "Mid-term", "due_date": TODAY + timedelta(days=90), "final": False}])
    assert set(caught.value.errors) == {"tranches.1.report", "reports"}
    with pytest.raises(InvalidInput) as caught:
        awarded("40000", tranches=[{"amount": usd("30000"), "condition": "none"},
                                   {"amount": usd("5000"), "condition": "none"}])
    assert list(caught.value.errors) == ["tranches"] and "35000.00 USD" in caught.value.errors["tranches"][0]


# --- grants after the award --------------------------------------------------------------------

def conditioned_grant():
    usd = lambda a: {"amount": D(a), "currency": "USD"}  # noqa: E731
    return awarded("40000", tranches=[
        {"amount": usd("30000"), "condition": "none", "planned_date": TODAY},
        {"amount": usd("10000"), "condition": "report_approved", "report": 1}], reports=[
        {"title": "Mid-term", "due_date": TODAY + timedelta(days=90), "final": False},
        {"title": "Final", "due_date": TODAY + timedelta(days=360), "final": True}])


def test_a_tranche_waits_for_its_condition():
    fund, call, app, grant = conditioned_grant()
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict, match="released when report 1 .* is approved; it is due"):
        grant.disburse(fund, "2", None, TODAY, NOW)
    grant.submit_report("1", "half way", [{"indicator": "people_reached", "value": 2000}], NOW)
    with pytest.raises(Conflict, match="it is submitted"):
        grant.disburse(fund, "2", None, TODAY, NOW)
    grant.review_report("1", True, "", NOW)
    tranche, entry = grant.disburse(fund, "2", None, TODAY, NOW)
    assert (tranche.status, entry.transaction_type, entry.amount, grant.disbursed) == (
        "disbursed", "3", D("10000.00"), D("40000.00"))
    assert fund.balance.disbursed == D("40000.00") and fund.balance.available == D("60000.00")
    assert grant.people_reached() == 2000


def test_a_disbursement_never_exceeds_the_tranche_or_the_commitment():
    fund, call, app, grant = conditioned_grant()
    with pytest.raises(InvalidInput) as caught:
        grant.disburse(fund, "1", D("30000.01"), TODAY, NOW)
    assert list(caught.value.errors) == ["amount.amount"]
    grant.disburse(fund, "1", D("10000"), TODAY, NOW)
    assert grant.tranches[0].status == "planned" and grant.tranches[0].remaining == D("20000.00")
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict) as caught:
        grant.disburse(fund, "1", D("1"), TODAY, NOW)
    assert caught.value.allowed == [] and "disbursed" in caught.value.detail
    with pytest.raises(InvalidInput) as caught:
        grant.disburse(fund, "7", None, TODAY, NOW)
    assert list(caught.value.errors) == ["tranche"]


def test_closeout_needs_the_final_report_and_returns_the_rest():
    fund, call, app, grant = conditioned_grant()
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict, match="final report approved; it is due"):
        grant.close(fund, call, NOW)
    grant.submit_report("2", "done", [], NOW)
    grant.review_report("2", False, "add the figures", NOW)
    assert grant.reports[1].status == "due" and grant.reports[1].feedback == "add the figures"
    grant.submit_report("2", "done, with figures", [{"indicator": "people_reached", "value": 4500}], NOW)
    grant.review_report("2", True, "", NOW)
    previous, returned = grant.close(fund, call, NOW)
    assert (previous, grant.status, returned, grant.returned) == ("active", "closed", D("10000.00"),
                                                                   D("10000.00"))
    assert [t.status for t in grant.tranches] == ["disbursed", "cancelled"]
    assert fund.balance.committed == D("30000.00") and fund.balance.available == D("70000.00")
    assert call.committed == D("30000.00")
    assert fund.new_entries[-1].transaction_type == "2" and fund.new_entries[-1].amount == D("-10000.00")


def test_cancelling_returns_the_undisbursed_part_to_the_fund():
    fund, call, app, grant = conditioned_grant()
    grant.disburse(fund, "1", D("12500"), TODAY, NOW)
    previous, returned = grant.cancel(fund, call, " grantee dissolved ", NOW)
    assert (previous, grant.status, returned, grant.cancel_reason) == ("active", "cancelled", D("27500.00"),
                                                                      "grantee dissolved")
    assert fund.balance.as_dict() == {"currency": "USD", "pledged": D("0.00"), "received": D("100000.00"),
                                      "committed": D("12500.00"), "disbursed": D("12500.00"),
                                      "available": D("87500.00")}
    assert grant.undisbursed == 0 and call.remaining == D("87500.00")


@pytest.mark.parametrize("action", ["disburse", "close", "cancel", "submit_report"])
def test_an_ended_grant_allows_nothing(action):
    fund, call, app, grant = conditioned_grant()
    grant.cancel(fund, call, "stop", NOW)
    calls = {"disburse": lambda: grant.disburse(fund, "1", None, TODAY, NOW),
             "close": lambda: grant.close(fund, call, NOW), "cancel": lambda: grant.cancel(fund, call, "x", NOW),
             "submit_report": lambda: grant.submit_report("1", "x", [], NOW)}
    with pytest.raises(Conflict) as caught:
        calls[action]()
    assert caught.value.allowed == [] and "cancelled" in caught.value.detail


def test_reports_come_due_and_go_overdue_once():
    fund, call, app, grant = conditioned_grant()
    mid = grant.reports[0]
    assert grant.reports_coming_due(mid.due_date - timedelta(days=15), 14) == []
    assert grant.reports_coming_due(mid.due_date - timedelta(days=14), 14) == [mid]
    assert grant.reports_newly_overdue(mid.due_date) == []
    assert grant.reports_newly_overdue(mid.due_date + timedelta(days=1)) == [mid]
    mid.overdue_at = NOW
    assert grant.reports_newly_overdue(mid.due_date + timedelta(days=2)) == []
    assert mid.is_overdue(mid.due_date + timedelta(days=1))
    grant.submit_report("1", "late but here", [], NOW)
    assert not mid.is_overdue(mid.due_date + timedelta(days=1))


# --- the lifecycle tables -------------------------------------------------------------------------

TABLES = [("contribution", CONTRIBUTION_LIFECYCLE), ("call", CALL_LIFECYCLE), ("application", APPLICATION_LIFECYCLE),
          ("grant", GRANT_LIFECYCLE), ("report", REPORT_LIFECYCLE), ("tranche", TRANCHE_LIFECYCLE)]


@pytest.mark.parametrize("what, table", TABLES)
def test_every_transition_not_in_the_table_is_a_conflict_naming_the_allowed_ones(what, table):
    actions = {a for transitions in table.values() for a in transitions} | {"teleport"}
    for status, transitions in table.items():
        for action in actions:
            if action in transitions:
                check_transition(what, table, status, action)
            else:
                with pytest.raises(Conflict) as caught:
                    check_transition(what, table, status, action)
                assert caught.value.allowed == sorted(transitions)
                assert status in caught.value.detail


def test_aggregates_record_their_events_from_their_own_fields():
    fund, call, app, grant = awarded()
    assert [e.type for e in fund.take_events()] == ["fund.created"]
    assert [e.type for e in call.take_events()] == ["call.opened"]
    assert [e.type for e in app.take_events()] == ["application.submitted", "application.screened",
                                                   "review.submitted"]
    grant.disburse(fund, "1", None, TODAY, NOW)
    (event,) = grant.take_events()
    assert event.type == "tranche.disbursed"
    assert (event.payload["grant_id"], event.payload["amount"], event.payload["grant_disbursed"]) == (
        grant.id, grant.disbursed, grant.disbursed)
    assert event.payload["fund_balance"] == fund.balance.as_dict() and grant.take_events() == []
