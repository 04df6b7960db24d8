"""A grant's reports: requests, queries and responses."""

from marshmallow import fields, validate

from shared.api.grants.pieces import PageQuery, TargetInput, TargetOut, page_of, text_field
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema


class ReportSubmissionInput(StrictSchema):
    summary = text_field(50000, required=True)
    results = fields.List(fields.Nested(TargetInput), load_default=list,
                          metadata={"description": "results achieved so far"})


class ReportReviewInput(StrictSchema):
    feedback = Text(multiline=True, load_default="", validate=validate.Length(max=20000))


class ReportQuery(PageQuery):
    grant_id = Text()
    status = Text(validate=validate.OneOf(["due", "submitted", "approved"]))
    overdue = fields.Boolean(metadata={"description": "true: only reports past their due date, not submitted"})


class ReportOut(StrictSchema):
    id = Text()
    grant_id = Text()
    number = fields.Integer()
    title = Text()
    due_date = fields.Date()
    final = fields.Boolean()
    status = Text()
    overdue = fields.Boolean()
    summary = Text()
    results = fields.List(fields.Nested(TargetOut))
    feedback = Text()
    submitted_at = UTCDateTime(allow_none=True)
    approved_at = UTCDateTime(allow_none=True)
    overdue_at = UTCDateTime(allow_none=True)


ReportPage = page_of(ReportOut, "ReportPage")
