"""Drill-down links: the URL of the approved results behind a figure (GET
/v1/objective/progress/figures/{figure}/results), for the whole plan or narrowed to one cell of a
breakdown, one point of the history or one contributor's credit (docs/metrics.md, "Drill-down")."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from shared.api.drilldown import NO_GROUP


def figure_link(plan_id: str, code: str, as_of: date | None, **filters: str | date | None) -> str:
    """`filters`: the drill-down's (theme=, window=, sdg_goal=, programme=, country=, city=,
    through=, contributor=); a breakdown's null key is passed as None and sent as `none`."""
    query: dict[str, str] = {"plan": plan_id}
    if as_of is not None:
        query["as_of"] = as_of.isoformat()
    for name, value in filters.items():
        query[name] = NO_GROUP if value is None else value.isoformat() if isinstance(value, date) else value
    return f"/v1/objective/progress/figures/{quote(code)}/results?" + urlencode(query, quote_via=quote)
