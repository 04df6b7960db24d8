"""Programme totals: the approved values of a programme and its children rolled up per indicator
by the indicator's rule (shared.rollup), over the whole span and per calendar year, with the
targets beside them and how far they are achieved (above 100 % when over-achieved), whole and per
city and part (domain.achievement). A period across calendar years counts in the years by the
rule of the plan holding its end (`year_rule`, shared.rollup.YEAR_RULES); each such period is
listed with its rule (`irregular_periods`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from programmes.domain.achievement import YearRule, by_scope, shown, targets_of, unaggregated_parts
from programmes.domain.indicators import Indicator
from shared import rollup
from shared.rollup import Figure, Observation, Semantics


@dataclass(frozen=True)
class Approved:
    """The approved version of one result."""
    programme_id: str
    indicator: str
    city_id: str
    period_end: date
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    disaggregations: dict[str, dict[str, Decimal]] | None = None
    period_start: date | None = None

    def observation(self, year_rule: YearRule) -> Observation:
        parts = {(d, c): v for d, cats in (self.disaggregations or {}).items() for c, v in cats.items()}
        return Observation((self.programme_id, self.city_id), self.period_end, self.value, self.numerator,
                           self.denominator, parts, self.period_start, year_rule(self.period_end))


def roll_up(programme_id: str, children: list[str], approved: list[Approved],
            indicators: dict[tuple[str, str], Indicator],
            year_rule: YearRule = lambda end: "period_end") -> list[dict[str, Any]]:
    """Totals per indicator of a programme and its children, each result once. `indicators`:
    {(programme_id, code): Indicator} of the family; the programme's own definition decides the
    rule, else a child's. The target is the programme's own whole targets, or if it has none its
    children's rolled up by the same rule. `year_rule`: a period end -> how a period across
    years ending then counts in years (its plan's `reporting.irregular_periods`)."""
    out = []
    for code in sorted({a.indicator for a in approved}):
        defs = {owner: ind for (owner, c), ind in indicators.items() if c == code}
        main = defs.get(programme_id) or next((defs[c] for c in children if c in defs), None)
        sem = main.semantics if main else Semantics.of("unit")
        obs = [a.observation(year_rule) for a in approved if a.indicator == code]
        own = rollup.total([o for o in obs if o.series[0] == programme_id], sem)
        kids = rollup.total([o for o in obs if o.series[0] != programme_id], sem)
        whole = rollup.combine([own, kids], sem)
        whole_scope = (None, None)
        targets = (targets_of([defs[programme_id]], whole_scope, year_rule) if programme_id in defs else []
                   ) or targets_of([defs[c] for c in children if c in defs], whole_scope, year_rule)
        target = shown(rollup.total(targets, sem), sem)
        total = shown(whole, sem)
        years = []
        for year in rollup.years(obs + targets):
            value, aim = (shown(rollup.in_year(x, sem, year), sem) for x in (obs, targets))
            years.append({"year": year, "value": value, "target": aim, "achievement": rollup.achievement(value, aim)})
        ratio = sem.kind == "percentage" and sem.rollup == "sum"
        out.append({
            "indicator": code, "corporate": main.corporate if main else False, "measure": sem.kind,
            "reporting": sem.reporting, "rollup": sem.rollup, "own": shown(own, sem) or Decimal(0),
            "children": shown(kids, sem) or Decimal(0), "total": total, "results": len(obs),
            "numerator": whole.amount if ratio else None, "denominator": whole.denominator if ratio else None,
            "target": target, "achievement": rollup.achievement(total, target), "years": years,
            "disaggregations": _parts(whole), "parts_not_aggregated": unaggregated_parts(obs, sem),
            "irregular_periods": _irregular(obs + targets),
            "by_scope": by_scope(programme_id, children, defs, obs, sem, year_rule)})
    return out


def _irregular(observations: list[Observation]) -> list[dict[str, Any]]:
    """Each period across calendar years (results' and targets') with the rule it counted by."""
    periods = {(o.start, o.end, o.year_rule) for o in observations if o.irregular()}
    return [{"period": {"start": start, "end": end}, "year_rule": rule} for start, end, rule in sorted(periods)]


def _parts(figure: Figure) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for (dimension, category), value in sorted(figure.parts.items()):
        out.setdefault(dimension, {})[category] = value
    return out
