"""Values an indicator allows (baselines, targets and results share them) and its targets:
per period, and per city or part of a disaggregation, validated like values."""
from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from programmes.domain.indicators import Indicator

DEFAULT_SCALE = {"min": 1, "max": 5}
DIMENSIONS = {
    "sex": ("female", "male", "unknown"),
    "age": ("age_0_14", "age_15_24", "age_25_64", "age_65_plus", "unknown"),
    "migrant_status": ("migrant", "non_migrant", "unknown"),
    # who was reached directly and indirectly: decides the reach the value counts under (the
    # indicator's reach counts what is not split); only indicators counted in people have it
    "reach": ("direct", "indirect"),
}


def normal_target(t: dict[str, Any]) -> dict[str, Any]:
    """A loaded TargetIn with every field (absent: the whole programme, the whole value)."""
    return {"period": t["period"], "value": t["value"], "city_id": t.get("city_id"),
            "disaggregation": t.get("disaggregation")}


def indicator_value_errors(indicator: Indicator, prefix: str = "",
                           city_ids: Collection[str] = ()) -> dict[str, list[str]]:
    """Baseline and target values the indicator's measure allows; target periods that do not
    overlap (for the same city and part); targets per city name one of the programme's cities,
    per part a known part, and the parts of a dimension stay within the whole target."""
    errors: dict[str, list[str]] = {}
    if indicator.baseline:
        errors.update(value_errors(f"{prefix}baseline.value", indicator.baseline["value"], indicator))
    slots: dict[tuple[Any, ...], list[int]] = {}
    for i, t in enumerate(indicator.targets):
        path = f"{prefix}targets.{i}"
        errors.update(value_errors(f"{path}.value", t["value"], indicator))
        if t.get("city_id") is not None and t["city_id"] not in city_ids:
            errors[f"{path}.city_id"] = [f"{t['city_id']!r} is not one of the programme's cities"]
        part = t.get("disaggregation")
        if part is not None:
            errors.update(_part_errors(f"{path}.disaggregation", part, indicator))
        key = (t.get("city_id"), part and (part["dimension"], part["category"]))
        for j in slots.get(key, []):
            other = indicator.targets[j]["period"]
            if t["period"]["start"] <= other["end"] and other["start"] <= t["period"]["end"]:
                errors[f"{path}.period"] = [f"overlaps the period of targets.{j}"]
                break
        slots.setdefault(key, []).append(i)
    errors.update(_parts_within_whole(indicator, prefix))
    return errors


def _part_errors(path: str, part: dict[str, str], indicator: Indicator) -> dict[str, list[str]]:
    categories = DIMENSIONS.get(part["dimension"])
    if categories is None:
        return {f"{path}.dimension": [f"one of {', '.join(DIMENSIONS)}"]}
    if part["category"] not in categories:
        return {f"{path}.category": [f"one of {', '.join(categories)} for {part['dimension']}"]}
    if part["dimension"] == "reach" and not indicator.corporate:
        return {f"{path}.dimension": [f"only an indicator counted in people has a reach split; {indicator.code} "
                                      "is not one"]}
    return {}


def _parts_within_whole(indicator: Indicator, prefix: str) -> dict[str, list[str]]:
    """Like a result's parts: the parts of one dimension never add up to more than the whole
    target of the same period and city (counts only; a percentage's parts are of their group)."""
    if indicator.measure != "unit":
        return {}
    whole = {(t.get("city_id"), t["period"]["start"], t["period"]["end"]): t["value"]
             for t in indicator.targets if not t.get("disaggregation")}
    added: dict[tuple[Any, ...], tuple[Decimal, int]] = {}
    errors: dict[str, list[str]] = {}
    for i, t in enumerate(indicator.targets):
        part = t.get("disaggregation")
        slot = (t.get("city_id"), t["period"]["start"], t["period"]["end"])
        if not part or slot not in whole:
            continue
        key = (*slot, part["dimension"])
        total = added.get(key, (Decimal(0), i))[0] + t["value"]
        added[key] = (total, i)
        if total > whole[slot]:
            errors[f"{prefix}targets.{i}.value"] = [f"the {part['dimension']} parts add up to {total}, more than "
                                                    f"the target {whole[slot]} of the same period"]
    return errors


def value_errors(path: str, value: Decimal, indicator: Indicator) -> dict[str, list[str]]:
    if indicator.measure == "percentage" and value > 100:
        return {path: ["a percentage cannot be more than 100"]}
    if indicator.measure == "qualitative":
        scale = indicator.scale or DEFAULT_SCALE
        if value != value.to_integral_value() or not scale["min"] <= value <= scale["max"]:
            return {path: [f"a score is a whole number from {scale['min']} to {scale['max']}"]}
    if indicator.corporate and value != value.to_integral_value():
        return {path: [f"must be a whole number: {indicator.code} counts people"]}
    return {}
