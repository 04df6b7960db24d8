"""Contracts of the events of programmes' results frameworks (indicators)."""
from marshmallow import fields, validate

from shared.events.contracts.programmes.pieces import (
    MEASURES,
    REACH,
    PeriodSchema,
    ProgrammeRefSchema,
    SemanticsFields,
)
from shared.events.contracts.registry import contract
from shared.events.fields import IndicatorValue, UTCDateTime
from shared.events.schemas import StrictSchema


class BaselineSchema(StrictSchema):
    value = IndicatorValue(required=True)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1900, max=2100))


class TargetPartSchema(StrictSchema):
    dimension = fields.String(required=True, metadata={"description": "sex, age, migrant_status or reach"})
    category = fields.String(required=True, metadata={"description": "e.g. female, age_15_24"})


class TargetSchema(StrictSchema):
    period = fields.Nested(PeriodSchema, required=True)
    value = IndicatorValue(required=True)
    city_id = fields.String(load_default=None, allow_none=True,
                            metadata={"description": "a target for one of the programme's cities; null: all"})
    disaggregation = fields.Nested(TargetPartSchema, load_default=None, allow_none=True,
                                   metadata={"description": "a target for one part; null: the whole value"})


class ScaleSchema(StrictSchema):
    min = fields.Integer(required=True, strict=True)
    max = fields.Integer(required=True, strict=True)


class IndicatorSchema(SemanticsFields):
    code = fields.String(required=True, metadata={"description": "a plan's corporate indicator code or the "
                                                                 "programme's own code"})
    title = fields.String(required=True)
    corporate = fields.Boolean(required=True, metadata={"description": "whether `code` is an indicator of "
                                                                       "the strategic plan (counts towards "
                                                                       "the objective)"})
    measure = fields.String(required=True, validate=validate.OneOf(tuple(MEASURES)),
                            metadata={"description": "IATI IndicatorMeasure: unit 1, percentage 2 (see `kind`)"})
    reach = fields.String(required=True, validate=validate.OneOf(REACH))
    ascending = fields.Boolean(required=True)
    sdg_indicator = fields.String(required=True, allow_none=True,
                                  metadata={"description": "UN SDG indicator reference, e.g. `11.1.1`"})
    baseline = fields.Nested(BaselineSchema, required=True, allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)
    scale = fields.Nested(ScaleSchema, load_default=None, allow_none=True,
                          metadata={"description": "a qualitative indicator's scores"})



@contract("indicator.defined", 1, producer="programmes")
class IndicatorDefinedV1(ProgrammeRefSchema):
    """A programme defined an indicator of its results framework, or changed one (then `previous` is
    its definition before)."""

    indicator = fields.Nested(IndicatorSchema, required=True)
    previous = fields.Nested(IndicatorSchema, required=True, allow_none=True)
    defined_at = UTCDateTime(required=True)
