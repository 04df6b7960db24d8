"""Public API of the drill-down (GET /v1/objective/progress/figures/{figure}/results): the
approved results behind a figure, as of a date, a page at a time, narrowed by the filters the
links of breakdown cells, history points and contributors' credits carry; who sees which results
listed: docs/metrics.md, "Drill-down"."""
from typing import Any

from marshmallow import fields, validate

from shared import plan
from shared.api.metrics import ProgressQuery
from shared.api.programmes.pieces import in_codelist, in_plan
from shared.events.fields import Text
from shared.events.schemas import StrictSchema, country_code
from shared.reference import SDG_GOALS

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
NO_GROUP = "none"   # a breakdown's null key: the results of programmes with no theme (window, SDG goal)


def _or_none(check: Any) -> Any:
    def checked(value: str) -> None:
        if value != NO_GROUP:
            check(value)
    return checked


class FigureFiltersQuery(ProgressQuery):
    """What narrows the results behind a figure; each filter is one breakdown's dimension, and the
    summary is then the figure of that cell (docs/metrics.md, "Drill-down")."""
    theme = Text(validate=_or_none(in_plan(plan.theme_codes, "theme")),
                 metadata={"description": f"a theme code, or `{NO_GROUP}` (programmes with no theme)"})
    window = Text(validate=_or_none(in_plan(plan.window_codes, "funding window")),
                  metadata={"description": f"a funding window code, or `{NO_GROUP}`"})
    sdg_goal = Text(validate=_or_none(in_codelist(SDG_GOALS, "UN SDG goal")),
                    metadata={"description": f"a UN SDG goal, or `{NO_GROUP}`"})
    programme = Text(validate=validate.Length(min=1, max=36), metadata={
        "description": "a programme id: its results and its children's (the programme breakdown rolls them up)"})
    country = Text(validate=country_code, metadata={"description": "ISO 3166-1 alpha-2: results in its cities"})
    city = Text(validate=validate.Length(min=1, max=36), metadata={"description": "a city id: results in that city"})
    through = fields.Date(metadata={"description": "ISO date: results whose period ended by then (a point of the "
                                                   "history: its cumulative value)"})
    contributor = Text(validate=validate.Length(min=1, max=300), metadata={
        "description": "the results of the programmes a contributor is credited with (a summed figure); the "
                       "summary explains the credit (summary.contributor)"})


class FigureResultsQuery(FigureFiltersQuery):
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
    filters = fields.Dict(metadata={"description": "the filters applied (theme, window, ..., through, contributor)"})
    summary = fields.Dict(metadata={"description": "results and value behind the figure; figure_value (the figure "
                                                   "from these results: a sum's value, a distinct count's cities or "
                                                   "countries); how many (and how much) are listed to the caller and "
                                                   "not listed; with a contributor, its credit explained"})
    items = fields.List(fields.Nested(FigureResultOut))
    next = Text(allow_none=True, metadata={"description": "URL of the next page"})
