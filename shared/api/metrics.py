"""Public API of the metrics service (progress towards a plan's objective): query schemas
(the service validates with them; the gateway documents them and may validate early) and
response schemas (for the OpenAPI document; bodies are built by metrics.domain).

Every read takes `plan` (a plan id; the first plan by id when absent) and `as_of` (an ISO
date: only results whose period ended on or before it, each at the version approved by the end
of that day and not yet superseded, and money dated on or before it, count; status and
projection are evaluated at that date). Figures: sums are whole numbers (or a
Decimal string when a value has a fractional part), distinct counts integers; money is a
Decimal string per currency; dates ISO 8601; times UTC ISO 8601."""
from marshmallow import fields, validate

from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema

DIMENSIONS = ("theme", "window", "country", "city", "sdg_goal", "programme", "fund")
STATUSES = ("achieved", "on_track", "at_risk", "off_track")


class PlanQuery(StrictSchema):
    plan = Text(validate=validate.Length(min=1, max=100),
                metadata={"description": "plan id, e.g. `strategic-plan-2018-2021` (default: the first)"})


class ProgressQuery(PlanQuery):
    as_of = fields.Date(metadata={"description": "ISO date: count results whose period ended by then, each at "
                                                 "the version approved and current at the end of that day, and "
                                                 "evaluate status and projection at that date"})


class ProgressReadQuery(ProgressQuery):
    wait_for = Text(validate=validate.Regexp(r"^[A-Za-z0-9._:-]{1,128}$", error="not a consistency token"),
                    metadata={"description": "a write's `Platform-Consistency-Token`: wait until the figures "
                                             "include it (at most `wait` seconds), then answer; a token is "
                                             "remembered for 10 minutes after the figures included it (use it "
                                             "right after the write)"})
    wait = fields.Float(load_default=2.0, validate=validate.Range(min=0, max=5),
                        metadata={"description": "the most seconds to wait for `wait_for` (default 2, at most 5)"})


class BreakdownPath(StrictSchema):
    dimension = Text(required=True, validate=validate.OneOf(DIMENSIONS))


# --- responses (documentation) --------------------------------------------------------------

class PlanSummaryOut(StrictSchema):
    id = Text()
    title = Text()
    period = fields.Dict()
    deadline = Text()


class PlansOut(StrictSchema):
    items = fields.List(fields.Nested(PlanSummaryOut))


class TargetOut(StrictSchema):
    code = Text()
    title = Text()
    indicator = Text()
    measure = Text(validate=validate.OneOf(["sum", "distinct_cities", "distinct_countries"]))
    value = fields.Raw(metadata={"description": "integer (or Decimal string for a fractional sum)"})
    direct = fields.Raw()
    indirect = fields.Raw()
    comparison = Text(validate=validate.OneOf(["at_least", "more_than"]))
    target = fields.Integer()
    share = Text(metadata={"description": "value / the least value meeting the target, 6 places"})
    achieved = fields.Boolean()
    status = Text(validate=validate.OneOf(STATUSES))
    projected_at_deadline = fields.Integer()
    reached_on = Text(allow_none=True)
    projected_reached_on = Text(allow_none=True)


class ProgressOut(StrictSchema):
    plan_id = Text()
    plan_title = Text()
    objective = Text()
    period = fields.Dict()
    deadline = Text()
    as_of = Text(allow_none=True)
    today = Text()
    days_to_deadline = fields.Integer()
    status = Text(validate=validate.OneOf(STATUSES))
    achieved = fields.Boolean()
    targets = fields.List(fields.Nested(TargetOut))
    figures = fields.Dict(metadata={"description": "every figure by code: value (and direct/indirect for sums)"})
    money = fields.Dict(metadata={"description": "`committed`: committed money per currency (net of returns)"})
    funds = fields.List(fields.Dict(), metadata={"description": "per currency: pooled, committed, disbursed, "
                                                                "available, cost per person reached"})
    updated_at = UTCDateTime(allow_none=True)
    revision = fields.Integer(metadata={"description": "revision of the last objective.progress_changed"})
    links = fields.Dict(metadata={"description": "per figure: the URL of the approved results behind it "
                                                 "(GET /v1/objective/progress/figures/{figure}/results)"})


class BreakdownItemOut(StrictSchema):
    key = Text(allow_none=True)
    name = Text(allow_none=True)
    figures = fields.Dict()
    money = fields.List(fields.Dict())
    links = fields.Dict(metadata={"description": "per figure: the URL of the approved results behind this cell "
                                                 "(the drill-down filtered by the dimension; a null key: `none`)"})


class BreakdownOut(StrictSchema):
    plan_id = Text()
    dimension = Text(validate=validate.OneOf(DIMENSIONS))
    as_of = Text(allow_none=True)
    today = Text()
    items = fields.List(fields.Nested(BreakdownItemOut))
    updated_at = UTCDateTime(allow_none=True)


class HistoryOut(StrictSchema):
    plan_id = Text()
    as_of = Text(allow_none=True)
    today = Text()
    figures = fields.List(fields.Dict(), metadata={"description": "per figure: series [{period_end, value, "
                                                                  "added, link}] and projection; `link`: the "
                                                                  "results behind the point (periods ended by "
                                                                  "then: `through=`)"})
    updated_at = UTCDateTime(allow_none=True)


class PipelineOut(StrictSchema):
    plan_id = Text()
    as_of = Text(allow_none=True)
    today = Text()
    applications_under_review = fields.Integer()
    requested = fields.List(fields.Dict())
    figures = fields.List(fields.Dict(), metadata={"description": "per figure: current, pipeline, with_pipeline "
                                                                  "(and share/achieved with the pipeline)"})
    updated_at = UTCDateTime(allow_none=True)
