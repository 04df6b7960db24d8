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
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema, country_code


class ApplicationInput(StrictSchema):
    call_id = Text(required=True, validate=validate.Length(min=1, max=36))
    applicant_organisation = text_field(300, load_default=None, metadata={
        "description": "a partner applies for its own organisation (the default)"})
    applicant_type = Text(required=True, validate=organisation_type,
                          metadata={"description": "IATI OrganisationType code"})
    title = text_field(500, required=True)
    city = text_field(200, required=True)
    country = Text(required=True, validate=country_code)
    theme = Text(required=True, validate=theme_code)
    amount_requested = Amount(required=True)
    project_cost = Amount(required=True)
    proposal = text_field(50000, required=True)
    answers = fields.Dict(keys=Text(), values=Text(multiline=True, validate=validate.Length(max=20000)),
                          load_default=dict, metadata={"description": "question code -> answer"})
    programme_id = Text(required=True, validate=validate.Length(min=1, max=36),
                        metadata={"description": "the programme the grant would fund"})
    targets = fields.List(fields.Nested(TargetInput), load_default=list,
                          metadata={"description": "results the applicant claims it will achieve"})
    partner_organisations = fields.List(text_field(300), load_default=list, validate=validate.Length(max=20),
                                        metadata={"description": "organisations the project is run with (IATI "
                                                                 "identifiers): their reviewers are conflicted"})


class WithdrawalInput(StrictSchema):
    reason = Text(multiline=True, load_default="", validate=validate.Length(max=2000))


class ReviewInput(StrictSchema):
    scores = fields.Dict(keys=Text(), values=fields.Integer(strict=True), required=True,
                         metadata={"description": "criterion code -> score (0 to the criterion's max_score)"})
    recommendation = Text(required=True, validate=validate.OneOf(["award", "reject"]))
    comment = Text(multiline=True, load_default="", validate=validate.Length(max=20000))
    reviewer = text_field(200, load_default=None, metadata={
        "description": "a display name, shown as reviewer_name; the API key is the reviewer (one review per key "
                       "per application). Internal calls: the reviewer"})
    reviewer_organisation = text_field(300, load_default=None, metadata={
        "description": "internal calls only; otherwise the API key's organisation (another one is refused)"})


class ConflictInput(StrictSchema):
    reason = text_field(2000, required=True, metadata={
        "description": "why the reviewing key is conflicted (e.g. a former employer of the applicant)"})


class AssignmentInput(StrictSchema):
    reviewer = Text(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "the id of an API key with the review scope (GET /v1/keys)"})
    reviewer_organisation = text_field(300, load_default=None, metadata={
        "description": "set by the gateway from the key; internal calls only"})


class DeterminationInput(StrictSchema):
    decision = Text(required=True, validate=validate.OneOf(["award", "reject"]))
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
    call_id = Text()
    fund_id = Text()
    status = Text(validate=validate.OneOf(
        ["submitted", "under_review", "ineligible", "awarded", "rejected", "withdrawn"]))
    theme = Text(validate=theme_code)
    country = Text(validate=country_code)
    applicant_organisation = Text()
    programme_id = Text()


class ReviewQuery(PageQuery):
    application_id = Text()
    reviewer = Text(metadata={"description": "the reviewing key's id"})


class FailureOut(StrictSchema):
    rule = Text()
    field = Text()
    reason = Text()


class ReviewOut(StrictSchema):
    id = Text()
    application_id = Text()
    reviewer = Text(metadata={"description": "the reviewer: the id of the API key that reviewed"})
    reviewer_name = Text(metadata={"description": "the display name the reviewer gave, if any"})
    reviewer_organisation = Text(metadata={"description": "the reviewing key's organisation"})
    scores = fields.Dict(keys=Text(), values=fields.Integer())
    total_score = fields.Integer()
    recommendation = Text()
    comment = Text()
    reviewed_at = UTCDateTime()
    counts = fields.Boolean(metadata={
        "description": "false once its reviewer is recused (a conflict of interest): required_reviews ignores it"})


class ConflictOut(StrictSchema):
    id = Text()
    application_id = Text()
    reviewer = Text(metadata={"description": "the declaring API key's id"})
    reviewer_organisation = Text()
    reason = Text()
    declared_at = UTCDateTime()


class AssignmentOut(StrictSchema):
    id = Text()
    application_id = Text()
    reviewer = Text(metadata={"description": "the assigned API key's id"})
    reviewer_organisation = Text()
    assigned_by = Text()
    assigned_at = UTCDateTime()


class PanelOut(StrictSchema):
    assignments = fields.List(fields.Nested(AssignmentOut))
    conflicts = fields.List(fields.Nested(ConflictOut))


class ApplicationOut(StrictSchema):
    id = Text()
    call_id = Text()
    fund_id = Text()
    window = Text()
    applicant_organisation = Text()
    applicant_type = Text()
    title = Text()
    city = Text()
    country = Text()
    theme = Text()
    amount_requested = fields.Nested(MoneyOut)
    project_cost = fields.Nested(MoneyOut)
    proposal = Text()
    answers = fields.Dict(keys=Text(), values=Text())
    programme_id = Text()
    programme_iati_identifier = Text(allow_none=True)
    targets = fields.List(fields.Nested(TargetOut))
    partner_organisations = fields.List(Text())
    status = Text()
    allowed_actions = fields.List(Text())
    screening = fields.Dict(metadata={"description": "{passed, failures: [{rule, field, reason}]}"})
    reviews = fields.List(fields.Nested(ReviewOut), metadata={
        "description": "administrators and reviewers only (never the applicant organisation's own reviewers); "
                       "a reviewer sees what the call's review_visibility lets it"})
    panel = fields.Nested(PanelOut, metadata={"description": "administrators only: assigned reviewers, "
                                                             "declared conflicts"})
    decision_reasons = fields.List(Text())
    grant_id = Text(allow_none=True)
    submitted_at = UTCDateTime()
    determined_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class DeterminationOut(StrictSchema):
    application = fields.Nested(ApplicationOut)
    grant = fields.Nested(GrantOut, allow_none=True, metadata={"description": "the new grant of an award"})


ApplicationPage = page_of(ApplicationOut, "ApplicationPage")


ReviewPage = page_of(ReviewOut, "ReviewPage")
