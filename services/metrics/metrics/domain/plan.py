"""The plan as data: its period, indicators and figures (targets plus the sums and distinct
counts every plan reports), and which facts count for it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from metrics.domain.facts import ResultFact
from metrics.domain.numbers import as_date


@dataclass(frozen=True)
class Figure:
    code: str
    title: str
    indicator: str        # an indicator code, or "*" for every indicator of the plan
    measure: str          # sum | distinct_cities | distinct_countries
    target: dict[str, Any] | None = None

    @property
    def needed(self) -> int | None:
        """The smallest value that meets the target (more than 60: 61)."""
        if self.target is None:
            return None
        return int(self.target["value"]) + (1 if self.target["comparison"] == "more_than" else 0)


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    statement: str
    start: date
    end: date
    deadline: date
    indicators: tuple[str, ...]
    figures: tuple[Figure, ...]
    themes: dict[str, str]
    windows: dict[str, str]
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_dict(cls, plan: dict[str, Any]) -> Plan:
        indicators = tuple(i["code"] for i in plan["indicators"])
        titles = {i["code"]: i["title"] for i in plan["indicators"]}
        figures = [Figure(t["code"], t["title"], t["indicator"], t["measure"],
                          {"value": t["value"], "comparison": t["comparison"]})
                   for t in plan["objective"]["targets"]]
        have: set[tuple[str, str | None]] = {(f.indicator, f.measure) for f in figures}
        have |= {(f.code, None) for f in figures}
        for code in indicators:
            if (code, "sum") not in have and (code, None) not in have:
                figures.append(Figure(code, titles[code], code, "sum"))
        if ("*", "distinct_cities") not in have and ("cities_reached", None) not in have:
            figures.append(Figure("cities_reached", "Cities reached", "*", "distinct_cities"))
        if ("*", "distinct_countries") not in have and ("countries_reached", None) not in have:
            figures.append(Figure("countries_reached", "Countries reached", "*", "distinct_countries"))
        return cls(plan["id"], plan["title"], plan["objective"]["statement"], as_date(plan["period"]["start"]),
                   as_date(plan["period"]["end"]), as_date(plan["objective"]["deadline"]), indicators,
                   tuple(figures), {t["code"]: t["title"] for t in plan["themes"]},
                   {w["code"]: w["title"] for w in plan["windows"]}, plan)

    @property
    def definition_hash(self) -> str:
        """What the aggregates of this plan depend on; a change means they must be rebuilt."""
        basis = {"indicators": sorted(self.indicators), "start": self.start.isoformat(),
                 "end": self.end.isoformat(), "rules": 2}
        return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:32]

    def counts(self, fact: ResultFact | None) -> bool:
        """Only approved values of the plan's corporate indicators (counts that roll up by sum),
        for periods ending within the plan's period, count."""
        return (fact is not None and fact.version >= 1 and fact.corporate and fact.measure == "unit"
                and fact.rollup == "sum" and fact.indicator in self.indicators
                and self.start <= fact.period_end <= self.end)

    def matches(self, figure: Figure, indicator: str) -> bool:
        return indicator in self.indicators if figure.indicator == "*" else indicator == figure.indicator

    def in_period(self, day: date) -> bool:
        return self.start <= day <= self.end


def load_plans(plans: dict[str, dict[str, Any]]) -> dict[str, Plan]:
    return {pid: Plan.from_dict(p) for pid, p in sorted(plans.items())}
