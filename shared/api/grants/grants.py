"""Grants after the award (tranches, disbursements, closeout, cancellation): requests, queries and
responses."""

from marshmallow import fields, validate

from shared.api.grants.funds import LedgerEntryOut
from shared.api.grants.pieces import (
    Amount,
    MoneyOut,
    PageQuery,
    TargetOut,
    page_of,
    text_field,
    theme_code,
    window_code,
)
from shared.api.grants.reports import ReportOut
from shared.bounds import MAX_NUMBER
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema, country_code


class TrancheInput(StrictSchema):
    amount = Amount(required=True)
    planned_date = fields.Date(load_default=None)
    condition = Text(load_default="none", validate=validate.OneOf(["none", "report_approved"]))
    report = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1, max=MAX_NUMBER), metadata={
        "description": "for report_approved: the number (1-based position in `reports`) of the report"})


class ReportObligationInput(StrictSchema):
    title = text_field(300, required=True)
    due_date = fields.Date(required=True)
    final = fields.Boolean(load_default=False)


class DisbursementInput(StrictSchema):
    tranche = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_NUMBER),
                             metadata={"description": "the tranche's number"})
    amount = Amount(load_default=None, metadata={"description": "default what is left of the tranche"})
    value_date = fields.Date(load_default=None, metadata={"description": "default today"})


class CancellationInput(StrictSchema):
    reason = text_field(2000, required=True)


class EmptyInput(StrictSchema):
    pass


class GrantQuery(PageQuery):
    fund_id = Text()
    call_id = Text()
    status = Text(validate=validate.OneOf(["active", "closed", "cancelled"]))
    theme = Text(validate=theme_code)
    country = Text(validate=country_code)
    window = Text(validate=window_code)
    programme_id = Text()
    recipient = Text()


class DisbursementQuery(PageQuery):
    fund_id = Text()
    grant_id = Text()


class TrancheOut(StrictSchema):
    id = Text()
    number = fields.Integer()
    amount = fields.Nested(MoneyOut)
    disbursed = fields.Nested(MoneyOut)
    planned_date = fields.Date(allow_none=True)
    condition = Text()
    condition_report = fields.Integer(allow_none=True, metadata={"description": "the report's number"})
    condition_met = fields.Boolean()
    status = Text()
    disbursed_at = UTCDateTime(allow_none=True)


class AgreementOut(StrictSchema):
    status = Text(metadata={"description": "unsigned, signed_by_grantee, countersigned, or not_recorded (a grant "
                                           "awarded before agreements were kept here)"})
    grantee_signed_by = Text(allow_none=True, metadata={"description": "the grantee's signing API key id"})
    grantee_signed_at = UTCDateTime(allow_none=True)
    fund_signed_by = Text(allow_none=True, metadata={"description": "the countersigning administrator's key id"})
    fund_signed_at = UTCDateTime(allow_none=True)


class GrantOut(StrictSchema):
    id = Text()
    application_id = Text(allow_none=True)
    call_id = Text(allow_none=True)
    fund_id = Text(allow_none=True)
    window = Text(allow_none=True)
    theme = Text(allow_none=True)
    country = Text(allow_none=True)
    city = Text(allow_none=True)
    recipient = Text()
    recipient_type = Text(allow_none=True)
    programme_id = Text()
    programme_iati_identifier = Text(allow_none=True)
    amount = fields.Nested(MoneyOut, metadata={"description": "the commitment"})
    disbursed = fields.Nested(MoneyOut)
    returned = fields.Nested(MoneyOut, metadata={"description": "returned to the fund on closeout or cancellation"})
    undisbursed = fields.Nested(MoneyOut)
    status = Text()
    allowed_actions = fields.List(Text())
    targets = fields.List(fields.Nested(TargetOut))
    tranches = fields.List(fields.Nested(TrancheOut))
    reports = fields.List(fields.Nested(ReportOut))
    value_for_money = fields.Dict(metadata={
        "description": "{people_reached (latest approved report), cost_per_person_reached (disbursed / people)}"})
    awarded_at = UTCDateTime()
    updated_at = UTCDateTime()
    closed_at = UTCDateTime(allow_none=True)
    cancelled_at = UTCDateTime(allow_none=True)
    cancel_reason = Text(allow_none=True)
    agreement = fields.Nested(AgreementOut, metadata={
        "description": "signed by the grantee, then countersigned by the fund: no tranche is paid before"})


class DisbursementResultOut(StrictSchema):
    disbursement = fields.Nested(LedgerEntryOut)
    grant = fields.Nested(GrantOut)


GrantPage = page_of(GrantOut, "GrantPage")


DisbursementPage = page_of(LedgerEntryOut, "DisbursementPage")
