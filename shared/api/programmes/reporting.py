"""API of reporting windows: an admin's reopening of a locked period for one programme."""
from marshmallow import fields, validate

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


class PeriodStateOut(StrictSchema):
    period = fields.Nested(PeriodOut)
    locked = fields.Boolean(metadata={"description": "no entries today (drafts, edits, submissions, revisions)"})
    locks_on = fields.Date(allow_none=True, metadata={"description": "first locked day by the plan's calendar; "
                                                                     "null: locked by approval only"})
    reopened_until = fields.Date(allow_none=True)
    reopenings = fields.List(fields.Nested(ReopeningOut))
