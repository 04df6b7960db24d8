"""Drill-down: the approved results behind one figure of the progress, one page at a time: now,
each result at its winning version; as of a date, at the version that counted then (approved by
the end of that day and not yet superseded: `metrics.domain.versions`), so the sums equal the
progress as of that date.

Access follows the programmes API, which lists a programme's results to its reporting
organisation and to administrators only: an administrator sees every result listed; a key of an
organisation its own programmes' results listed and the others' as a count and a sum only; an
anonymous caller (the progress API is public) the count and the sum only. The summary covers
every result behind the figure, so the listed ones and the rest add up to the figure."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from metrics import drill_filters, handlers
from metrics import models as m
from metrics.domain import ResultFact, value_out
from metrics.domain.numbers import timestamp
from metrics.domain.plan import Figure, Plan
from metrics.store.rebuild import Rebuilder
from metrics.store.versions import VersionStore
from metrics.unit_of_work import MetricsUnitOfWork
from shared.actors import Actor, org_key
from shared.errors import NotFound
from shared.persistence import from_row, keyset_page


def _facts(as_of: Any, name: str = "facts_on") -> sa.FromClause:
    """The result facts now, or as they stood at the end of `as_of` (the versions that counted then)."""
    return m.result_facts.alias(name) if as_of is None else VersionStore.facts_on(as_of, name)


def _behind(plan: Plan, figure: Figure, facts: sa.FromClause, as_of: Any, through: Any = None) -> sa.Select[Any]:
    """The result facts the figure counts (the rebuild's `counted`, the plan's rule as SQL), with
    their programme's title and organisation: a distinct count counts results with a positive
    value. Of a cumulative series (shared.rollup) only its latest fact by the date: the figure
    adds up the series' growth, which comes to that fact's value."""
    r, p = facts.c, m.metric_programmes.c
    indicators = list(plan.indicators) if figure.indicator == "*" else [figure.indicator]
    end = min(d for d in (plan.end, as_of, through) if d)
    later = _facts(as_of, "later")
    l_ = later.c
    superseded = sa.exists().where(   # a later fact of the same series, in counted_contributions' order
        l_.indicator == r.indicator, l_.programme_id == r.programme_id, l_.city_id == r.city_id,
        Rebuilder.counted(plan, later), l_.period_end <= end,
        sa.or_(l_.period_end > r.period_end,
               sa.and_(l_.period_end == r.period_end, l_.value > r.value),
               sa.and_(l_.period_end == r.period_end, l_.value == r.value, l_.result_id > r.result_id)))
    query = (sa.select(*facts.c, p.title.label("programme_title"), p.organisation)
             .select_from(facts.outerjoin(m.metric_programmes, p.programme_id == r.programme_id))
             .where(Rebuilder.counted(plan, facts), r.indicator.in_(indicators), r.period_end <= end,
                    sa.or_(r.reporting != "cumulative", sa.not_(superseded))))
    return query if figure.measure == "sum" else query.where(r.value > 0)


def _totals(uow: MetricsUnitOfWork, query: sa.Select[Any]) -> tuple[int, int]:
    sub = query.subquery()
    n, v = uow.projection.run(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sub.c.value), 0))
                              .select_from(sub)).one()
    return int(n), int(v)


def _places(uow: MetricsUnitOfWork, figure: Figure, behind: sa.Select[Any]) -> int:
    """A distinct count's value from the results behind it: their distinct cities (countries)."""
    sub = behind.subquery()
    place = sub.c.city_id if figure.measure == "distinct_cities" else sub.c.country
    return int(uow.projection.run(sa.select(sa.func.count(sa.distinct(place))).select_from(sub)).scalar_one())


def _own(query: sa.Select[Any], actor: Actor, mine: bool) -> sa.Select[Any]:
    same = sa.func.lower(sa.func.trim(sa.func.coalesce(m.metric_programmes.c.organisation, ""))) == org_key(
        actor.organisation)
    return query.where(same if mine else sa.not_(same))


def _item(row: Any) -> dict[str, Any]:
    fact = from_row(ResultFact, row)
    direct, indirect = (part for _, part in fact.reach_parts())
    return {"result_id": fact.result_id, "version": fact.version, "programme_id": fact.programme_id,
            "programme_title": row.programme_title, "indicator": fact.indicator,
            "city": {"id": fact.city_id, "name": fact.city_name, "country": fact.country},
            "period": {"start": fact.period_start.isoformat(), "end": fact.period_end.isoformat()},
            "value": value_out(fact.value), "direct": value_out(direct), "indirect": value_out(indirect),
            "approved_at": timestamp(fact.approved_at)}


def list_results(uow: MetricsUnitOfWork, figure_code: str, plan_id: str | None = None, as_of: Any = None, *,
                 actor: Actor, limit: int = 50, cursor: str | None = None,
                 filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """`filters`: the results behind one breakdown cell, history point or contributor's credit
    (`metrics.drill_filters`); the summary is then that cell's (point's) figure."""
    plan, day = handlers._query(plan_id, as_of)   # the one validation of plan and as_of
    figure = next((f for f in plan.figures if f.code == figure_code), None)
    if figure is None:
        raise NotFound("figure", figure_code)
    args = drill_filters.read(filters)
    explained = drill_filters.credit(uow, plan, figure, day, args["contributor"]) if "contributor" in args else None
    facts = _facts(day, "facts")
    with uow:
        behind = _behind(plan, figure, facts, day, args.get("through")).where(
            *drill_filters.conditions(uow, facts, args, explained))
        listed = None if actor.is_anonymous else behind if actor.is_admin else _own(behind, actor, mine=True)
        n, v = _totals(uow, behind)
        counted = value_out(v) if figure.measure == "sum" else _places(uow, figure, behind)
        page = keyset_page(uow.projection.session, listed, [facts.c.result_id], limit=limit, cursor=cursor) \
            if listed is not None else None
        seen = (n, v) if actor.is_admin else _totals(uow, listed) if listed is not None else (0, 0)
    summary: dict[str, Any] = {"results": n, "value": value_out(v), "figure_value": counted, "listed": seen[0],
                               "listed_value": value_out(seen[1]), "not_listed": n - seen[0],
                               "not_listed_value": value_out(v - seen[1])}
    if explained is not None:
        summary["contributor"] = explained
    return {"plan_id": plan.id, "figure": figure.code, "measure": figure.measure, "as_of": day and day.isoformat(),
            "filters": {k: a.isoformat() if hasattr(a, "isoformat") else a for k, a in args.items()},
            "summary": summary,
            "items": [_item(row) for row in page.rows] if page else [],
            "next_cursor": page.next_cursor if page else None}
