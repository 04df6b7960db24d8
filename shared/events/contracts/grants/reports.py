"""Contracts of the grants service's report events (due, overdue, submitted, approved)."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import REPORT_STATUSES, GrantContext, TargetSchema, date_field
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime


class ReportContext(GrantContext):
    report_id = fields.String(required=True)
    title = fields.String(required=True)
    final = fields.Boolean(required=True)
    due_date = date_field("due", required=True)


@contract
class ReportDueV1(ReportContext):
    """A reporting obligation falls due soon (sent once, when its due date comes within the
    notice period)."""
    event_type, version, producer = "report.due", 1, "grants"

    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    notified_at = UTCDateTime(required=True)


@contract
class ReportOverdueV1(ReportContext):
    """A report was not submitted by its due date (sent once per report)."""
    event_type, version, producer = "report.overdue", 1, "grants"

    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    days_overdue = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    overdue_at = UTCDateTime(required=True)


@contract
class ReportSubmittedV1(ReportContext):
    """The grantee submitted a report, with the results it reports."""
    event_type, version, producer = "report.submitted", 1, "grants"

    results = fields.List(fields.Nested(TargetSchema), required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    submitted_at = UTCDateTime(required=True)


@contract
class ReportApprovedV1(ReportContext):
    """A report was approved; tranches conditioned on it may be disbursed."""
    event_type, version, producer = "report.approved", 1, "grants"

    results = fields.List(fields.Nested(TargetSchema), required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    approved_at = UTCDateTime(required=True)
