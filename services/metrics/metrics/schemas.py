"""Response schemas of the metrics service."""
from marshmallow import fields

from shared.events.fields import DecimalString, UTCDateTime
from shared.events.schemas import StrictSchema


class PlanOut(StrictSchema):
    id = fields.String()
    title = fields.String()
    approved = fields.String()
    period = fields.Dict()
    mission = fields.String()
    vision = fields.String()
    objective = fields.Dict()
    indicators = fields.List(fields.Dict())
    themes = fields.List(fields.Dict())
    windows = fields.List(fields.Dict())
    alignment = fields.List(fields.String())


class TargetProgressOut(StrictSchema):
    code = fields.String()
    title = fields.String()
    indicator = fields.String()
    measure = fields.String()
    comparison = fields.String()
    target = fields.Integer()
    value = fields.Integer()
    share = DecimalString()
    achieved = fields.Boolean()


class ProgressOut(StrictSchema):
    plan_id = fields.String()
    objective = fields.String()
    deadline = fields.Date()
    as_of = UTCDateTime()
    days_to_deadline = fields.Integer()
    achieved = fields.Boolean()
    targets = fields.List(fields.Nested(TargetProgressOut))
    money = fields.Dict()
    updated_at = UTCDateTime(allow_none=True)
