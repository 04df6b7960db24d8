"""Drill-down filters: the results behind one cell of a breakdown (`theme`, `window`, `sdg_goal`,
`programme` rolled up, `country`, `city`), behind one point of the history (`through`: periods
ended by then) or behind a contributor's credit (`contributor`: the programmes its paths reach).

Groups by programme attribute are those of the breakdown itself (`domain.breakdown.groups_of`
on the programmes metrics knows now), so a cell and its drill-down cannot disagree on who is in
it. A contributor's credit is a largest-remainder share of each programme's value, not a subset
of results: its drill-down lists the programmes' results whole, and `summary.contributor` says,
per programme, its value, the contributor's share and what it was credited (docs/metrics.md)."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from metrics import attribution
from metrics import models as m
from metrics.domain import NONE, Snapshot, scale_value, value_out
from metrics.domain.breakdown import groups_of
from metrics.domain.plan import Figure, Plan
from metrics.unit_of_work import MetricsUnitOfWork
from shared.api.drilldown import NO_GROUP, FigureFiltersQuery
from shared.errors import InvalidInput, NotFound, validate

BY_PROGRAMME = ("theme", "window", "sdg_goal", "programme")


def read(filters: dict[str, Any] | None) -> dict[str, Any]:
    """The filters validated (422 naming the parameter), without plan and as_of."""
    args = validate(FigureFiltersQuery(), {k: v for k, v in (filters or {}).items() if v is not None})
    return {k: v for k, v in args.items() if k not in ("plan", "as_of")}


def credit(uow: MetricsUnitOfWork, plan: Plan, figure: Figure, day: Any, name: str) -> dict[str, Any]:
    """The contributor's credit of the figure explained by programme (read before the drill-down's
    unit of work: attribution opens its own)."""
    if figure.measure != "sum":
        raise InvalidInput({"contributor": [f"{figure.code} is a distinct count: only sums are attributed"]})
    try:
        item = attribution.get_attribution(uow, plan.id, day, name)["items"][0]
    except NotFound:
        raise InvalidInput({"contributor": [f"{name!r} is credited with nothing as of the date"]}) from None
    programmes: dict[str, dict[str, Any]] = {}
    for path in item["paths"]:
        entry = programmes.setdefault(path["programme_id"], {
            "programme_id": path["programme_id"], "results": path["results"][figure.code], "share": Fraction(0),
            "credited": 0})
        entry["share"] += Fraction(path["share"])
        entry["credited"] += scale_value(path["credited"][figure.code])
    return {"contributor": name, "credited": item["figures"][figure.code],
            "programmes": [{**e, "share": str(e["share"]), "credited": value_out(e["credited"])}
                           for _, e in sorted(programmes.items())]}


def conditions(uow: MetricsUnitOfWork, facts: sa.FromClause, args: dict[str, Any],
               explained: dict[str, Any] | None) -> list[sa.ColumnElement[bool]]:
    """The filters as conditions on the facts (inside the drill-down's unit of work)."""
    r = facts.c
    out: list[sa.ColumnElement[bool]] = []
    if "country" in args:
        out.append(r.country == args["country"])
    if "city" in args:
        if uow.projection.run(sa.select(m.metric_cities.c.city_id)
                              .where(m.metric_cities.c.city_id == args["city"])).first() is None:
            raise InvalidInput({"city": [f"unknown city {args['city']!r}"]})
        out.append(r.city_id == args["city"])
    if explained is not None:
        out.append(r.programme_id.in_([p["programme_id"] for p in explained["programmes"]]))
    wanted = [d for d in BY_PROGRAMME if d in args]
    if wanted:
        snap = Snapshot(programmes=uow.projection.programmes())
        for dimension in wanted:
            out.append(_in_group(snap, dimension, args[dimension], r.programme_id))
    return out


def _in_group(snap: Snapshot, dimension: str, key: str, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    # every result's programme is known (a placeholder until it is announced: in the null groups).
    # A programme id metrics does not know lists nothing, like a programme without results: it is
    # an organisation's object, so the answer must not tell whether it exists (the programmes API's rule)
    group = None if key == NO_GROUP else key
    return column.in_({p for p in snap.programmes if group in groups_of(dimension, snap, p, NONE, NONE)})
