"""The grants domain, free of frameworks and databases, one module per aggregate:

- funds: a fund and its ledger of IATI-typed transactions (its balance always explainable);
- contributions: partners' pledges and the money received on them; rates: conversion;
- calls: calls for proposals; applications (and screening, reviews): submitted, screened,
  reviewed (conflicts: recusal, the review panel, who sees whose reviews); determination: awarded (a grant) or rejected;
- grants (with reports and tranches, awards): tranches disbursed once their conditions hold,
  reports falling due, and the end, closed out or cancelled, the undisbursed part returned.

Aggregates (Fund, Contribution, Call, Application, Grant) record the integration events they
cause; the unit of work writes them to the outbox with the state change."""
from grants.domain.agreements import AGREEMENT_LIFECYCLE
from grants.domain.agreements import sign as sign_agreement
from grants.domain.applications import APPLICATION_LIFECYCLE, Application, Review, make_review
from grants.domain.awards import award_plan
from grants.domain.calls import CALL_LIFECYCLE, Call
from grants.domain.common import (
    AMOUNT_CEILING,
    CENT,
    DEFAULT_FINAL_REPORT_AFTER_DAYS,
    DEFAULT_REPORT_NOTICE_DAYS,
    DISBURSEMENT,
    INCOMING_COMMITMENT,
    INCOMING_FUNDS,
    OUTGOING_COMMITMENT,
    RATE_PLACES,
    check_ceiling,
    check_transition,
    fmt,
    money,
    new_id,
    same_organisation,
)
from grants.domain.conflicts import (
    REVIEW_VISIBILITIES,
    Assignment,
    DeclaredConflict,
    assign_reviewer,
    check_on_panel,
    counting,
    declare_conflict,
    recusal,
    visible_reviews,
)
from grants.domain.contributions import CONTRIBUTION_LIFECYCLE, Contribution, Receipt
from grants.domain.determination import determine
from grants.domain.funds import Balance, Fund, LedgerEntry
from grants.domain.grants import GRANT_LIFECYCLE, Grant
from grants.domain.payments import PAYMENT_LIFECYCLE, PaymentRequest, check_direct_disbursement
from grants.domain.rates import RATE_CEILING, Converter, Rate, convert
from grants.domain.reports import REPORT_LIFECYCLE, TRANCHE_LIFECYCLE, Report, Tranche
from grants.domain.screening import SCREENING_RULES, screening_failures

__all__ = [
    "AGREEMENT_LIFECYCLE", "AMOUNT_CEILING", "APPLICATION_LIFECYCLE", "Application", "Assignment", "Balance",
    "CALL_LIFECYCLE", "CENT", "CONTRIBUTION_LIFECYCLE", "Call", "Contribution", "Converter",
    "DEFAULT_FINAL_REPORT_AFTER_DAYS", "DEFAULT_REPORT_NOTICE_DAYS", "DISBURSEMENT", "DeclaredConflict", "Fund",
    "GRANT_LIFECYCLE", "Grant", "INCOMING_COMMITMENT", "INCOMING_FUNDS", "LedgerEntry", "OUTGOING_COMMITMENT",
    "PAYMENT_LIFECYCLE", "PaymentRequest", "RATE_CEILING", "RATE_PLACES", "REPORT_LIFECYCLE", "REVIEW_VISIBILITIES",
    "Rate", "Receipt", "Report", "Review", "SCREENING_RULES", "TRANCHE_LIFECYCLE", "Tranche", "assign_reviewer",
    "award_plan", "check_ceiling", "check_direct_disbursement", "check_on_panel", "check_transition", "convert",
    "counting", "declare_conflict", "determine",
    "fmt", "make_review", "money", "new_id", "recusal", "same_organisation", "screening_failures", "sign_agreement",
    "visible_reviews",
]
