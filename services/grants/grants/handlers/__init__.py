"""Use cases of the grants service, one module per aggregate: plain functions of a unit of
work, acting for an `Actor` (shared.actors; the service converts the RPC's wire actor once).
Who may do what is in grants.access; response dicts are built in grants.views; the events
are recorded by the domain's aggregates and written by the unit of work at commit."""
from grants.handlers.agreements import sign_agreement
from grants.handlers.applications import (
    determine,
    get_application,
    list_applications,
    list_reviews,
    submit_application,
    submit_review,
    withdraw_application,
)
from grants.handlers.calls import close_call, get_call, list_calls, open_call
from grants.handlers.conflicts import assign_reviewer, declare_conflict
from grants.handlers.contributions import (
    get_contribution,
    list_contributions,
    pledge_contribution,
    receive_contribution,
)
from grants.handlers.funds import create_fund, fund_ledger, get_fund, list_funds, list_rates, load_rates
from grants.handlers.grants import cancel_grant, close_grant, disburse, get_grant, list_disbursements, list_grants
from grants.handlers.payments import act_on_payment, list_payments, request_payment
from grants.handlers.reports import list_reports, review_report, submit_report, sweep

__all__ = [
    "act_on_payment", "assign_reviewer", "cancel_grant", "close_call", "close_grant", "create_fund",
    "declare_conflict", "determine", "disburse", "fund_ledger", "get_application", "get_call", "get_contribution",
    "get_fund", "get_grant", "list_applications", "list_calls", "list_contributions", "list_disbursements",
    "list_funds", "list_grants", "list_payments", "list_rates", "list_reports", "list_reviews", "load_rates",
    "open_call", "pledge_contribution", "receive_contribution", "request_payment", "review_report",
    "sign_agreement", "submit_application", "submit_report", "submit_review", "sweep", "withdraw_application",
]
