"""Applications, reviews and determinations: requests, queries and responses."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.grants.grants import GrantOut, ReportObligationInput, TrancheInput
from shared.api.grants.pieces import (
    Amount,
    MoneyOut,
    PageQuery,
    TargetInput,
    TargetOut,
    organisation_type,
    page_of,
    text_field,
    theme_code,
)
from shared.events.fields import UTCDateTime
from shared.events.schemas import StrictSchema, country_code


class ApplicationInput(StrictSchema):
    call_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    applicant_organisation = text_field(300, load_default=None, metadata={
        "description": "a partner applies for its own organisation (the default)"})
    applicant_type = fields.String(required=True, validate=organisation_type,
                                   metadata={"description": "IATI OrganisationType code"})
    title = text_field(500, required=True)
    city = text_field(200, required=True)
    country = fields.String(required=True, validate=country_code)
    theme = fields.String(required=True, validate=theme_code)
    amount_requested = Amount(required=True)
    project_cost = Amount(required=True)
    proposal = text_field(50000, required=True)
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
    reviewer = text_field(200, load_default=None, metadata={
        "description": "a display name, shown as reviewer_name; the API key is the reviewer (one review per key "
                       "per application). Internal calls: the reviewer"})
    reviewer_organisation = text_field(300, load_default=None, metadata={
        "description": "internal calls only; otherwise the API key's organisation (another one is refused)"})


class DeterminationInput(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["award", "reject"]))
    reasons = fields.List(text_field(2000), required=True,
                          validate=validate.Length(min=1, error="give at least one reason"))
    amount = Amount(load_default=None, metadata={"description": "award only; default the amount requested"})
    tranches = fields.List(fields.Nested(TrancheInput), load_default=None, metadata={
        "description": "award only; default one tranche of the whole amount"})
    reports = fields.List(fields.Nested(ReportObligationInput), load_default=None, metadata={
        "description": "award only; exactly one final; default a final report due in a year"})

    @validates_schema(skip_on_field_errors=False)
    def _award_only(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("decision") == "reject":
            extra = [name for name in ("amount", "tranches", "reports") if data.get(name) is not None]
            if extra:
                raise ValidationError({name: ["only an award takes this"] for name in extra})


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
    reviewer = fields.String(metadata={"description": "the reviewing key's id"})


class FailureOut(StrictSchema):
    rule = fields.String()
    field = fields.String()
    reason = fields.String()


class ReviewOut(StrictSchema):
    id = fields.String()
    application_id = fields.String()
    reviewer = fields.String(metadata={"description": "the reviewer: the id of the API key that reviewed"})
    reviewer_name = fields.String(metadata={"description": "the display name the reviewer gave, if any"})
    reviewer_organisation = fields.String(metadata={"description": "the reviewing key's organisation"})
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
    reviews = fields.List(fields.Nested(ReviewOut), metadata={
        "description": "administrators and reviewers only (never the applicant organisation's own reviewers)"})
    decision_reasons = fields.List(fields.String())
    grant_id = fields.String(allow_none=True)
    submitted_at = UTCDateTime()
    determined_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class DeterminationOut(StrictSchema):
    application = fields.Nested(ApplicationOut)
    grant = fields.Nested(GrantOut, allow_none=True, metadata={"description": "the new grant of an award"})


ApplicationPage = page_of(ApplicationOut, "ApplicationPage")


ReviewPage = page_of(ReviewOut, "ReviewPage")
