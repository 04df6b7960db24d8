"""Views: domain objects as the API's response dicts (schemas from shared.api.grants)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import Schema

from grants import domain
from shared.api import grants as api
from shared.events.fields import utcnow
from shared.reference import TRANSACTION_TYPES

View = dict[str, Any]
_schemas: dict[type[Schema], Schema] = {}


def dump(schema_cls: type[Schema], value: Any) -> View:
    if schema_cls not in _schemas:
        _schemas[schema_cls] = schema_cls()
    result: View = _schemas[schema_cls].dump(value)
    return result


def _money(amount: Decimal, currency: str) -> View:
    return {"amount": domain.money(amount), "currency": currency}


def page(items: list[View], next_cursor: str | None) -> View:
    return {"items": items, "next_cursor": next_cursor}


def fund_view(fund: domain.Fund) -> View:
    b = fund.balance
    explanation = (f"available {b.available} = received {domain.money(b.received)} - committed "
                   f"{domain.money(b.committed)}; of the committed, {domain.money(b.disbursed)} is disbursed "
                   f"and {b.undisbursed} is still to be disbursed; pledged {domain.money(b.pledged)} "
                   f"({fund.currency})")
    return dump(api.FundOut, {
        **fund.__dict__, "min_grant": _money(fund.min_grant, fund.currency),
        "max_grant": _money(fund.max_grant, fund.currency),
        "balance": {**b.as_dict(), "undisbursed": b.undisbursed, "explanation": explanation}})


def ledger_view(entry: domain.LedgerEntry) -> View:
    return dump(api.LedgerEntryOut, {
        **entry.__dict__, "transaction_type_name": TRANSACTION_TYPES[entry.transaction_type],
        "amount": _money(entry.amount, entry.currency),
        "original_amount": _money(entry.original_amount, entry.original_currency)})


def rate_view(rate: domain.Rate) -> View:
    return dump(api.RateOut, rate.__dict__)


def rates_loaded_view(rates: list[domain.Rate]) -> View:
    return dump(api.RatesOut, {"loaded": len(rates), "rates": [r.__dict__ for r in rates]})


def contribution_view(c: domain.Contribution) -> View:
    return dump(api.ContributionOut, {
        **c.__dict__, "original_amount": _money(c.original_amount, c.original_currency),
        "amount": _money(c.amount, c.currency), "received": _money(c.received_total, c.currency),
        "outstanding": _money(c.outstanding_original, c.original_currency),
        "receipts": [{**r.__dict__, "original_amount": _money(r.original_amount, c.original_currency),
                      "amount": _money(r.amount, c.currency)} for r in c.receipts]})


def call_view(call: domain.Call) -> View:
    return dump(api.CallOut, {
        **call.__dict__, "envelope": _money(call.envelope, call.currency),
        "committed": _money(call.committed, call.currency), "remaining": _money(call.remaining, call.currency),
        "allowed_actions": sorted(domain.CALL_LIFECYCLE[call.status])})


def review_view(review: domain.Review, counts: bool = True) -> View:
    return dump(api.ReviewOut, {**review.__dict__, "counts": counts})


def application_view(app: domain.Application, reviews: list[domain.Review] | None = None,
                     counted: set[str] | None = None, panel: dict[str, Any] | None = None) -> View:
    """`reviews` (None: not shown) and the ids of those that `counted` (default all);
    `panel`: assignments and conflicts, for administrators."""
    view = dump(api.ApplicationOut, {
        **app.__dict__, "amount_requested": _money(app.amount_requested, app.currency),
        "project_cost": _money(app.project_cost, app.currency),
        "allowed_actions": sorted(domain.APPLICATION_LIFECYCLE[app.status]),
        "screening": {"passed": not app.failures, "failures": app.failures},
        "reviews": [{**r.__dict__, "counts": counted is None or r.id in counted} for r in reviews or []],
        "panel": panel or {}})
    if reviews is None:
        view.pop("reviews")
    if panel is None:
        view.pop("panel")
    return view


def payment_view(p: domain.PaymentRequest) -> View:
    return dump(api.PaymentOut, {
        **p.__dict__, "amount": _money(p.amount, p.currency),
        "original_amount": _money(p.original_amount, p.original_currency), "exchange_rate": str(p.exchange_rate),
        "allowed_actions": sorted(domain.PAYMENT_LIFECYCLE[p.status])})


def report_view(report: domain.Report, today: date) -> View:
    return dump(api.ReportOut, {**report.__dict__, "overdue": report.is_overdue(today)})


def grant_view(grant: domain.Grant, today: date | None = None) -> View:
    today = today or utcnow().date()
    reports = {r.id: r for r in grant.reports}
    tranches = []
    for t in grant.tranches:
        report = reports.get(t.condition_report_id or "")
        tranches.append({**t.__dict__, "amount": _money(t.amount, grant.currency),
                         "disbursed": _money(t.disbursed, grant.currency),
                         "condition_report": report.number if report else None,
                         "condition_met": t.condition == "none" or bool(report and report.status == "approved")})
    people = grant.people_reached()
    cost = (grant.disbursed / people).quantize(domain.CENT) if people else None
    return dump(api.GrantOut, {
        **grant.__dict__, "amount": _money(grant.amount, grant.currency),
        "disbursed": _money(grant.disbursed, grant.currency), "returned": _money(grant.returned, grant.currency),
        "undisbursed": _money(grant.undisbursed, grant.currency),
        "allowed_actions": sorted(domain.GRANT_LIFECYCLE[grant.status]) if grant.fund_id else [],
        "tranches": tranches, "reports": [{**r.__dict__, "overdue": r.is_overdue(today)} for r in grant.reports],
        "agreement": {"status": grant.agreement_status, "grantee_signed_by": grant.grantee_signed_by,
                      "grantee_signed_at": grant.grantee_signed_at, "fund_signed_by": grant.fund_signed_by,
                      "fund_signed_at": grant.fund_signed_at},
        "value_for_money": {
            "disbursed": str(domain.money(grant.disbursed)), "currency": grant.currency,
            "people_reached": people, "cost_per_person_reached": str(cost) if cost is not None else None}})
