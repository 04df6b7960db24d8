"""Public API of the grants service: request schemas (the service validates with them, the
gateway documents and may validate early with them) and response schemas.

Money is always `{"amount": "<Decimal string>", "currency": "<ISO 4217>"}`: positive, at most
2 decimal places, never a JSON number, at most AMOUNT_CEILING. Dates are ISO 8601
(`2021-01-31`), times UTC ISO 8601 with an offset (`2021-01-31T12:00:00Z`).

One module per aggregate (funds, contributions, calls, applications, grants, reports; shared
pieces in pieces.py); this package re-exports every public name."""
from marshmallow import Schema

from shared.api.grants.applications import (
    ApplicationInput,
    ApplicationOut,
    ApplicationPage,
    ApplicationQuery,
    AssignmentInput,
    AssignmentOut,
    ConflictInput,
    ConflictOut,
    DeterminationInput,
    DeterminationOut,
    FailureOut,
    PanelOut,
    ReviewInput,
    ReviewOut,
    ReviewPage,
    ReviewQuery,
    WithdrawalInput,
)
from shared.api.grants.calls import (
    CallInput,
    CallOut,
    CallPage,
    CallQuery,
    CriterionInput,
    CriterionOut,
    QuestionInput,
    QuestionOut,
)
from shared.api.grants.contributions import (
    ContributionInput,
    ContributionOut,
    ContributionPage,
    ContributionQuery,
    ReceiptInput,
    ReceiptOut,
)
from shared.api.grants.funds import (
    BalanceOut,
    DisbursementOut,
    FundInput,
    FundOut,
    FundPage,
    FundQuery,
    LedgerEntryOut,
    LedgerPage,
    LedgerQuery,
    RateInput,
    RateOut,
    RatePage,
    RateQuery,
    RatesInput,
    RatesOut,
)
from shared.api.grants.grants import (
    CancellationInput,
    DisbursementInput,
    DisbursementPage,
    DisbursementQuery,
    DisbursementResultOut,
    EmptyInput,
    GrantOut,
    GrantPage,
    GrantQuery,
    ReportObligationInput,
    TrancheInput,
    TrancheOut,
)
from shared.api.grants.payments import (
    PaymentFailureInput,
    PaymentInput,
    PaymentOut,
    PaymentPage,
    PaymentQuery,
    PaymentRejectionInput,
    PaymentRequestInput,
)
from shared.api.grants.pieces import (
    AMOUNT_CEILING,
    DEFAULT_LIMIT,
    IATI_TRANSACTION_TYPES,
    MAX_LIMIT,
    Amount,
    AmountSchema,
    MoneyOut,
    PageQuery,
    TargetInput,
    TargetOut,
    indicator_code,
    one_of,
    organisation_type,
    page_of,
    text_field,
    theme_code,
    window_code,
)
from shared.api.grants.reports import (
    ReportOut,
    ReportPage,
    ReportQuery,
    ReportReviewInput,
    ReportSubmissionInput,
)

QUERY_FILTERS: dict[type[Schema], list[str]] = {  # the filters of each list, by query schema
    cls: [name for name in cls().fields if name not in ("limit", "cursor")]
    for cls in (FundQuery, LedgerQuery, RateQuery, ContributionQuery, CallQuery, ApplicationQuery, ReviewQuery,
                GrantQuery, DisbursementQuery, ReportQuery, PaymentQuery)
}

__all__ = [
    "AMOUNT_CEILING", "Amount", "AmountSchema", "ApplicationInput", "ApplicationOut", "ApplicationPage",
    "ApplicationQuery", "AssignmentInput", "AssignmentOut", "BalanceOut", "CallInput", "CallOut", "CallPage",
    "CallQuery", "CancellationInput", "ConflictInput", "ConflictOut", "ContributionInput", "ContributionOut",
    "ContributionPage", "ContributionQuery", "CriterionInput", "CriterionOut", "DEFAULT_LIMIT",
    "DeterminationInput", "DeterminationOut", "DisbursementInput", "DisbursementOut", "DisbursementPage",
    "DisbursementQuery", "DisbursementResultOut", "EmptyInput", "FailureOut", "FundInput", "FundOut", "FundPage",
    "FundQuery", "GrantOut", "GrantPage", "GrantQuery", "IATI_TRANSACTION_TYPES", "LedgerEntryOut", "LedgerPage",
    "LedgerQuery", "MAX_LIMIT", "MoneyOut", "PageQuery", "PanelOut", "PaymentFailureInput", "PaymentInput",
    "PaymentRejectionInput", "PaymentOut", "PaymentPage", "PaymentQuery", "PaymentRequestInput", "QUERY_FILTERS",
    "QuestionInput",
    "QuestionOut", "RateInput", "RateOut", "RatePage", "RateQuery", "RatesInput", "RatesOut", "ReceiptInput",
    "ReceiptOut", "ReportObligationInput", "ReportOut", "ReportPage", "ReportQuery", "ReportReviewInput",
    "ReportSubmissionInput", "ReviewInput", "ReviewOut", "ReviewPage", "ReviewQuery", "TargetInput", "TargetOut",
    "TrancheInput", "TrancheOut", "WithdrawalInput", "indicator_code", "one_of", "organisation_type", "page_of",
    "text_field", "theme_code", "window_code",
]
