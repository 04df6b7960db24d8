"""Public API of the grants service: request schemas (the service validates with them, the
gateway documents and may validate early with them) and response schemas.

Money is always `{"amount": "<Decimal string>", "currency": "<ISO 4217>"}`: positive, at most
2 decimal places, never a JSON number, at most AMOUNT_CEILING. Dates are ISO 8601
(`2021-01-31`), times UTC ISO 8601 with an offset (`2021-01-31T12:00:00Z`)."""
from decimal import Decimal

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from shared import plan
from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import MoneySchema, StrictSchema, country_code
from shared.reference import ORGANISATION_TYPES

AMOUNT_CEILING = Decimal("1000000000")
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
IATI_TRANSACTION_TYPES = ("11", "1", "2", "3")


def _one_of(codes_fn, what):
    def check(value):
        codes = codes_fn()
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}; expected one of {sorted(codes)}")
    return check


def organisation_type(value):
    if value not in ORGANISATION_TYPES:
        raise ValidationError(f"unknown IATI OrganisationType code {value!r}; expected one of "
                              f"{sorted(ORGANISATION_TYPES, key=int)}")


def _not_blank(value):
    if not value.strip():
        raise ValidationError("must not be blank")


def _text(max_length, **kwargs):
    return fields.String(validate=[validate.Length(min=1, max=max_length), _not_blank], **kwargs)


theme_code = _one_of(plan.theme_codes, "theme")
window_code = _one_of(plan.window_codes, "funding window")
indicator_code = _one_of(plan.indicator_codes, "indicator")


class AmountSchema(MoneySchema):
    """A positive amount of money, at most AMOUNT_CEILING."""

    @validates("amount")
    def _ceiling(self, value, **kwargs):
        if value > AMOUNT_CEILING:
            raise ValidationError(f"must not exceed {AMOUNT_CEILING}")


def Amount(**kwargs):  # noqa: N802 - a field factory
    return fields.Nested(AmountSchema, **kwargs)


class TargetInput(StrictSchema):
    indicator = fields.String(required=True, validate=indicator_code)
    value = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=0, error="must be a whole number of 0 or more"))


# --- requests ------------------------------------------------------------------------------

class FundInput(StrictSchema):
    name = _text(300, required=True)
    window = fields.String(required=True, validate=window_code)
    currency = Currency(required=True)
    min_grant = Amount(required=True)
    max_grant = Amount(required=True)
    eligible_applicant_types = fields.List(fields.String(validate=organisation_type), required=True,
                                           validate=validate.Length(min=1, error="name at least one type"),
                                           metadata={"description": "IATI OrganisationType codes"})
    eligible_countries = fields.List(fields.String(validate=country_code), required=True,
                                     validate=validate.Length(min=1, error="name at least one country"))
    max_cofinancing_share = DecimalString(required=True, places=4, validate=validate.Range(
        min=0, min_inclusive=False, max=1, error="must be more than 0 and at most 1"), metadata={
        "description": "largest share of a project's cost a grant may cover, e.g. \"0.80\""})

    @validates_schema
    def _currencies(self, data, **kwargs):
        errors = {}
        for name in ("min_grant", "max_grant"):
            if name in data and "currency" in data and data[name]["currency"] != data["currency"]:
                errors[name] = {"currency": [f"must be the fund's currency {data['currency']}"]}
        if errors:
            raise ValidationError(errors)


class RateInput(StrictSchema):
    from_currency = Currency(required=True)
    to_currency = Currency(required=True)
    effective_date = fields.Date(required=True)
    rate = DecimalString(required=True, places=10, validate=validate.Range(
        min=0, min_inclusive=False, max=Decimal("1000000"), error="must be more than 0 and at most 1000000"),
        metadata={"description": "1 from_currency = rate to_currency"})

    @validates_schema
    def _different(self, data, **kwargs):
        if data.get("from_currency") and data.get("from_currency") == data.get("to_currency"):
            raise ValidationError({"to_currency": ["must differ from from_currency"]})


class RatesInput(StrictSchema):
    rates = fields.List(fields.Nested(RateInput), required=True,
                        validate=validate.Length(min=1, max=1000, error="give 1 to 1000 rates"))


class ContributionInput(StrictSchema):
    fund_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    contributor = _text(300, required=True, metadata={"description": "the contributing partner"})
    contributor_type = fields.String(load_default=None, validate=organisation_type,
                                     metadata={"description": "IATI OrganisationType code"})
    amount = Amount(required=True, metadata={"description": "as pledged, in any currency with a rate"})
    value_date = fields.Date(load_default=None, metadata={"description": "for the exchange rate; default today"})


class ReceiptInput(StrictSchema):
    amount = Amount(load_default=None, metadata={"description": "in the pledge's currency; default: the rest"})
    value_date = fields.Date(load_default=None, metadata={"description": "for the exchange rate; default today"})


class QuestionInput(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$", error=(
        "lower-case letters, digits and _, starting with a letter")))
    text = _text(2000, required=True)
    required = fields.Boolean(load_default=True)


class CriterionInput(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$", error=(
        "lower-case letters, digits and _, starting with a letter")))
    title = _text(300, required=True)
    max_score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))


class CallInput(StrictSchema):
    fund_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = _text(500, required=True)
    themes = fields.List(fields.String(validate=theme_code), required=True,
                         validate=validate.Length(min=1, error="name at least one theme"))
    opens_at = UTCDateTime(load_default=None, metadata={"description": "default now"})
    closes_at = UTCDateTime(required=True)
    envelope = Amount(required=True, metadata={"description": "the most the call may award"})
    questions = fields.List(fields.Nested(QuestionInput), load_default=list)
    criteria = fields.List(fields.Nested(CriterionInput), required=True,
                           validate=validate.Length(min=1, error="name at least one criterion"))
    required_reviews = fields.Integer(load_default=2, strict=True, validate=validate.Range(min=1, max=10))


class ApplicationInput(StrictSchema):
    call_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    applicant_organisation = _text(300, load_default=None, metadata={
        "description": "a partner applies for its own organisation (the default)"})
    applicant_type = fields.String(required=True, validate=organisation_type,
                                   metadata={"description": "IATI OrganisationType code"})
    title = _text(500, required=True)
    city = _text(200, required=True)
    country = fields.String(required=True, validate=country_code)
    theme = fields.String(required=True, validate=theme_code)
    amount_requested = Amount(required=True)
    project_cost = Amount(required=True)
    proposal = _text(50000, required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(max=20000)),
                          load_default=dict, metadata={"description": "question code -> answer"})
    programme_id = fields.String(required=True, validate=validate.Length(min=1, max=36),
                                 metadata={"description": "the programme the grant would fund"})
    targets = fields.List(fields.Nested(TargetInput), load_default=list,
                          metadata={"description": "results the applicant claims it will achieve"})


class WithdrawalInput(StrictSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class ReviewInput(StrictSchema):
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True,
                         metadata={"description": "criterion code -> score (0 to the criterion's max_score)"})
    recommendation = fields.String(required=True, validate=validate.OneOf(["award", "reject"]))
    comment = fields.String(load_default="", validate=validate.Length(max=20000))
    reviewer = _text(200, load_default=None, metadata={
        "description": "internal calls only; otherwise the API key is the reviewer"})
    reviewer_organisation = _text(300, load_default=None, metadata={
        "description": "internal calls only; otherwise the API key's organisation"})


class TrancheInput(StrictSchema):
    amount = Amount(required=True)
    planned_date = fields.Date(load_default=None)
    condition = fields.String(load_default="none", validate=validate.OneOf(["none", "report_approved"]))
    report = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1), metadata={
        "description": "for report_approved: the number (1-based position in `reports`) of the report"})


class ReportObligationInput(StrictSchema):
    title = _text(300, required=True)
    due_date = fields.Date(required=True)
    final = fields.Boolean(load_default=False)


class DeterminationInput(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["award", "reject"]))
    reasons = fields.List(_text(2000), required=True,
                          validate=validate.Length(min=1, error="give at least one reason"))
    amount = Amount(load_default=None, metadata={"description": "award only; default the amount requested"})
    tranches = fields.List(fields.Nested(TrancheInput), load_default=None, metadata={
        "description": "award only; default one tranche of the whole amount"})
    reports = fields.List(fields.Nested(ReportObligationInput), load_default=None, metadata={
        "description": "award only; exactly one final; default a final report due in a year"})

    @validates_schema(skip_on_field_errors=False)
    def _award_only(self, data, **kwargs):
        if data.get("decision") == "reject":
            extra = [name for name in ("amount", "tranches", "reports") if data.get(name) is not None]
            if extra:
                raise ValidationError({name: ["only an award takes this"] for name in extra})


class DisbursementInput(StrictSchema):
    tranche = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                             metadata={"description": "the tranche's number"})
    amount = Amount(load_default=None, metadata={"description": "default what is left of the tranche"})
    value_date = fields.Date(load_default=None, metadata={"description": "default today"})


class ReportSubmissionInput(StrictSchema):
    summary = _text(50000, required=True)
    results = fields.List(fields.Nested(TargetInput), load_default=list,
                          metadata={"description": "results achieved so far"})


class ReportReviewInput(StrictSchema):
    feedback = fields.String(load_default="", validate=validate.Length(max=20000))


class CancellationInput(StrictSchema):
    reason = _text(2000, required=True)


class EmptyInput(StrictSchema):
    pass


# --- queries ------------------------------------------------------------------------------

class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page (1-{MAX_LIMIT})"})
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=500),
                           metadata={"description": "opaque cursor from the previous page's `next` link"})


class FundQuery(PageQuery):
    window = fields.String(validate=window_code)
    currency = Currency()


class LedgerQuery(PageQuery):
    transaction_type = fields.String(validate=validate.OneOf(IATI_TRANSACTION_TYPES))
    contribution_id = fields.String()
    grant_id = fields.String()


class RateQuery(PageQuery):
    from_currency = Currency()
    to_currency = Currency()


class ContributionQuery(PageQuery):
    fund_id = fields.String()
    status = fields.String(validate=validate.OneOf(["pledged", "partly_received", "received"]))
    contributor = fields.String()


class CallQuery(PageQuery):
    fund_id = fields.String()
    status = fields.String(validate=validate.OneOf(["open", "closed"]))
    theme = fields.String(validate=theme_code)
    window = fields.String(validate=window_code)


class ApplicationQuery(PageQuery):
    call_id = fields.String()
    fund_id = fields.String()
    status = fields.String(validate=validate.OneOf(
        ["submitted", "under_review", "ineligible", "awarded", "rejected", "withdrawn"]))
    theme = fields.String(validate=theme_code)
    country = fields.String(validate=country_code)
    applicant_organisation = fields.String()
    programme_id = fields.String()


class ReviewQuery(PageQuery):
    application_id = fields.String()
    reviewer = fields.String()


class GrantQuery(PageQuery):
    fund_id = fields.String()
    call_id = fields.String()
    status = fields.String(validate=validate.OneOf(["active", "closed", "cancelled"]))
    theme = fields.String(validate=theme_code)
    country = fields.String(validate=country_code)
    window = fields.String(validate=window_code)
    programme_id = fields.String()
    recipient = fields.String()


class DisbursementQuery(PageQuery):
    fund_id = fields.String()
    grant_id = fields.String()


class ReportQuery(PageQuery):
    grant_id = fields.String()
    status = fields.String(validate=validate.OneOf(["due", "submitted", "approved"]))
    overdue = fields.Boolean(metadata={"description": "true: only reports past their due date, not submitted"})


QUERY_FILTERS = {  # the filters of each list, by query schema
    cls: [name for name in cls().fields if name not in ("limit", "cursor")]
    for cls in (FundQuery, LedgerQuery, RateQuery, ContributionQuery, CallQuery, ApplicationQuery, ReviewQuery,
                GrantQuery, DisbursementQuery, ReportQuery)
}


# --- responses ------------------------------------------------------------------------------

class MoneyOut(StrictSchema):
    amount = DecimalString()
    currency = fields.String()


class BalanceOut(StrictSchema):
    currency = fields.String()
    pledged = DecimalString(metadata={"description": "incoming commitments (IATI 11)"})
    received = DecimalString(metadata={"description": "incoming funds (IATI 1)"})
    committed = DecimalString(metadata={"description": "outgoing commitments (IATI 2), net of returns"})
    disbursed = DecimalString(metadata={"description": "disbursements (IATI 3)"})
    available = DecimalString(metadata={"description": "received - committed"})
    undisbursed = DecimalString(metadata={"description": "committed - disbursed"})
    explanation = fields.String()


class FundOut(StrictSchema):
    id = fields.String()
    name = fields.String()
    window = fields.String()
    currency = fields.String()
    min_grant = fields.Nested(MoneyOut)
    max_grant = fields.Nested(MoneyOut)
    eligible_applicant_types = fields.List(fields.String())
    eligible_countries = fields.List(fields.String())
    max_cofinancing_share = DecimalString()
    balance = fields.Nested(BalanceOut)
    created_at = UTCDateTime()


class LedgerEntryOut(StrictSchema):
    id = fields.String()
    fund_id = fields.String()
    transaction_type = fields.String(metadata={"description": "IATI TransactionType code"})
    transaction_type_name = fields.String()
    amount = fields.Nested(MoneyOut, metadata={"description": "signed, in the fund's currency"})
    original_amount = fields.Nested(MoneyOut)
    exchange_rate = DecimalString()
    value_date = fields.Date()
    description = fields.String()
    contribution_id = fields.String(allow_none=True)
    grant_id = fields.String(allow_none=True)
    tranche_id = fields.String(allow_none=True)
    recorded_at = UTCDateTime()


DisbursementOut = LedgerEntryOut


class RateOut(StrictSchema):
    from_currency = fields.String()
    to_currency = fields.String()
    effective_date = fields.Date()
    rate = DecimalString()


class RatesOut(StrictSchema):
    loaded = fields.Integer()
    rates = fields.List(fields.Nested(RateOut))


class ReceiptOut(StrictSchema):
    id = fields.String()
    original_amount = fields.Nested(MoneyOut)
    amount = fields.Nested(MoneyOut)
    exchange_rate = DecimalString()
    value_date = fields.Date()
    received_at = UTCDateTime()


class ContributionOut(StrictSchema):
    id = fields.String()
    fund_id = fields.String()
    contributor = fields.String()
    contributor_type = fields.String(allow_none=True)
    original_amount = fields.Nested(MoneyOut)
    amount = fields.Nested(MoneyOut, metadata={"description": "the pledge in the fund's currency"})
    exchange_rate = DecimalString()
    value_date = fields.Date()
    status = fields.String()
    received = fields.Nested(MoneyOut, metadata={"description": "received so far, in the fund's currency"})
    outstanding = fields.Nested(MoneyOut, metadata={"description": "still to come, in the pledge's currency"})
    receipts = fields.List(fields.Nested(ReceiptOut))
    pledged_at = UTCDateTime()
    updated_at = UTCDateTime()


class QuestionOut(StrictSchema):
    code = fields.String()
    text = fields.String()
    required = fields.Boolean()


class CriterionOut(StrictSchema):
    code = fields.String()
    title = fields.String()
    max_score = fields.Integer()


class CallOut(StrictSchema):
    id = fields.String()
    fund_id = fields.String()
    window = fields.String()
    title = fields.String()
    themes = fields.List(fields.String())
    opens_at = UTCDateTime()
    closes_at = UTCDateTime()
    envelope = fields.Nested(MoneyOut)
    committed = fields.Nested(MoneyOut)
    remaining = fields.Nested(MoneyOut)
    questions = fields.List(fields.Nested(QuestionOut))
    criteria = fields.List(fields.Nested(CriterionOut))
    required_reviews = fields.Integer()
    status = fields.String()
    allowed_actions = fields.List(fields.String())
    created_at = UTCDateTime()
    closed_at = UTCDateTime(allow_none=True)


class TargetOut(StrictSchema):
    indicator = fields.String()
    value = fields.Integer()


class FailureOut(StrictSchema):
    rule = fields.String()
    field = fields.String()
    reason = fields.String()


class ReviewOut(StrictSchema):
    id = fields.String()
    application_id = fields.String()
    reviewer = fields.String()
    reviewer_organisation = fields.String()
    scores = fields.Dict(keys=fields.String(), values=fields.Integer())
    total_score = fields.Integer()
    recommendation = fields.String()
    comment = fields.String()
    reviewed_at = UTCDateTime()


class ApplicationOut(StrictSchema):
    id = fields.String()
    call_id = fields.String()
    fund_id = fields.String()
    window = fields.String()
    applicant_organisation = fields.String()
    applicant_type = fields.String()
    title = fields.String()
    city = fields.String()
    country = fields.String()
    theme = fields.String()
    amount_requested = fields.Nested(MoneyOut)
    project_cost = fields.Nested(MoneyOut)
    proposal = fields.String()
    answers = fields.Dict(keys=fields.String(), values=fields.String())
    programme_id = fields.String()
    programme_iati_identifier = fields.String(allow_none=True)
    targets = fields.List(fields.Nested(TargetOut))
    status = fields.String()
    allowed_actions = fields.List(fields.String())
    screening = fields.Dict(metadata={"description": "{passed, failures: [{rule, field, reason}]}"})
    reviews = fields.List(fields.Nested(ReviewOut), metadata={"description": "administrators and reviewers only"})
    decision_reasons = fields.List(fields.String())
    grant_id = fields.String(allow_none=True)
    submitted_at = UTCDateTime()
    determined_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class TrancheOut(StrictSchema):
    id = fields.String()
    number = fields.Integer()
    amount = fields.Nested(MoneyOut)
    disbursed = fields.Nested(MoneyOut)
    planned_date = fields.Date(allow_none=True)
    condition = fields.String()
    condition_report = fields.Integer(allow_none=True, metadata={"description": "the report's number"})
    condition_met = fields.Boolean()
    status = fields.String()
    disbursed_at = UTCDateTime(allow_none=True)


class ReportOut(StrictSchema):
    id = fields.String()
    grant_id = fields.String()
    number = fields.Integer()
    title = fields.String()
    due_date = fields.Date()
    final = fields.Boolean()
    status = fields.String()
    overdue = fields.Boolean()
    summary = fields.String()
    results = fields.List(fields.Nested(TargetOut))
    feedback = fields.String()
    submitted_at = UTCDateTime(allow_none=True)
    approved_at = UTCDateTime(allow_none=True)
    overdue_at = UTCDateTime(allow_none=True)


class GrantOut(StrictSchema):
    id = fields.String()
    application_id = fields.String(allow_none=True)
    call_id = fields.String(allow_none=True)
    fund_id = fields.String(allow_none=True)
    window = fields.String(allow_none=True)
    theme = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    recipient = fields.String()
    recipient_type = fields.String(allow_none=True)
    programme_id = fields.String()
    programme_iati_identifier = fields.String(allow_none=True)
    amount = fields.Nested(MoneyOut, metadata={"description": "the commitment"})
    disbursed = fields.Nested(MoneyOut)
    returned = fields.Nested(MoneyOut, metadata={"description": "returned to the fund on closeout or cancellation"})
    undisbursed = fields.Nested(MoneyOut)
    status = fields.String()
    allowed_actions = fields.List(fields.String())
    targets = fields.List(fields.Nested(TargetOut))
    tranches = fields.List(fields.Nested(TrancheOut))
    reports = fields.List(fields.Nested(ReportOut))
    value_for_money = fields.Dict(metadata={
        "description": "{people_reached (latest approved report), cost_per_person_reached (disbursed / people)}"})
    awarded_at = UTCDateTime()
    updated_at = UTCDateTime()
    closed_at = UTCDateTime(allow_none=True)
    cancelled_at = UTCDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class DeterminationOut(StrictSchema):
    application = fields.Nested(ApplicationOut)
    grant = fields.Nested(GrantOut, allow_none=True, metadata={"description": "the new grant of an award"})


class DisbursementResultOut(StrictSchema):
    disbursement = fields.Nested(LedgerEntryOut)
    grant = fields.Nested(GrantOut)


def page_of(item_schema, name: str):
    """The response schema of a list of `item_schema`: {items, next}."""
    return type(name, (StrictSchema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "next": fields.String(allow_none=True, metadata={"description": "URL of the next page, or null"}),
    })


FundPage = page_of(FundOut, "FundPage")
LedgerPage = page_of(LedgerEntryOut, "LedgerPage")
RatePage = page_of(RateOut, "RatePage")
ContributionPage = page_of(ContributionOut, "ContributionPage")
CallPage = page_of(CallOut, "CallPage")
ApplicationPage = page_of(ApplicationOut, "ApplicationPage")
ReviewPage = page_of(ReviewOut, "ReviewPage")
GrantPage = page_of(GrantOut, "GrantPage")
DisbursementPage = page_of(LedgerEntryOut, "DisbursementPage")
ReportPage = page_of(ReportOut, "ReportPage")
