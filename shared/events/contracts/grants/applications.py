"""Contracts of the grants service's application and review events."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import (
    APPLICATION_STATUSES,
    ApplicationContext,
    ScreeningFailureSchema,
    money_field,
)
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime


@contract
class ApplicationSubmittedV1(ApplicationContext):
    """An application was submitted to an open call (screening follows at once)."""
    event_type, version, producer = "application.submitted", 1, "grants"

    submitted_at = UTCDateTime(required=True)


@contract
class ApplicationScreenedV1(ApplicationContext):
    """An application was screened against the fund's and the call's rules: `under_review`
    when every rule passed, else `ineligible` with every failed rule."""
    event_type, version, producer = "application.screened", 1, "grants"

    passed = fields.Boolean(required=True)
    failures = fields.List(fields.Nested(ScreeningFailureSchema), required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    screened_at = UTCDateTime(required=True)


@contract
class ReviewSubmittedV1(ApplicationContext):
    """A reviewer scored an application against the call's criteria."""
    event_type, version, producer = "review.submitted", 1, "grants"

    review_id = fields.String(required=True)
    reviewer = fields.String(required=True, metadata={
        "description": "the reviewer's identity: the id of the API key that reviewed (one review per key)"})
    reviewer_organisation = fields.String(required=True, metadata={
        "description": "that key's organisation, never the applicant's (applicant_organisation)"})
    total_score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    recommendation = fields.String(required=True, validate=validate.OneOf(["award", "reject"]))
    reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                             metadata={"description": "reviews of the application so far"})
    reviewed_at = UTCDateTime(required=True)


@contract
class ApplicationAwardedV1(ApplicationContext):
    """The determination awarded the application; `grant.committed` carries the money."""
    event_type, version, producer = "application.awarded", 1, "grants"

    grant_id = fields.String(required=True)
    amount_awarded = money_field("in the fund's currency")
    reasons = fields.List(fields.String(), required=True)
    reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    awarded_at = UTCDateTime(required=True)


@contract
class ApplicationRejectedV1(ApplicationContext):
    """The determination rejected the application, with its reasons."""
    event_type, version, producer = "application.rejected", 1, "grants"

    reasons = fields.List(fields.String(), required=True)
    reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    rejected_at = UTCDateTime(required=True)


@contract
class ApplicationWithdrawnV1(ApplicationContext):
    """The applicant withdrew its application before the determination."""
    event_type, version, producer = "application.withdrawn", 1, "grants"

    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    withdrawn_at = UTCDateTime(required=True)
