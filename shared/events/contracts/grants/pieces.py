"""Field groups, nested schemas and field helpers the grants contracts share."""
from typing import Any

from marshmallow import fields, validate

from shared.bounds import MAX_VALUE
from shared.events.fields import Currency, DecimalString
from shared.events.schemas import StrictSchema, country_code
from shared.reference import ORGANISATION_TYPES

WINDOWS = ("country_city", "global")
CONTRIBUTION_STATUSES = ("pledged", "partly_received", "received")
CALL_STATUSES = ("open", "closed")
APPLICATION_STATUSES = ("submitted", "under_review", "ineligible", "awarded", "rejected", "withdrawn")
GRANT_STATUSES = ("active", "closed", "cancelled")
REPORT_STATUSES = ("due", "submitted", "approved")
TRANCHE_CONDITIONS = ("none", "report_approved")


def money_field(description: str, **kwargs: Any) -> DecimalString:
    return DecimalString(required=True, places=2, metadata={"description": description}, **kwargs)


def org_type_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(list(ORGANISATION_TYPES)),
                         metadata={"description": "IATI OrganisationType code"}, **kwargs)


def iati_type_field(code: str) -> fields.String:
    return fields.String(required=True, validate=validate.OneOf([code]),
                         metadata={"description": "IATI TransactionType code"})


def date_field(description: str, **kwargs: Any) -> fields.Date:
    return fields.Date(metadata={"description": f"{description} (ISO date YYYY-MM-DD)"}, **kwargs)


class FundBalanceSchema(StrictSchema):
    """A fund's balance in its currency: available = received - committed; committed is net of
    returns and includes what was disbursed."""
    currency = Currency(required=True)
    pledged = money_field("incoming commitments (IATI 11), converted when pledged")
    received = money_field("incoming funds (IATI 1), converted on their value date")
    committed = money_field("outgoing commitments (IATI 2) net of returns")
    disbursed = money_field("disbursements (IATI 3)")
    available = money_field("received - committed: what may still be awarded")


class TargetSchema(StrictSchema):
    indicator = fields.String(required=True, metadata={"description": "plan indicator code"})
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=MAX_VALUE))


class ScreeningFailureSchema(StrictSchema):
    rule = fields.String(required=True, metadata={"description": "code of the failed rule"})
    field = fields.String(required=True, metadata={"description": "application field the rule checks"})
    reason = fields.String(required=True)


class TrancheSchema(StrictSchema):
    tranche_id = fields.String(required=True)
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    amount = money_field("in the fund's currency")
    planned_date = date_field("when it is planned", required=True, allow_none=True)
    condition = fields.String(required=True, validate=validate.OneOf(TRANCHE_CONDITIONS))
    condition_report_id = fields.String(required=True, allow_none=True,
                                        metadata={"description": "the report that must be approved first"})


class ReportObligationSchema(StrictSchema):
    report_id = fields.String(required=True)
    title = fields.String(required=True)
    due_date = date_field("due", required=True)
    final = fields.Boolean(required=True)


# --- field groups every event of an aggregate carries (not contracts themselves) -----------

class FundContext(StrictSchema):
    fund_id = fields.String(required=True)
    window = fields.String(required=True, validate=validate.OneOf(WINDOWS),
                           metadata={"description": "funding window of the fund"})


class ApplicationContext(FundContext):
    application_id = fields.String(required=True)
    call_id = fields.String(required=True)
    theme = fields.String(required=True, metadata={"description": "plan theme code"})
    country = fields.String(required=True, validate=country_code)
    city = fields.String(required=True, metadata={"description": "city name"})
    applicant_organisation = fields.String(required=True)
    applicant_type = org_type_field(required=True)
    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    programme_iati_identifier = fields.String(required=True, allow_none=True,
                                              metadata={"description": "IATI identifier of the programme"})
    amount_requested = money_field("requested, in the fund's currency")
    project_cost = money_field("the project's total cost, in the fund's currency")
    currency = Currency(required=True, metadata={"description": "the fund's currency"})
    targets = fields.List(fields.Nested(TargetSchema), required=True,
                          metadata={"description": "results the applicant claims it will achieve"})


class GrantContext(FundContext):
    grant_id = fields.String(required=True)
    application_id = fields.String(required=True)
    call_id = fields.String(required=True)
    theme = fields.String(required=True, metadata={"description": "plan theme code"})
    country = fields.String(required=True, validate=country_code)
    city = fields.String(required=True, metadata={"description": "city name"})
    recipient_organisation = fields.String(required=True)
    recipient_type = org_type_field(required=True)
    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    programme_iati_identifier = fields.String(required=True, allow_none=True,
                                              metadata={"description": "IATI identifier of the programme"})
    currency = Currency(required=True, metadata={"description": "the fund's currency"})

