"""Grants after the award through the use cases and the in-memory unit of work: disbursements,
reports, closeout, cancellation, the passing of time."""
from datetime import date, datetime, timedelta, timezone

import pytest
from grants_requests import (
    JINJA,
    KISUMU,
    handlers,
    usd,
    wire,
)

from shared.errors import Conflict, InvalidInput


def test_the_whole_grant_to_closeout(uow, funded, grant):
    gid = grant["id"]
    handlers.disburse(uow, gid, {"tranche": 1})
    with pytest.raises(Conflict, match="approved"):
        handlers.disburse(uow, gid, {"tranche": 2})
    handlers.submit_report(uow, gid, "1", {"summary": "Half the stalls are built.",
                                          "results": [{"indicator": "people_reached", "value": 2500}]}, actor=JINJA)
    handlers.review_report(uow, gid, "1", {}, approve=True)
    result = handlers.disburse(uow, gid, {"tranche": 2, "value_date": "2021-03-01"})
    assert result["disbursement"]["transaction_type"] == "3" and result["disbursement"]["value_date"] == "2021-03-01"
    handlers.submit_report(uow, gid, "2", {"summary": "All built.",
                                          "results": [{"indicator": "people_reached", "value": 5000}]}, actor=JINJA)
    handlers.review_report(uow, gid, "2", {"feedback": "Thank you"}, approve=True)
    closed = handlers.close_grant(uow, gid)
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
    handlers.disburse(uow, grant["id"], {"tranche": 1, "amount": usd("12000")})
    with pytest.raises(InvalidInput) as caught:
        handlers.cancel_grant(uow, grant["id"], {"reason": " "})
    assert list(caught.value.errors) == ["reason"]
    cancelled = handlers.cancel_grant(uow, grant["id"], {"reason": "The project was abandoned."})
    assert (cancelled["status"], cancelled["returned"], cancelled["undisbursed"]) == (
        "cancelled", usd("28000.00"), usd("0.00"))
    balance = handlers.get_fund(uow, funded["fund"]["id"])["balance"]
    assert (balance["received"], balance["committed"], balance["disbursed"], balance["available"]) == (
        "100000.00", "12000.00", "12000.00", "88000.00")
    event = wire(uow.events("grant.cancelled")[0])
    assert (event["transaction_type"], event["returned"], event["reason"]) == ("2", "28000.00",
                                                                              "The project was abandoned.")
    with pytest.raises(Conflict) as caught:
        handlers.disburse(uow, grant["id"], {"tranche": 1})
    assert caught.value.allowed == [] and "cancelled" in caught.value.detail


def test_disbursements_beyond_the_commitment_are_refused(uow, grant):
    with pytest.raises(InvalidInput) as caught:
        handlers.disburse(uow, grant["id"], {"tranche": 1, "amount": usd("30000.01")})
    assert list(caught.value.errors) == ["amount.amount"]
    with pytest.raises(InvalidInput) as caught:
        handlers.disburse(uow, grant["id"], {"tranche": 1, "amount": {"amount": "10", "currency": "EUR"}})
    assert list(caught.value.errors) == ["amount.currency"]
    with pytest.raises(InvalidInput) as caught:
        handlers.disburse(uow, grant["id"], {"tranche": 0})
    assert list(caught.value.errors) == ["tranche"]
    assert uow.events("tranche.disbursed") == []


def test_the_closeout_needs_the_final_report(uow, grant):
    with pytest.raises(Conflict, match="final report approved; it is due"):
        handlers.close_grant(uow, grant["id"])
    with pytest.raises(Conflict) as caught:
        handlers.review_report(uow, grant["id"], "2", {}, approve=True)
    assert caught.value.allowed == ["submit"]


def test_reports_due_and_overdue_are_sent_once(uow, grant):
    mid = date.today() + timedelta(days=90)
    at = lambda d: datetime(d.year, d.month, d.day, 9, tzinfo=timezone.utc)  # noqa: E731
    assert handlers.sweep(uow, at(mid - timedelta(days=20))) == {"calls_closed": 1, "reports_due": 0,
                                                                "reports_overdue": 0}
    assert handlers.sweep(uow, at(mid - timedelta(days=14)))["reports_due"] == 1
    assert handlers.sweep(uow, at(mid - timedelta(days=13)))["reports_due"] == 0
    assert handlers.sweep(uow, at(mid))["reports_overdue"] == 0
    late = at(mid + timedelta(days=3))
    assert handlers.sweep(uow, late)["reports_overdue"] == 1
    assert handlers.sweep(uow, late + timedelta(days=1))["reports_overdue"] == 0
    due, overdue = uow.events("report.due"), uow.events("report.overdue")
    assert len(due) == 1 and len(overdue) == 1
    assert (wire(overdue[0])["days_overdue"], wire(overdue[0])["title"]) == (3, "Mid-term report")
    listed = handlers.list_reports(uow, {"overdue": True}, today=late.date())
    assert [(r["title"], r["overdue"]) for r in listed["items"]] == [("Mid-term report", True)]
    assert handlers.list_reports(uow, {"overdue": True}, actor=KISUMU, today=late.date())["items"] == []
