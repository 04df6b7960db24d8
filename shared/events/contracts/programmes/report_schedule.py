"""Contracts of report schedules: a programme's reports due on dates, with a reminder before the
due date and an escalation when overdue, each sent once per schedule item (for a partner's
system or a mail relay: webhooks carry them), and an admin's approval, which locks the report's
period for the programme's entries."""
from marshmallow import fields, validate

from shared.events.contracts.programmes.pieces import PeriodSchema, ProgrammeRefSchema
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime


class _ScheduleItemEvent(ProgrammeRefSchema):
    title = fields.String(required=True, metadata={"description": "the programme's title"})
    item_id = fields.String(required=True, metadata={"description": "the schedule item"})
    report_title = fields.String(required=True)
    due_date = fields.Date(required=True)
    period = fields.Nested(PeriodSchema, required=True, allow_none=True,
                           metadata={"description": "the reporting period the report covers, if it names one"})


@contract("programme_report.reminder_due", 1, producer="programmes")
class ProgrammeReportReminderDueV1(_ScheduleItemEvent):
    """A scheduled report falls due within its reminder notice and is not submitted yet (sent once
    per schedule item)."""

    days_left = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    reminded_at = UTCDateTime(required=True)


@contract("programme_report.overdue", 1, producer="programmes")
class ProgrammeReportOverdueV1(_ScheduleItemEvent):
    """A scheduled report was not submitted by its due date: escalate (sent once per schedule item)."""

    days_overdue = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    overdue_at = UTCDateTime(required=True)


@contract("programme_report.approved", 1, producer="programmes")
class ProgrammeReportApprovedV1(_ScheduleItemEvent):
    """An admin approved the submitted report: its period, and every period within it, takes no more
    entries of the programme until an admin reopens it (docs/programmes.md, "Periods and locks")."""

    approved_at = UTCDateTime(required=True)
    approved_by = fields.String(required=True, allow_none=True, metadata={"description": "who approved it"})
