"""Payment requests per tranche: requests, queries and responses."""
from marshmallow import fields, validate

from shared.api.grants.pieces import Amount, MoneyOut, PageQuery, page_of, text_field
from shared.bounds import MAX_NUMBER
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema


class PaymentRequestInput(StrictSchema):
    tranche = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_NUMBER),
                             metadata={"description": "the tranche's number"})
    amount = Amount(load_default=None, metadata={
        "description": "as invoiced, in any currency with a rate on value_date; default what is left of the tranche"})
    value_date = fields.Date(load_default=None, metadata={"description": "the invoice's, for the rate; default today"})
    reference = text_field(200, load_default="", metadata={"description": "the grantee's invoice reference"})


class PaymentInput(StrictSchema):
    value_date = fields.Date(load_default=None, metadata={"description": "the payment's; default today"})


class PaymentFailureInput(StrictSchema):
    reason = text_field(2000, required=True, metadata={"description": "why the payment failed (bank's answer)"})


class PaymentRejectionInput(StrictSchema):
    reason = text_field(2000, required=True,
                        metadata={"description": "why the request is rejected (the grantee sees it)"})


class PaymentQuery(PageQuery):
    status = Text(validate=validate.OneOf(["submitted", "programme_approved", "approved", "payment_failed", "paid",
                                           "rejected"]))


class PaymentOut(StrictSchema):
    id = Text()
    grant_id = Text()
    tranche_number = fields.Integer()
    amount = fields.Nested(MoneyOut, metadata={"description": "in the grant's currency"})
    original_amount = fields.Nested(MoneyOut, metadata={"description": "as invoiced"})
    exchange_rate = Text(metadata={"description": "1 original currency = rate grant currency, at value_date"})
    value_date = fields.Date()
    reference = Text()
    status = Text()
    allowed_actions = fields.List(Text())
    submitted_by = Text()
    submitted_at = UTCDateTime()
    programme_approved_by = Text(allow_none=True)
    programme_approved_at = UTCDateTime(allow_none=True)
    finance_approved_by = Text(allow_none=True)
    finance_approved_at = UTCDateTime(allow_none=True)
    paid_at = UTCDateTime(allow_none=True)
    paid_value_date = fields.Date(allow_none=True)
    disbursement_id = Text(allow_none=True, metadata={"description": "the ledger's IATI 3 row, once paid"})
    failure_reason = Text(allow_none=True)
    failed_at = UTCDateTime(allow_none=True)
    attempts = fields.Integer(metadata={"description": "payment attempts (paid or failed)"})
    rejected_stage = Text(allow_none=True, metadata={"description": "programme or finance: who rejected it"})
    rejected_by = Text(allow_none=True)
    rejected_at = UTCDateTime(allow_none=True)
    rejection_reason = Text(allow_none=True)


PaymentPage = page_of(PaymentOut, "PaymentPage")
