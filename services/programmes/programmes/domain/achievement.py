"""Achievement per city and per disaggregation part: the targets of one city, one part, or one
part in one city against the actuals of the same scope, rolled up by the indicator's rule exactly
as the whole (shared.rollup), over the span and per calendar year.

A part's actual is the part of the scope's rolled-up figure, so the parts shown here always
equal the totals' `disaggregations`. Only counts (`unit`) carry parts: a percentage's parts are
percentages of their group and a score's are scores, reported without numerators and
denominators, so adding them would be an average in disguise. Their part targets are listed
with no actual and the reason (`not_aggregated`), never a made-up figure."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared import rollup
from shared.rollup import Figure, Observation, Semantics

if TYPE_CHECKING:
    from programmes.domain.indicators import Indicator

PERCENT = Decimal("0.01")
Scope = tuple[str | None, tuple[str, str] | None]     # city id, (dimension, category)
YearRule = Callable[[date], str]                      # period end -> shared.rollup.YEAR_RULES
NOT_AGGREGATED = {
    "percentage": "a percentage's parts are percentages of their group, reported without numerators and "
                  "denominators: they cannot be added up honestly",
    "qualitative": "a score's parts are scores: they are never added up",
}


def shown(figure: Figure, sem: Semantics) -> Decimal | None:
    """A figure's value as the API shows it (a percentage to 0.01)."""
    value = figure.value(sem)
    if value is not None and sem.kind == "percentage":
        return value.quantize(PERCENT)
    return value


def scope_of(target: dict[str, Any]) -> Scope:
    part = target.get("disaggregation")
    return target.get("city_id"), (part["dimension"], part["category"]) if part else None


def targets_of(indicators: list[Indicator], scope: Scope, year_rule: YearRule) -> list[Observation]:
    """Targets of exactly this scope as observations, one series per programme, counting in years
    by the same rule as values (`year_rule`: period end -> shared.rollup.YEAR_RULES)."""
    return [Observation((i.programme_id, "*"), t["period"]["end"], t["value"], start=t["period"]["start"],
                        year_rule=year_rule(t["period"]["end"])) for i in indicators
            for t in i.targets if scope_of(t) == scope]


def _actual(figure: Figure, sem: Semantics, part: tuple[str, str] | None) -> Decimal | None:
    if part is None:
        return shown(figure, sem)
    if figure.end is None or sem.kind != "unit":
        return None
    return figure.parts.get(part, Decimal(0))      # a part nobody reported counts nothing


def by_scope(programme_id: str, children: list[str], defs: dict[str, Indicator], observations: list[Observation],
             sem: Semantics, year_rule: YearRule) -> list[dict[str, Any]]:
    """One entry per city / part scope that has targets: the programme's own targets of that
    scope, or if it has none its children's (as for whole targets), against the family's actuals
    of that city and part. `defs`: {programme id: its definition of the indicator}."""
    own = [defs[programme_id]] if programme_id in defs else []
    kids = [defs[c] for c in children if c in defs]
    scopes = {scope_of(t) for i in own + kids for t in i.targets} - {(None, None)}
    out = []
    for city, part in sorted(scopes, key=lambda s: (s[0] or "", s[1] or ("", ""))):
        targets = targets_of(own, (city, part), year_rule) or targets_of(kids, (city, part), year_rule)
        kept = [o for o in observations if city is None or o.series[1] == city]
        total, target = _actual(rollup.total(kept, sem), sem, part), shown(rollup.total(targets, sem), sem)
        years = []
        for year in rollup.years(kept + targets):
            value = _actual(rollup.in_year(kept, sem, year), sem, part)
            aim = shown(rollup.in_year(targets, sem, year), sem)
            years.append({"year": year, "value": value, "target": aim, "achievement": rollup.achievement(value, aim)})
        out.append({"city_id": city, "dimension": part and part[0], "category": part and part[1], "total": total,
                    "target": target, "achievement": rollup.achievement(total, target), "years": years,
                    "not_aggregated": NOT_AGGREGATED.get(sem.kind) if part else None})
    return out


def unaggregated_parts(observations: list[Observation], sem: Semantics) -> list[str]:
    """`dimension.category` of parts reported but not carried into totals (not counts)."""
    if sem.kind == "unit":
        return []
    return sorted({f"{d}.{c}" for o in observations for d, c in o.parts})
