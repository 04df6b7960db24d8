"""API of results: values of an indicator for a period and a city, reviewed in versions."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.city import CityOut
from shared.api.programmes.pieces import (
    DisaggregationsIn,
    PageQuery,
    PeriodIn,
    PeriodOut,
)
from shared.events.contracts.programmes import (
    RESULT_STATUSES,
)
from shared.events.fields import DecimalString, IndicatorValue, Text, UTCDateTime
from shared.events.schemas import StrictSchema


class ResultCreate(StrictSchema):
    """A draft value of one indicator, for one period and one city of the programme."""
    indicator = Text(required=True, validate=validate.Length(min=1, max=100),
                     metadata={"description": "code of one of the programme's indicators"})
    city_id = Text(required=True, validate=validate.Length(min=1, max=36),
                   metadata={"description": "id of one of the programme's cities"})
    period = fields.Nested(PeriodIn, required=True)
    value = IndicatorValue(required=True, metadata={"description": "Decimal string or whole number; never a float"})
    disaggregations = fields.Nested(DisaggregationsIn, load_default=dict)
    numerator = IndicatorValue(load_default=None, allow_none=True, metadata={
        "description": "a percentage's numerator: with the denominator, what rolls up (value = numerator / "
                       "denominator x 100, to 0.01)"})
    denominator = IndicatorValue(load_default=None, allow_none=True,
                                 metadata={"description": "a percentage's denominator (more than 0)"})


class ResultUpdate(StrictSchema):
    """Changes to a draft (or returned) value."""
    value = IndicatorValue()
    disaggregations = fields.Nested(DisaggregationsIn)
    numerator = IndicatorValue(allow_none=True)
    denominator = IndicatorValue(allow_none=True)

    @validates_schema(pass_original=True)
    def _something(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


class ReviewAction(StrictSchema):
    """Submit or approve, with an optional comment."""
    comment = Text(multiline=True, load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ResultReturn(StrictSchema):
    comment = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000),
                   metadata={"description": "what to revise"})


class ResultRevise(StrictSchema):
    """A correction of the approved value: a new version, submitted for review, that replaces
    the approved one once approved."""
    value = IndicatorValue(required=True)
    disaggregations = fields.Nested(DisaggregationsIn, load_default=dict)
    numerator = IndicatorValue(load_default=None, allow_none=True)
    denominator = IndicatorValue(load_default=None, allow_none=True)
    comment = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000),
                   metadata={"description": "why the approved value is corrected"})


class ResultListQuery(PageQuery):
    programme_id = Text(validate=validate.Length(min=1, max=36))
    indicator = Text(validate=validate.Length(min=1, max=100))
    city = Text(validate=validate.Length(min=1, max=36), metadata={"description": "city id"})
    period_start = fields.Date(metadata={"description": "periods starting on or after this date"})
    period_end = fields.Date(metadata={"description": "periods ending on or before this date"})
    status = Text(validate=validate.OneOf(RESULT_STATUSES))

    @validates_schema
    def _period(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise ValidationError("must not be before period_start", "period_end")


class ReviewLogOut(StrictSchema):
    action = Text(metadata={"description": "drafted, edited, submitted, returned, approved_first_level, "
                                                    "approved, revision_submitted, superseded"})
    at = UTCDateTime()
    by = Text(allow_none=True, metadata={"description": "organisation of the caller, if known"})
    comment = Text(allow_none=True)


class ResultVersionOut(StrictSchema):
    version = fields.Integer()
    status = Text(metadata={"description": "draft, submitted, returned, endorsed (approved at the first of two "
                                                    "levels), approved, superseded"})
    value = DecimalString()
    disaggregations = fields.Nested(DisaggregationsIn)
    numerator = DecimalString(allow_none=True)
    denominator = DecimalString(allow_none=True)
    comment = Text(allow_none=True, metadata={"description": "why the approved value was corrected"})
    created_at = UTCDateTime()
    submitted_at = UTCDateTime(allow_none=True)
    approved_at = UTCDateTime(allow_none=True, metadata={"description": "when this version began to count"})
    log = fields.List(fields.Nested(ReviewLogOut))


class ResultOut(StrictSchema):
    id = Text()
    programme_id = Text()
    indicator = Text()
    city_id = Text()
    city = fields.Nested(CityOut(only=("id", "name", "country")))
    period = fields.Nested(PeriodOut)
    status = Text(metadata={"description": "status of the latest version"})
    version = fields.Integer(metadata={"description": "the latest version"})
    value = DecimalString(metadata={"description": "the latest version's value"})
    disaggregations = fields.Nested(DisaggregationsIn)
    numerator = DecimalString(allow_none=True, metadata={"description": "a percentage's, when reported"})
    denominator = DecimalString(allow_none=True)
    approved_version = fields.Integer(allow_none=True)
    approved_value = DecimalString(allow_none=True, metadata={"description": "what counts; null until approved"})
    allowed_actions = fields.List(Text())
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    # GET /v1/results/{id} only: every version, oldest first
    versions = fields.List(fields.Nested(ResultVersionOut))


class ResultPage(StrictSchema):
    items = fields.List(fields.Nested(ResultOut))
    next_cursor = Text(allow_none=True)
    next = Text(allow_none=True)


class YearTotalOut(StrictSchema):
    year = fields.Integer()
    value = DecimalString(allow_none=True, metadata={
        "description": "values of periods counting in the year (a period across years: by the plan's rule, see "
                       "irregular_periods); a cumulative indicator's growth over the year"})
    target = DecimalString(allow_none=True)
    achievement = DecimalString(allow_none=True, metadata={"description": "value / target x 100 (171.0 = 171 %)"})


class IrregularPeriodOut(StrictSchema):
    period = fields.Nested(PeriodOut)
    year_rule = Text(metadata={"description": "period_end (counts in the year it ends), period_start, or pro_rata "
                                              "(split across its years by days); the plan's "
                                              "reporting.irregular_periods"})


class ScopeTotalOut(StrictSchema):
    """Targets of one city, one part or a part in one city against the actuals of that scope."""
    city_id = Text(allow_none=True, metadata={"description": "null: every city"})
    dimension = Text(allow_none=True, metadata={"description": "null: the whole value"})
    category = Text(allow_none=True)
    total = DecimalString(allow_none=True, metadata={"description": "the scope's actuals rolled up by the rule "
                                                                    "(null: nothing reported, or not aggregated)"})
    target = DecimalString(allow_none=True)
    achievement = DecimalString(allow_none=True, metadata={"description": "total / target x 100"})
    years = fields.List(fields.Nested(YearTotalOut))
    not_aggregated = Text(allow_none=True, metadata={
        "description": "why a part of a percentage or a score has no actual (its parts cannot be added)"})


class IndicatorTotalOut(StrictSchema):
    """Rolled up by the indicator's rule (docs/programmes.md "Indicators")."""
    indicator = Text()
    corporate = fields.Boolean()
    measure = Text(metadata={"description": "unit, percentage or qualitative"})
    reporting = Text(metadata={"description": "per_period or cumulative"})
    rollup = Text(metadata={"description": "sum, latest or max"})
    own = DecimalString(metadata={"description": "approved values of this programme's own results"})
    children = DecimalString(metadata={"description": "approved values of its children's results"})
    total = DecimalString(metadata={"description": "own and children rolled up by the rule over the whole span, "
                                                   "each result counted once"})
    results = fields.Integer(metadata={"description": "approved results counted"})
    numerator = DecimalString(allow_none=True, metadata={"description": "a percentage's: total = numerator / "
                                                                        "denominator x 100"})
    denominator = DecimalString(allow_none=True)
    target = DecimalString(allow_none=True, metadata={"description": "the programme's whole targets over the span "
                                                                     "(else its children's), by the rule"})
    achievement = DecimalString(allow_none=True, metadata={"description": "total / target x 100; above 100 when "
                                                                          "over-achieved"})
    years = fields.List(fields.Nested(YearTotalOut), metadata={"description": "per calendar year, side by side with "
                                                                             "the total"})
    disaggregations = fields.Dict(keys=Text(), values=fields.Dict(keys=Text(), values=DecimalString()), metadata={
        "description": "parts of the total by dimension (counts only)"})
    parts_not_aggregated = fields.List(Text(), metadata={
        "description": "dimension.category parts reported but not carried (a percentage's or a score's)"})
    irregular_periods = fields.List(fields.Nested(IrregularPeriodOut), metadata={
        "description": "periods across calendar years (results' and targets') and the plan's rule they count by "
                       "in `years`"})
    by_scope = fields.List(fields.Nested(ScopeTotalOut), metadata={
        "description": "achievement per city and per part: its targets against its actuals, by the same rule"})


class TotalsOut(StrictSchema):
    programme_id = Text()
    children = fields.List(Text())
    indicators = fields.List(fields.Nested(IndicatorTotalOut))


