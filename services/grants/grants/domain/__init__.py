"""The grants domain, free of frameworks and databases, one module per aggregate:

- funds: a fund and its ledger of IATI-typed transactions (its balance always explainable);
- contributions: partners' pledges and the money received on them; rates: conversion;
- calls: calls for proposals; applications (and screening, reviews): submitted, screened,
  reviewed; determination: awarded (a grant) or rejected;
- grants (with reports and tranches, awards): tranches disbursed once their conditions hold,
  reports falling due, and the end, closed out or cancelled, the undisbursed part returned.

Aggregates (Fund, Contribution, Call, Application, Grant) record the integration events they
cause; the unit of work writes them to the outbox with the state change."""
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
from grants.domain.contributions import CONTRIBUTION_LIFECYCLE, Contribution, Receipt
from grants.domain.determination import determine
from grants.domain.funds import Balance, Fund, LedgerEntry
from grants.domain.grants import GRANT_LIFECYCLE, Grant
from grants.domain.rates import RATE_CEILING, Converter, Rate, convert
from grants.domain.reports import REPORT_LIFECYCLE, TRANCHE_LIFECYCLE, Report, Tranche
from grants.domain.screening import SCREENING_RULES, screening_failures

__all__ = [
    "AMOUNT_CEILING", "APPLICATION_LIFECYCLE", "CALL_LIFECYCLE", "CENT", "CONTRIBUTION_LIFECYCLE",
    "DEFAULT_FINAL_REPORT_AFTER_DAYS", "DEFAULT_REPORT_NOTICE_DAYS", "DISBURSEMENT", "GRANT_LIFECYCLE",
    "INCOMING_COMMITMENT", "INCOMING_FUNDS", "OUTGOING_COMMITMENT", "RATE_CEILING", "RATE_PLACES",
    "REPORT_LIFECYCLE", "SCREENING_RULES", "TRANCHE_LIFECYCLE", "Application", "Balance", "Call", "Contribution",
    "Converter", "Fund", "Grant", "LedgerEntry", "Rate", "Receipt", "Report", "Review", "Tranche", "award_plan",
    "check_ceiling", "check_transition", "convert", "determine", "fmt", "make_review", "money", "new_id",
    "same_organisation", "screening_failures",
]
