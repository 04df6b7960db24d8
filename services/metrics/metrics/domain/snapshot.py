"""A snapshot of one plan's aggregates, and the figures read from it.

The snapshot comes from the database (the incremental projection) or from `metrics.recompute`
(the full recomputation); assembly renders either the same way."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from metrics.domain.facts import Application, ProgrammeDim
from metrics.domain.plan import Figure, Plan

TotalRow = tuple[str, str, date, int, int]                          # indicator, reach, period_end, value, n
CityRow = tuple[str, str, str, date, int]                           # indicator, city_id, country, period_end, n
MoneyRow = tuple[str, str, str, str, str, str, str, date, int]      # kind, currency, fund, window, theme,
#                                                                     country, programme, day, cents
CellRow = tuple[str, str, str, str, str, date, int, int]            # indicator, reach, programme, city, country,
#                                                                     period_end, value, n


@dataclass
class Snapshot:
    """What assembly reads, for one plan. Row lists hold only non-zero rows."""
    totals: list[TotalRow] = field(default_factory=list)
    cities: list[CityRow] = field(default_factory=list)
    money: list[MoneyRow] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)      # under review
    cells: list[CellRow] = field(default_factory=list)
    programmes: dict[str, ProgrammeDim] = field(default_factory=dict)
    city_names: dict[str, tuple[str, str]] = field(default_factory=dict)   # city_id -> (name, country)
    funds: dict[str, dict[str, str]] = field(default_factory=dict)         # fund_id -> {"name", "window", "currency"}
    updated_at: datetime | None = None

    def canonical(self) -> dict[str, list[Any]]:
        """A comparable form (for reconcile and the equivalence tests)."""
        return {"totals": sorted(self.totals), "cities": sorted(self.cities), "money": sorted(self.money),
                "cells": sorted(self.cells),
                "applications": sorted((a.application_id, a.theme, a.country, a.city, a.currency,
                                        a.amount_requested, a.targets) for a in self.applications)}

    def as_of(self, day: date | None) -> Snapshot:
        if day is None:
            return self
        return Snapshot([t for t in self.totals if t[2] <= day], [c for c in self.cities if c[3] <= day],
                        [m for m in self.money if m[7] <= day], self.applications,
                        [c for c in self.cells if c[5] <= day], self.programmes, self.city_names, self.funds,
                        self.updated_at)


def figure_value(plan: Plan, figure: Figure, snap: Snapshot) -> dict[str, int]:
    """{"value": scaled or count, and for sums "direct"/"indirect"}."""
    if figure.measure == "sum":
        direct = sum(v for ind, reach, _d, v, _n in snap.totals if reach == "direct" and plan.matches(figure, ind))
        indirect = sum(v for ind, reach, _d, v, _n in snap.totals
                       if reach != "direct" and plan.matches(figure, ind))
        return {"value": direct + indirect, "direct": direct, "indirect": indirect}
    refs: dict[str, int] = {}
    for ind, city, country, _day, n in snap.cities:
        if plan.matches(figure, ind):
            key = city if figure.measure == "distinct_cities" else country
            refs[key] = refs.get(key, 0) + n
    return {"value": sum(1 for n in refs.values() if n > 0)}


def series(plan: Plan, figure: Figure, snap: Snapshot) -> list[tuple[date, int]]:
    """Cumulative value of a figure after each result period end: [(period_end, value)]."""
    if figure.measure == "sum":
        by_day: dict[date, int] = {}
        for ind, _reach, day, v, _n in snap.totals:
            if plan.matches(figure, ind):
                by_day[day] = by_day.get(day, 0) + v
        out, running = [], 0
        for day in sorted(by_day):
            running += by_day[day]
            out.append((day, running))
        return out
    # distinct: a city/country counts at a period end while its references up to then add up to more
    # than 0 (a cumulative series revised down to 0 later leaves it), as the figure counts as of then
    refs: dict[date, dict[str, int]] = {}
    for ind, city, country, day, n in snap.cities:
        if plan.matches(figure, ind):
            per_day = refs.setdefault(day, {})
            key = city if figure.measure == "distinct_cities" else country
            per_day[key] = per_day.get(key, 0) + n
    points: list[tuple[date, int]] = []
    held: dict[str, int] = {}
    for day in sorted(refs):
        for key, n in refs[day].items():
            held[key] = held.get(key, 0) + n
        count = sum(1 for n in held.values() if n > 0)
        if count != (points[-1][1] if points else 0):   # a point where the count changes
            points.append((day, count))
    return points
