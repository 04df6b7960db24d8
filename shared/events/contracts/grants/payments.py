"""Contracts of the grants service's payment-request events: requested by the grantee, approved
by programme staff then finance, paid (the tranche's disbursement: `tranche.disbursed` carries
the money, so a consumer counts disbursed money from it alone) or failed and retried, or
rejected at either approval level."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import GrantContext, date_field, money_field
from shared.events.contracts.registry import contract
from shared.events.fields import Currency, DecimalString, UTCDateTime

PAYMENT_STATUSES = ["submitted", "programme_approved", "approved", "payment_failed", "paid"]


class PaymentContext(GrantContext):
    payment_id = fields.String(required=True)
    tranche_id = fields.String(required=True)
    tranche_number = fields.Integer(required=True, strict=True)
    amount = money_field("requested, in the grant's currency")
    original_amount = money_field("as invoiced")
    original_currency = Currency(required=True)
    exchange_rate = DecimalString(required=True, metadata={
        "description": "1 original_currency = exchange_rate currency, at value_date"})
    value_date = date_field("the invoice's value date (for the rate)", required=True)
    status = fields.String(required=True, validate=validate.OneOf(PAYMENT_STATUSES))
    at = UTCDateTime(required=True)


@contract
class PaymentRequestedV1(PaymentContext):
    """The grantee requested (part of) a tranche; nothing is paid yet."""
    event_type, version, producer = "payment.requested", 1, "grants"


@contract
class PaymentApprovedV1(PaymentContext):
    """Programme staff (`stage` programme), then finance (`stage` finance, another key) approved it."""
    event_type, version, producer = "payment.approved", 1, "grants"

    stage = fields.String(required=True, validate=validate.OneOf(["programme", "finance"]))
    approved_by = fields.String(required=True, metadata={"description": "the approving API key's id"})


@contract
class PaymentPaidV1(PaymentContext):
    """Paid: the tranche was disbursed (`tranche.disbursed`, IATI 3, in the same transaction)."""
    event_type, version, producer = "payment.paid", 1, "grants"

    paid_value_date = date_field("the payment's value date", required=True)
    disbursement_id = fields.String(required=True, metadata={"description": "the ledger's IATI 3 row"})


@contract
class PaymentFailedV1(PaymentContext):
    """The payment failed (nothing was disbursed); it may be retried."""
    event_type, version, producer = "payment.failed", 1, "grants"

    reason = fields.String(required=True)


@contract
class PaymentRejectedV1(PaymentContext):
    """Programme staff (`stage` programme) or finance (`stage` finance) rejected the request, with
    a reason; nothing is paid and the request is final (the grantee may request again)."""
    event_type, version, producer = "payment.rejected", 1, "grants"

    status = fields.String(required=True, validate=validate.OneOf(["rejected"]))
    stage = fields.String(required=True, validate=validate.OneOf(["programme", "finance"]))
    rejected_by = fields.String(required=True, metadata={"description": "the rejecting API key's id"})
    reason = fields.String(required=True)


@contract
class PaymentRetriedV1(PaymentContext):
    """A failed payment is approved for payment again."""
    event_type, version, producer = "payment.retried", 1, "grants"

    previous_failure = fields.String(required=True, allow_none=True)
