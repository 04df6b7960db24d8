"""API of programmes' results frameworks: indicators with baselines and targets."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.pieces import (
    PeriodIn,
    PeriodOut,
    code_format,
    sdg_indicator_format,
)
from shared.events.contracts.programmes import (
    KIND_CODES,
    REACH,
)
from shared.events.fields import DecimalString, IndicatorValue, Text, UTCDateTime
from shared.events.schemas import StrictSchema
from shared.rollup import REPORTING, RULES


class BaselineIn(StrictSchema):
    value = IndicatorValue(required=True)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1900, max=2100))


class TargetPartIn(StrictSchema):
    dimension = Text(required=True, validate=validate.Length(min=1, max=20),
                     metadata={"description": "sex, age, migrant_status or reach"})
    category = Text(required=True, validate=validate.Length(min=1, max=20),
                    metadata={"description": "a part of the dimension, e.g. female, age_15_24"})


class TargetIn(StrictSchema):
    period = fields.Nested(PeriodIn, required=True)
    value = IndicatorValue(required=True)
    city_id = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=36),
                   metadata={"description": "a target for one of the programme's cities; absent: the whole "
                                            "programme"})
    disaggregation = fields.Nested(TargetPartIn, load_default=None, allow_none=True, metadata={
        "description": "a target for one part of a disaggregation; absent: the whole value"})


class ScaleIn(StrictSchema):
    min = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))
    max = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))

    @validates_schema
    def _order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "min" in data and "max" in data and data["max"] <= data["min"]:
            raise ValidationError("must be more than min", "max")


class IndicatorIn(StrictSchema):
    code = Text(required=True, validate=[validate.Length(min=1, max=100), code_format], metadata={
        "description": "a plan's corporate indicator (e.g. `people_reached`, `women_empowered`) or the "
                       "programme's own code"})
    title = Text(load_default=None, validate=validate.Length(min=1, max=500),
                 metadata={"description": "defaults to the plan's title for a corporate indicator"})
    measure = Text(load_default="unit", validate=validate.OneOf(tuple(KIND_CODES)), metadata={
        "description": "unit (a count or amount), percentage (reported with numerator and denominator) or "
                       "qualitative (a score on `scale`, never added)"})
    reporting = Text(load_default="per_period", validate=validate.OneOf(REPORTING), metadata={
        "description": "per_period: a value is what happened in its period; cumulative: everything so far"})
    rollup = Text(load_default=None, validate=validate.OneOf(RULES), metadata={
        "description": "how values combine over cities and programmes: sum, latest or max; default sum (qualitative: "
                       "latest)"})
    scale = fields.Nested(ScaleIn, load_default=None, allow_none=True,
                          metadata={"description": "a qualitative indicator's scores; default 1 to 5"})
    reach = Text(load_default="direct", validate=validate.OneOf(REACH))
    ascending = fields.Boolean(load_default=True)
    sdg_indicator = Text(load_default=None, allow_none=True, validate=sdg_indicator_format)
    baseline = fields.Nested(BaselineIn, load_default=None, allow_none=True)
    targets = fields.List(fields.Nested(TargetIn), load_default=list)


class IndicatorUpdate(StrictSchema):
    title = Text(validate=validate.Length(min=1, max=500))
    reach = Text(validate=validate.OneOf(REACH))
    ascending = fields.Boolean()
    sdg_indicator = Text(allow_none=True, validate=sdg_indicator_format)
    baseline = fields.Nested(BaselineIn, allow_none=True)
    targets = fields.List(fields.Nested(TargetIn))
    scale = fields.Nested(ScaleIn)

    @validates_schema(pass_original=True)
    def _something(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


class BaselineOut(StrictSchema):
    value = DecimalString()
    year = fields.Integer()


class TargetPartOut(StrictSchema):
    dimension = Text()
    category = Text()


class TargetOut(StrictSchema):
    period = fields.Nested(PeriodOut)
    value = DecimalString()
    city_id = Text(allow_none=True)
    disaggregation = fields.Nested(TargetPartOut, allow_none=True)


class ScaleOut(StrictSchema):
    min = fields.Integer()
    max = fields.Integer()


class IndicatorOut(StrictSchema):
    programme_id = Text()
    code = Text()
    title = Text()
    corporate = fields.Boolean()
    measure = Text(metadata={"description": "unit, percentage or qualitative"})
    measure_code = Text(metadata={"description": "IATI IndicatorMeasure code: 1, 2 or 5"})
    reporting = Text()
    rollup = Text()
    scale = fields.Nested(ScaleOut, allow_none=True)
    reach = Text()
    ascending = fields.Boolean()
    sdg_indicator = Text(allow_none=True)
    baseline = fields.Nested(BaselineOut, allow_none=True)
    targets = fields.List(fields.Nested(TargetOut))
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class IndicatorList(StrictSchema):
    items = fields.List(fields.Nested(IndicatorOut))


