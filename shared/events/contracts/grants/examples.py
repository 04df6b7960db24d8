"""One valid payload per grants event type (used by the contract tests)."""
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

_AT = datetime(2020, 6, 30, 12, 0, tzinfo=timezone.utc)
_BALANCE = {"currency": "USD", "pledged": Decimal("1000000.00"), "received": Decimal("800000.00"),
            "committed": Decimal("150000.00"), "disbursed": Decimal("50000.00"),
            "available": Decimal("650000.00")}
_FUND = {"fund_id": "f-1", "window": "country_city"}
_APPLICATION = {**_FUND, "application_id": "a-1", "call_id": "c-1", "theme": "gender_equality",
                "country": "UG", "city": "Jinja", "applicant_organisation": "Jinja Municipal Council",
                "applicant_type": "11", "programme_id": "p-1", "programme_iati_identifier": "XM-DAC-1-P1",
                "amount_requested": Decimal("40000.00"), "project_cost": Decimal("50000.00"),
                "currency": "USD", "targets": [{"indicator": "people_reached", "value": 5000}]}
_GRANT = {**_FUND, "grant_id": "g-1", "application_id": "a-1", "call_id": "c-1", "theme": "gender_equality",
          "country": "UG", "city": "Jinja", "recipient_organisation": "Jinja Municipal Council",
          "recipient_type": "11", "programme_id": "p-1", "programme_iati_identifier": "XM-DAC-1-P1",
          "currency": "USD"}
_CONTRIBUTION = {**_FUND, "contribution_id": "k-1", "contributor": "Government of Sweden",
                 "contributor_type": "10", "amount": Decimal("110000.00"), "currency": "USD",
                 "original_amount": Decimal("100000.00"), "original_currency": "EUR",
                 "exchange_rate": Decimal("1.1"), "value_date": date(2020, 6, 1), "fund_balance": _BALANCE}
_REPORT = {**_GRANT, "report_id": "r-1", "title": "Mid-term report", "final": False,
           "due_date": date(2020, 12, 31)}
_ENDED = {**_GRANT, "transaction_type": "2", "committed": Decimal("40000.00"),
          "disbursed": Decimal("30000.00"), "returned": Decimal("10000.00"), "previous_status": "active",
          "fund_balance": _BALANCE}
_PAYMENT = {"payment_id": "y-1", "tranche_id": "t-1", "tranche_number": 1, "amount": Decimal("30000.00"),
            "original_amount": Decimal("27272.73"), "original_currency": "EUR", "exchange_rate": Decimal("1.1"),
            "value_date": date(2020, 7, 1), "status": "submitted", "at": _AT}

EXAMPLES: dict[str, dict[str, Any]] = {
    "fund.created": {**_FUND, "name": "Innovation Fund", "currency": "USD", "min_grant": Decimal("10000.00"),
                     "max_grant": Decimal("75000.00"), "eligible_applicant_types": ["11", "22", "24"],
                     "eligible_countries": ["UG", "KE"], "max_cofinancing_share": Decimal("0.80"),
                     "created_at": _AT},
    "contribution.pledged": {**_CONTRIBUTION, "transaction_type": "11", "status": "pledged", "pledged_at": _AT},
    "contribution.received": {**_CONTRIBUTION, "receipt_id": "k-1-1", "transaction_type": "1",
                              "previous_status": "pledged", "status": "received",
                              "received_total": Decimal("110000.00"), "outstanding_original": Decimal("0.00"),
                              "received_at": _AT},
    "call.opened": {**_FUND, "call_id": "c-1", "title": "Innovation Fund 2020: women and the city economy",
                    "themes": ["gender_equality"], "opens_at": _AT, "closes_at": datetime(
                        2020, 9, 30, 23, 59, tzinfo=timezone.utc), "envelope": Decimal("300000.00"),
                    "currency": "USD", "required_reviews": 2, "criteria": ["relevance", "feasibility"],
                    "opened_at": _AT},
    "call.closed": {**_FUND, "call_id": "c-1", "previous_status": "open", "status": "closed",
                    "reason": "deadline", "envelope": Decimal("300000.00"), "committed": Decimal("40000.00"),
                    "currency": "USD", "applications": 12, "closed_at": _AT},
    "application.submitted": {**_APPLICATION, "submitted_at": _AT},
    "application.screened": {**_APPLICATION, "passed": False, "failures": [
        {"rule": "cofinancing", "field": "amount_requested",
         "reason": "the grant may cover at most 80% of the project's cost (40000.00 USD)"}],
        "previous_status": "submitted", "status": "ineligible", "screened_at": _AT},
    "review.submitted": {**_APPLICATION, "review_id": "v-1", "reviewer": "key-7",
                         "reviewer_organisation": "UN-Habitat", "total_score": 8, "recommendation": "award",
                         "reviews": 1, "reviewed_at": _AT},
    "conflict.declared": {**_APPLICATION, "conflict_id": "x-1", "reviewer": "key-7",
                          "reviewer_organisation": "UN-Habitat", "reason": "advised the applicant in 2019",
                          "declared_at": _AT},
    "reviewer.assigned": {**_APPLICATION, "assignment_id": "s-1", "reviewer": "key-7",
                          "reviewer_organisation": "UN-Habitat", "assigned_at": _AT},
    "application.awarded": {**_APPLICATION, "grant_id": "g-1", "amount_awarded": Decimal("40000.00"),
                            "reasons": ["strong local ownership"], "reviews": 2,
                            "previous_status": "under_review", "status": "awarded", "awarded_at": _AT},
    "application.rejected": {**_APPLICATION, "reasons": ["weak budget"], "reviews": 2,
                             "previous_status": "under_review", "status": "rejected", "rejected_at": _AT},
    "application.withdrawn": {**_APPLICATION, "previous_status": "under_review", "status": "withdrawn",
                              "withdrawn_at": _AT},
    "grant.committed": {**_GRANT, "transaction_type": "2", "amount": Decimal("40000.00"), "tranches": [
        {"tranche_id": "t-1", "number": 1, "amount": Decimal("30000.00"), "planned_date": date(2020, 7, 1),
         "condition": "none", "condition_report_id": None},
        {"tranche_id": "t-2", "number": 2, "amount": Decimal("10000.00"), "planned_date": None,
         "condition": "report_approved", "condition_report_id": "r-1"}],
        "reports": [{"report_id": "r-1", "title": "Mid-term report", "due_date": date(2020, 12, 31),
                     "final": False}],
        "targets": [{"indicator": "people_reached", "value": 5000}],
        "call_envelope": Decimal("300000.00"), "call_committed": Decimal("40000.00"),
        "fund_balance": _BALANCE, "committed_at": _AT},
    "agreement.signed": {**_GRANT, "party": "fund", "signed_by": "key-9", "previous_status": "signed_by_grantee",
                         "status": "countersigned", "signed_at": _AT},
    **{f"payment.{kind}": {**_GRANT, **_PAYMENT, **extra} for kind, extra in (
        ("requested", {}), ("approved", {"stage": "finance", "approved_by": "key-9", "status": "approved"}),
        ("paid", {"status": "paid", "paid_value_date": date(2020, 7, 2), "disbursement_id": "d-1"}),
        ("rejected", {"status": "rejected", "stage": "programme", "rejected_by": "key-8",
                      "reason": "the invoice does not match the tranche"}),
        ("failed", {"status": "payment_failed", "reason": "the bank returned it: closed account"}),
        ("retried", {"status": "approved", "previous_failure": "the bank returned it: closed account"}))},
    "tranche.disbursed": {**_GRANT, "disbursement_id": "d-1", "tranche_id": "t-1", "tranche_number": 1,
                          "transaction_type": "3", "amount": Decimal("30000.00"), "value_date": date(2020, 7, 1),
                          "grant_committed": Decimal("40000.00"), "grant_disbursed": Decimal("30000.00"),
                          "fund_balance": _BALANCE, "disbursed_at": _AT},
    "report.due": {**_REPORT, "status": "due", "notified_at": _AT},
    "report.overdue": {**_REPORT, "status": "due", "days_overdue": 3, "overdue_at": _AT},
    "report.submitted": {**_REPORT, "results": [{"indicator": "people_reached", "value": 4200}],
                         "previous_status": "due", "status": "submitted", "submitted_at": _AT},
    "report.approved": {**_REPORT, "results": [{"indicator": "people_reached", "value": 4200}],
                        "previous_status": "submitted", "status": "approved", "approved_at": _AT},
    "grant.closed": {**_ENDED, "status": "closed", "closed_at": _AT},
    "grant.cancelled": {**_ENDED, "status": "cancelled", "reason": "the grantee dissolved", "cancelled_at": _AT},
}
