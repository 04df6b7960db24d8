"""Contracts of the events the grants service produces, one module per aggregate (funds and
contributions, calls, applications and reviews, the review panel, grants, reports); what the events mean for a
consumer is in funds.py's docstring (docs/events.md shows it). Importing this package registers
them all; `EXAMPLES` holds one valid payload per event type."""
from shared.events.contracts.grants.agreements import (
    AGREEMENT_STATUSES,
    AgreementSignedV1,
)
from shared.events.contracts.grants.applications import (
    ApplicationAwardedV1,
    ApplicationRejectedV1,
    ApplicationScreenedV1,
    ApplicationSubmittedV1,
    ApplicationWithdrawnV1,
    ReviewSubmittedV1,
)
from shared.events.contracts.grants.calls import (
    CallClosedV1,
    CallOpenedV1,
)
from shared.events.contracts.grants.examples import (
    EXAMPLES,
)
from shared.events.contracts.grants.funds import (
    ContributionMoney,
    ContributionPledgedV1,
    ContributionReceivedV1,
    FundCreatedV1,
)
from shared.events.contracts.grants.grants import (
    GrantAwardedV1,
    GrantCancelledV1,
    GrantClosedV1,
    GrantCommittedV1,
    GrantEnded,
    TrancheDisbursedV1,
)
from shared.events.contracts.grants.panel import (
    ConflictDeclaredV1,
    ReviewerAssignedV1,
)
from shared.events.contracts.grants.payments import (
    PAYMENT_STATUSES,
    PaymentApprovedV1,
    PaymentContext,
    PaymentFailedV1,
    PaymentPaidV1,
    PaymentRequestedV1,
    PaymentRetriedV1,
)
from shared.events.contracts.grants.pieces import (
    APPLICATION_STATUSES,
    CALL_STATUSES,
    CONTRIBUTION_STATUSES,
    GRANT_STATUSES,
    REPORT_STATUSES,
    TRANCHE_CONDITIONS,
    WINDOWS,
    ApplicationContext,
    FundBalanceSchema,
    FundContext,
    GrantContext,
    ReportObligationSchema,
    ScreeningFailureSchema,
    TargetSchema,
    TrancheSchema,
    date_field,
    iati_type_field,
    money_field,
    org_type_field,
)
from shared.events.contracts.grants.reports import (
    ReportApprovedV1,
    ReportContext,
    ReportDueV1,
    ReportOverdueV1,
    ReportSubmittedV1,
)

__all__ = [
    "PAYMENT_STATUSES", "PaymentApprovedV1", "PaymentContext", "PaymentFailedV1", "PaymentPaidV1",
    "PaymentRequestedV1", "PaymentRetriedV1",
    "AGREEMENT_STATUSES", "APPLICATION_STATUSES", "AgreementSignedV1", "ApplicationAwardedV1", "ApplicationContext",
    "ApplicationRejectedV1", "ApplicationScreenedV1", "ApplicationSubmittedV1", "ApplicationWithdrawnV1",
    "CALL_STATUSES", "CONTRIBUTION_STATUSES", "CallClosedV1", "CallOpenedV1", "ConflictDeclaredV1",
    "ContributionMoney", "ContributionPledgedV1", "ContributionReceivedV1", "EXAMPLES", "FundBalanceSchema",
    "FundContext", "FundCreatedV1", "GRANT_STATUSES", "GrantAwardedV1", "GrantCancelledV1", "GrantClosedV1",
    "GrantCommittedV1", "GrantContext", "GrantEnded", "REPORT_STATUSES", "ReportApprovedV1", "ReportContext",
    "ReportDueV1", "ReportObligationSchema", "ReportOverdueV1", "ReportSubmittedV1", "ReviewSubmittedV1",
    "ReviewerAssignedV1", "ScreeningFailureSchema", "TRANCHE_CONDITIONS", "TargetSchema", "TrancheDisbursedV1",
    "TrancheSchema", "WINDOWS", "date_field", "iati_type_field", "money_field", "org_type_field",
]
