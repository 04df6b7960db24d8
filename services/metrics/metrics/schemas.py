"""Schemas of the metrics service: the plan as served, and the public query schemas."""
from marshmallow import fields

from shared.api.metrics import BreakdownPath, PlanQuery, ProgressQuery  # noqa: F401
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
