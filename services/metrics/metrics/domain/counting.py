"""Counting rules: the change a new version of a result makes to the aggregates of every plan.

Aggregates are keyed by (plan, indicator, reach, programme, city, country, period end) (the
cells); totals (plan, indicator, reach, period end) and city reference counts (plan, indicator,
city, country, period end) are projections of the cells (`totals_key`, `city_key`). A cell holds
the sum of the counted values and the number of counted results with a positive value, so a
city or country counts while that number is above zero."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from metrics.domain.facts import ResultFact
from metrics.domain.plan import Plan

CellKey = tuple[str, str, str, str, str, date]          # indicator, reach, programme, city, country, period end
TotalsKey = tuple[str, str, date]                       # indicator, reach, period end
CityKey = tuple[str, str, str, date]                    # indicator, city, country, period end
Counter = tuple[int, int]                               # (value, number of results with a positive value)
PlanCellKey = tuple[str, str, str, str, str, str, date]  # plan_id, *CellKey
PlanTotalsKey = tuple[str, str, str, date]
PlanCityKey = tuple[str, str, str, str, date]


def cell_key(fact: ResultFact, reach: str) -> CellKey:
    """(indicator, reach, programme_id, city_id, country, period_end) of one reach part of a fact"""
    return (fact.indicator, reach, fact.programme_id, fact.city_id, fact.country, fact.period_end)


def totals_key(cell: CellKey) -> TotalsKey:
    indicator, reach, _programme, _city, _country, period_end = cell
    return (indicator, reach, period_end)


def city_key(cell: CellKey) -> CityKey:
    indicator, _reach, _programme, city, country, period_end = cell
    return (indicator, city, country, period_end)


def contributions(fact: ResultFact) -> dict[CellKey, Counter]:
    """What one counted result adds to its cells: its direct and its indirect part
    (`ResultFact.reach_parts`), each a value and 1 if it is positive; parts of zero add nothing."""
    return {cell_key(fact, reach): (part, 1 if part > 0 else 0) for reach, part in fact.reach_parts() if part}


def cell_deltas(old: ResultFact | None, new: ResultFact | None, plans: Iterable[Plan]) -> dict[PlanCellKey, Counter]:
    """{(plan_id, *cell): (value delta, count delta)} for replacing `old` by `new`, zeros dropped.
    The count is of results with a positive value: a city or country counts while it is > 0."""
    out: dict[PlanCellKey, Counter] = {}
    for plan in plans:
        for fact, sign in ((old, -1), (new, 1)):
            if fact is not None and plan.counts(fact):
                for cell, (value, n) in contributions(fact).items():
                    key = (plan.id, *cell)
                    dv, dn = out.get(key, (0, 0))
                    out[key] = (dv + sign * value, dn + sign * n)
    return {k: v for k, v in out.items() if v != (0, 0)}


def roll_up(cells: dict[PlanCellKey, Counter]) -> tuple[dict[PlanTotalsKey, Counter], dict[PlanCityKey, int]]:
    """Totals {(plan, indicator, reach, period_end): (value, n)} and city references
    {(plan, indicator, city, country, period_end): n} from cells (or cell deltas)."""
    totals: dict[PlanTotalsKey, Counter] = {}
    cities: dict[PlanCityKey, int] = {}
    for key, (value, n) in cells.items():
        plan_id, cell = key[0], key[1:]
        tk = (plan_id, *totals_key(cell))
        v, c = totals.get(tk, (0, 0))
        totals[tk] = (v + value, c + n)
        ck = (plan_id, *city_key(cell))
        cities[ck] = cities.get(ck, 0) + n
    return totals, cities
