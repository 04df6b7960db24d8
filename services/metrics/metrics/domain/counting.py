"""Counting rules: the change a new version of a result makes to the aggregates of every plan.

Aggregates are keyed by (plan, indicator, reach, programme, city, country, period end) (the
cells); totals (plan, indicator, reach, period end) and city reference counts (plan, indicator,
city, country, period end) are projections of the cells (`totals_key`, `city_key`). A cell holds
the sum of the counted values and the number of counted results with a positive value, so a
city or country counts while that number is above zero.

A cumulative indicator (shared.rollup) reports each series' total so far (one indicator,
programme and city): its values are never added across periods. Its cells hold the series'
growth from one period end to the next (and the change in whether it is positive), so the
cells up to any day add up to each series' latest value by then: the roll-up rule, kept by
additive deltas. Its deltas need the other facts of the series (`neighbours`)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

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


def series_key(fact: ResultFact) -> tuple[str, str, str]:
    """What reports one running figure of a cumulative indicator."""
    return (fact.indicator, fact.programme_id, fact.city_id)


def _add(out: dict[Any, Counter], key: Any, value: int, n: int) -> None:
    v, c = out.get(key, (0, 0))
    out[key] = (v + value, c + n)


def counted_contributions(facts: Iterable[ResultFact]) -> dict[CellKey, Counter]:
    """What counted facts add to their cells together: a per-period fact its own contribution;
    a cumulative series, in the order of its period ends (then values, then result ids), each
    fact's growth over the one before, per reach part."""
    out: dict[CellKey, Counter] = {}
    series: dict[tuple[str, str, str], list[ResultFact]] = {}
    for fact in facts:
        if fact.reporting == "cumulative":
            series.setdefault(series_key(fact), []).append(fact)
        else:
            for cell, (value, n) in contributions(fact).items():
                _add(out, cell, value, n)
    for members in series.values():
        before = {"direct": 0, "indirect": 0}
        for fact in sorted(members, key=lambda f: (f.period_end, f.value, f.result_id)):
            for reach, part in fact.reach_parts():
                growth, positive = part - before[reach], int(part > 0) - int(before[reach] > 0)
                if growth or positive:
                    _add(out, cell_key(fact, reach), growth, positive)
                before[reach] = part
    return {k: v for k, v in out.items() if v != (0, 0)}


def cell_deltas(old: ResultFact | None, new: ResultFact | None, plans: Iterable[Plan],
                neighbours: Iterable[ResultFact] = ()) -> dict[PlanCellKey, Counter]:
    """{(plan_id, *cell): (value delta, count delta)} for replacing `old` by `new`, zeros dropped.
    The count is of results with a positive value: a city or country counts while it is > 0.
    `neighbours`: the other facts of a cumulative `old`'s or `new`'s series."""
    neighbours = list(neighbours)
    out: dict[PlanCellKey, Counter] = {}
    for plan in plans:
        for facts, sign in ((neighbours + [old], -1), (neighbours + [new], 1)):
            counted = [f for f in facts if f is not None and plan.counts(f)]
            for cell, (value, n) in counted_contributions(counted).items():
                _add(out, (plan.id, *cell), sign * value, sign * n)
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
