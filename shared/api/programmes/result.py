"""API of results: values of an indicator for a period and a city, reviewed in versions."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.city import CityOut
from shared.api.programmes.pieces import (
    DisaggregationsIn,
    PageQuery,
    PeriodIn,
    PeriodOut,
    amount,
    not_blank,
)
from shared.events.contracts.programmes import (
    RESULT_STATUSES,
)
from shared.events.fields import DecimalString, UTCDateTime
from shared.events.schemas import StrictSchema


class ResultCreate(StrictSchema):
    """A draft value of one indicator, for one period and one city of the programme."""
    indicator = fields.String(required=True, validate=validate.Length(min=1, max=100),
                              metadata={"description": "code of one of the programme's indicators"})
    city_id = fields.String(required=True, validate=validate.Length(min=1, max=36),
                            metadata={"description": "id of one of the programme's cities"})
    period = fields.Nested(PeriodIn, required=True)
    value = amount(required=True, metadata={"description": "Decimal string or whole number; never a float"})
    disaggregations = fields.Nested(DisaggregationsIn, load_default=dict)


class ResultUpdate(StrictSchema):
    """Changes to a draft (or returned) value."""
    value = amount()
    disaggregations = fields.Nested(DisaggregationsIn)

    @validates_schema(pass_original=True)
    def _something(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


class ReviewAction(StrictSchema):
    """Submit or approve, with an optional comment."""
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ResultReturn(StrictSchema):
    comment = fields.String(required=True, validate=[validate.Length(min=1, max=2000), not_blank],
                            metadata={"description": "what to revise"})


class ResultRevise(StrictSchema):
    """A correction of the approved value: a new version, submitted for review, that replaces
    the approved one once approved."""
    value = amount(required=True)
    disaggregations = fields.Nested(DisaggregationsIn, load_default=dict)
    comment = fields.String(required=True, validate=[validate.Length(min=1, max=2000), not_blank],
                            metadata={"description": "why the approved value is corrected"})


class ResultListQuery(PageQuery):
    programme_id = fields.String(validate=validate.Length(min=1, max=36))
    indicator = fields.String(validate=validate.Length(min=1, max=100))
    city = fields.String(validate=validate.Length(min=1, max=36), metadata={"description": "city id"})
    period_start = fields.Date(metadata={"description": "periods starting on or after this date"})
    period_end = fields.Date(metadata={"description": "periods ending on or before this date"})
    status = fields.String(validate=validate.OneOf(RESULT_STATUSES))

    @validates_schema
    def _period(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise ValidationError("must not be before period_start", "period_end")


class ReviewLogOut(StrictSchema):
    action = fields.String(metadata={"description": "drafted, edited, submitted, returned, approved, "
                                                    "revision_submitted, superseded"})
    at = UTCDateTime()
    by = fields.String(allow_none=True, metadata={"description": "organisation of the caller, if known"})
    comment = fields.String(allow_none=True)


class ResultVersionOut(StrictSchema):
    version = fields.Integer()
    status = fields.String(metadata={"description": "draft, submitted, returned, approved, superseded"})
    value = DecimalString()
    disaggregations = fields.Nested(DisaggregationsIn)
    comment = fields.String(allow_none=True, metadata={"description": "why the approved value was corrected"})
    created_at = UTCDateTime()
    submitted_at = UTCDateTime(allow_none=True)
    approved_at = UTCDateTime(allow_none=True)
    log = fields.List(fields.Nested(ReviewLogOut))


class ResultOut(StrictSchema):
    id = fields.String()
    programme_id = fields.String()
    indicator = fields.String()
    city_id = fields.String()
    city = fields.Nested(CityOut(only=("id", "name", "country")))
    period = fields.Nested(PeriodOut)
    status = fields.String(metadata={"description": "status of the latest version"})
    version = fields.Integer(metadata={"description": "the latest version"})
    value = DecimalString(metadata={"description": "the latest version's value"})
    disaggregations = fields.Nested(DisaggregationsIn)
    approved_version = fields.Integer(allow_none=True)
    approved_value = DecimalString(allow_none=True, metadata={"description": "what counts; null until approved"})
    allowed_actions = fields.List(fields.String())
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    # GET /v1/results/{id} only: every version, oldest first
    versions = fields.List(fields.Nested(ResultVersionOut))


class ResultPage(StrictSchema):
    items = fields.List(fields.Nested(ResultOut))
    next_cursor = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


class IndicatorTotalOut(StrictSchema):
    indicator = fields.String()
    corporate = fields.Boolean()
    measure = fields.String()
    own = DecimalString(metadata={"description": "approved values of this programme's own results"})
    children = DecimalString(metadata={"description": "approved values of its children's results"})
    total = DecimalString(metadata={"description": "own + children, each result counted once"})
    results = fields.Integer(metadata={"description": "approved results counted"})


class TotalsOut(StrictSchema):
    programme_id = fields.String()
    children = fields.List(fields.String())
    indicators = fields.List(fields.Nested(IndicatorTotalOut))


