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
    MEASURES,
    REACH,
)
from shared.events.fields import DecimalString, IndicatorValue, Text, UTCDateTime
from shared.events.schemas import StrictSchema


class BaselineIn(StrictSchema):
    value = IndicatorValue(required=True)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1900, max=2100))


class TargetIn(StrictSchema):
    period = fields.Nested(PeriodIn, required=True)
    value = IndicatorValue(required=True)


class IndicatorIn(StrictSchema):
    code = Text(required=True, validate=[validate.Length(min=1, max=100), code_format], metadata={
        "description": "a plan's corporate indicator (e.g. `people_reached`, `women_empowered`) or the "
                       "programme's own code"})
    title = Text(load_default=None, validate=validate.Length(min=1, max=500),
                 metadata={"description": "defaults to the plan's title for a corporate indicator"})
    measure = Text(load_default="unit", validate=validate.OneOf(tuple(MEASURES)))
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

    @validates_schema(pass_original=True)
    def _something(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


class BaselineOut(StrictSchema):
    value = DecimalString()
    year = fields.Integer()


class TargetOut(StrictSchema):
    period = fields.Nested(PeriodOut)
    value = DecimalString()


class IndicatorOut(StrictSchema):
    programme_id = Text()
    code = Text()
    title = Text()
    corporate = fields.Boolean()
    measure = Text()
    measure_code = Text(metadata={"description": "IATI IndicatorMeasure code"})
    reach = Text()
    ascending = fields.Boolean()
    sdg_indicator = Text(allow_none=True)
    baseline = fields.Nested(BaselineOut, allow_none=True)
    targets = fields.List(fields.Nested(TargetOut))
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class IndicatorList(StrictSchema):
    items = fields.List(fields.Nested(IndicatorOut))


