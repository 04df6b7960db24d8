"""API of reporting windows: an admin's reopening of a locked period for one programme; report
schedules, whose submission names (or includes) the narratives of the report's period."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.pieces import PeriodIn, PeriodOut
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema


class ReopeningIn(StrictSchema):
    """Reopen a period (as results name it) for this programme until a date (inclusive)."""
    period = fields.Nested(PeriodIn, required=True)
    until = fields.Date(required=True, metadata={"description": "the last day entries are taken (UTC)"})
    reason = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))


class ReopeningOut(StrictSchema):
    id = Text()
    programme_id = Text()
    period = fields.Nested(PeriodOut)
    until = fields.Date()
    reason = Text()
    granted_by = Text(allow_none=True)
    granted_at = UTCDateTime()


class ApprovedReportOut(StrictSchema):
    """The approved scheduled report that locks a period."""
    id = Text()
    title = Text()
    period = fields.Nested(PeriodOut)
    approved_at = UTCDateTime()
    approved_by = Text(allow_none=True)


class PeriodStateOut(StrictSchema):
    period = fields.Nested(PeriodOut)
    locked = fields.Boolean(metadata={"description": "no entries today (drafts, edits, submissions, revisions)"})
    locked_by = Text(allow_none=True, metadata={
        "description": "not_started (a period takes entries from its first day), approval (an approved report of a "
                       "period holding it) or calendar (the plan's grace days); null: it takes entries"})
    locks_on = fields.Date(allow_none=True, metadata={"description": "first locked day by the plan's calendar; "
                                                                     "null: locked by approval only"})
    reopened_until = fields.Date(allow_none=True)
    approved_report = fields.Nested(ApprovedReportOut, allow_none=True, metadata={
        "description": "the approved report locking the period (the first approved, of a period holding it)"})
    reopenings = fields.List(fields.Nested(ReopeningOut), metadata={
        "description": "the programme's reopenings of this period or of periods holding it"})


class ScheduleItemIn(StrictSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=200), metadata={"description": "the report"})
    due_date = fields.Date(required=True)
    remind_days = fields.Integer(load_default=14, strict=True, validate=validate.Range(min=0, max=365),
                                 metadata={"description": "days before the due date the reminder goes out"})
    period = fields.Nested(PeriodIn, load_default=None, allow_none=True,
                           metadata={"description": "the reporting period the report covers"})


class ScheduleIn(StrictSchema):
    """Reports the programme owes by dates (added to its schedule)."""
    items = fields.List(fields.Nested(ScheduleItemIn), required=True, validate=validate.Length(min=1, max=50))


class NarrativeRefOut(StrictSchema):
    """A narrative a report includes (GET /v1/narratives/{id} has its text and attachments)."""
    id = Text()
    period = fields.Nested(PeriodOut)
    indicator = Text(allow_none=True)
    category = Text(allow_none=True)
    updated_at = UTCDateTime()


class ScheduleItemOut(StrictSchema):
    id = Text()
    programme_id = Text()
    title = Text()
    due_date = fields.Date()
    remind_days = fields.Integer()
    period = fields.Nested(PeriodOut, allow_none=True)
    status = Text(metadata={"description": "due, overdue (escalated), submitted or approved (its period locked)"})
    reminded_at = UTCDateTime(allow_none=True)
    escalated_at = UTCDateTime(allow_none=True)
    submitted_at = UTCDateTime(allow_none=True)
    submitted_by = Text(allow_none=True)
    approved_at = UTCDateTime(allow_none=True)
    approved_by = Text(allow_none=True)
    narratives = fields.List(fields.Nested(NarrativeRefOut),
                             metadata={"description": "the narratives submitted with the report"})


class SubmissionIn(StrictSchema):
    """The report is in: optionally with narratives of the programme, named or all of the report's period."""
    narratives = fields.List(Text(validate=validate.Length(min=1, max=36)), load_default=list,
                             validate=validate.Length(max=100),
                             metadata={"description": "ids of the programme's narratives of the report's period"})
    include_period_narratives = fields.Boolean(load_default=False, metadata={
        "description": "include every narrative of the report's period (the item must name a period)"})

    @validates_schema
    def _one_way(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("narratives") and data.get("include_period_narratives"):
            raise ValidationError("name narratives or include the period's, not both", "include_period_narratives")


class ScheduleOut(StrictSchema):
    programme_id = Text()
    items = fields.List(fields.Nested(ScheduleItemOut), metadata={"description": "by due date"})
