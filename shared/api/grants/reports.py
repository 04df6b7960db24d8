"""A grant's reports: requests, queries and responses."""

from marshmallow import fields, validate

from shared.api.grants.pieces import PageQuery, TargetInput, TargetOut, page_of, text_field
from shared.events.fields import UTCDateTime
from shared.events.schemas import StrictSchema


class ReportSubmissionInput(StrictSchema):
    summary = text_field(50000, required=True)
    results = fields.List(fields.Nested(TargetInput), load_default=list,
                          metadata={"description": "results achieved so far"})


class ReportReviewInput(StrictSchema):
    feedback = fields.String(load_default="", validate=validate.Length(max=20000))


class ReportQuery(PageQuery):
    grant_id = fields.String()
    status = fields.String(validate=validate.OneOf(["due", "submitted", "approved"]))
    overdue = fields.Boolean(metadata={"description": "true: only reports past their due date, not submitted"})


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


ReportPage = page_of(ReportOut, "ReportPage")
