"""Contracts of the events of reviewed result values."""
from marshmallow import fields, validate

from shared.events.contracts.programmes.pieces import (
    MEASURES,
    REACH,
    CityRefSchema,
    DisaggregationsSchema,
    PeriodSchema,
    ProgrammeRefSchema,
    SemanticsFields,
)
from shared.events.contracts.registry import contract
from shared.events.fields import IndicatorValue, UTCDateTime
from shared.events.schemas import CitySchema, StrictSchema


class ResultIndicatorSchema(SemanticsFields):
    code = fields.String(required=True)
    title = fields.String(required=True)
    corporate = fields.Boolean(required=True, metadata={"description": "counts towards the plan's objective"})
    measure = fields.String(required=True, validate=validate.OneOf(tuple(MEASURES)))
    reach = fields.String(required=True, validate=validate.OneOf(REACH))
    ascending = fields.Boolean(required=True)


class ApprovedValueSchema(StrictSchema):
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    value = IndicatorValue(required=True)
    disaggregations = fields.Nested(DisaggregationsSchema, required=True)
    approved_at = UTCDateTime(required=True)
    numerator = IndicatorValue(load_default=None, allow_none=True)
    denominator = IndicatorValue(load_default=None, allow_none=True)



class _ResultEvent(ProgrammeRefSchema):
    result_id = fields.String(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "version of the result's value: 1 first, +1 for every correction"})
    indicator = fields.Nested(ResultIndicatorSchema, required=True)
    city = fields.Nested(CityRefSchema, required=True)
    period = fields.Nested(PeriodSchema, required=True)
    value = IndicatorValue(required=True, metadata={"description": "the value of this "
                                                                                          "version"})
    disaggregations = fields.Nested(DisaggregationsSchema, required=True)
    numerator = IndicatorValue(load_default=None, allow_none=True, metadata={
        "description": "a percentage's numerator; `value` is numerator / denominator x 100"})
    denominator = IndicatorValue(load_default=None, allow_none=True, metadata={
        "description": "a percentage's denominator; null: not reported (the value weighs as value/100)"})


@contract("result.submitted", 1, producer="programmes")
class ResultSubmittedV1(_ResultEvent):
    """A result value was submitted for review. Nothing counts yet. For a correction of an approved
    value, `replaces_version` is the approved version it would replace (which still counts meanwhile)."""

    replaces_version = fields.Integer(required=True, allow_none=True, strict=True)
    submitted_at = UTCDateTime(required=True)


@contract("result.returned", 1, producer="programmes")
class ResultReturnedV1(_ResultEvent):
    """A submitted value was returned for revision with a comment. Nothing counts; an earlier approved
    version (if any) still does."""

    comment = fields.String(required=True)
    returned_at = UTCDateTime(required=True)


@contract("result.approved", 1, producer="programmes")
class ResultApprovedV1(_ResultEvent):
    """A result's first value was approved: from now on it counts towards the objective (corporate
    indicators) and rolls up to the parent programme."""

    approved_at = UTCDateTime(required=True)


@contract("result.approved_first_level", 1, producer="programmes")
class ResultApprovedFirstLevelV1(_ResultEvent):
    """Where the plan asks for two approval levels: the first level (grant manager, programme staff)
    approved this version; the secretariat approves next. It counts now only if `counts` (the plan's
    `first_level_counts`), in which case `result.approved` or `result.revised` follows in the same
    transaction; otherwise those follow the secretariat's approval. Count only those, never this."""

    counts = fields.Boolean(required=True, metadata={"description": "the plan counts figures from this approval"})
    approved_at = UTCDateTime(required=True)


@contract("result.revised", 1, producer="programmes")
class ResultRevisedV1(_ResultEvent):
    """A correction of an approved value was approved: `value` (version `version`) REPLACES `previous`
    for this `result_id`. Subtract the previous value, add the new one; never add both."""

    previous = fields.Nested(ApprovedValueSchema, required=True)
    comment = fields.String(required=True, allow_none=True, metadata={"description": "why it was corrected"})
    revised_at = UTCDateTime(required=True)


@contract("result.recorded", 1, producer="programmes")
class ResultRecordedV1(StrictSchema):
    """Deprecated: no longer emitted (results now go through review: `result.approved`,
    `result.revised`). Kept so that events already queued still load; consumers count one as an
    approved version 1."""

    result_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    indicator = fields.String(required=True, metadata={"description": "corporate indicator code"})
    city = fields.Nested(CitySchema, required=True)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    recorded_at = UTCDateTime(required=True)
