"""Public API of the drill-down (GET /v1/objective/progress/figures/{figure}/results): the
approved results behind a figure, as of a date, a page at a time; who sees which results listed:
docs/metrics.md, "Drill-down"."""
from marshmallow import fields, validate

from shared.api.metrics import ProgressQuery
from shared.events.fields import Text
from shared.events.schemas import StrictSchema

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


class FigureResultsQuery(ProgressQuery):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page (1-{MAX_LIMIT})"})
    cursor = Text(validate=validate.Length(min=1, max=500),
                  metadata={"description": "opaque cursor from the previous page's `next` link"})


class FigureResultOut(StrictSchema):
    result_id = Text()
    version = fields.Integer(metadata={"description": "the approved version counted: the highest approved (as of "
                                                      "the date: the highest approved by the end of that day)"})
    programme_id = Text()
    programme_title = Text(allow_none=True)
    indicator = Text()
    city = fields.Dict(metadata={"description": "id, name, country"})
    period = fields.Dict(metadata={"description": "start, end"})
    value = fields.Raw(metadata={"description": "the value counted (integer or Decimal string)"})
    direct = fields.Raw()
    indirect = fields.Raw()
    approved_at = Text(allow_none=True, metadata={"description": "when this version was approved (UTC ISO 8601)"})


class FigureResultsOut(StrictSchema):
    plan_id = Text()
    figure = Text()
    measure = Text()
    as_of = Text(allow_none=True)
    summary = fields.Dict(metadata={"description": "results and value behind the figure; how many (and how much) "
                                                   "are listed to the caller and not listed"})
    items = fields.List(fields.Nested(FigureResultOut))
    next = Text(allow_none=True, metadata={"description": "URL of the next page"})
