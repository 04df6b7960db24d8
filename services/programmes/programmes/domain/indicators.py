"""Indicators of a programme's results framework: the plan's corporate indicators (counted
in people) or the programme's own, with a baseline and targets per period (and per city or
part of a disaggregation). What a value means and how values roll up (kind, reporting,
rule) is shared.rollup's."""
from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from programmes.domain.targets import DEFAULT_SCALE, DIMENSIONS, indicator_value_errors, normal_target, value_errors
from shared import rollup as rules
from shared.aggregate import EventsMixin
from shared.errors import InvalidInput
from shared.events.contracts.programmes import KIND_CODES

MEASURE_CODES = KIND_CODES
# What a client may change of an indicator (IndicatorUpdate): not its code, corporate, measure,
# reporting or rule (values already reported mean what they meant).
CHANGEABLE = ("title", "reach", "ascending", "sdg_indicator", "baseline", "targets", "scale")


@dataclass
class Indicator(EventsMixin):
    programme_id: str
    code: str
    title: str
    corporate: bool
    measure: str = "unit"          # unit | percentage | qualitative (shared.rollup.KINDS)
    reach: str = "direct"
    ascending: bool = True
    sdg_indicator: str | None = None
    baseline: dict[str, Any] | None = None   # {"value": Decimal, "year": int}
    # [{"period": {"start", "end"}, "value": Decimal, "city_id": str | None,
    #   "disaggregation": {"dimension", "category"} | None}]
    targets: list[dict[str, Any]] = field(default_factory=list)
    reporting: str = "per_period"
    rollup: str = "sum"
    scale: dict[str, int] | None = None   # qualitative: {"min", "max"} of the score
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def as_contract(self) -> dict[str, Any]:
        """The contract's IndicatorSchema fields."""
        return {**self.summary(), "sdg_indicator": self.sdg_indicator, "baseline": copy.deepcopy(self.baseline),
                "targets": copy.deepcopy(self.targets), "scale": copy.deepcopy(self.scale)}

    def summary(self) -> dict[str, Any]:
        """The contract's ResultIndicatorSchema fields. v1 events' `measure` knows unit and
        percentage only: a qualitative indicator's says unit (a score is a number) and `kind`
        says qualitative."""
        return {"code": self.code, "title": self.title, "corporate": self.corporate,
                "measure": "unit" if self.measure == "qualitative" else self.measure, "kind": self.measure,
                "reach": self.reach, "ascending": self.ascending, "reporting": self.reporting,
                "rollup": self.rollup}

    @property
    def semantics(self) -> rules.Semantics:
        return rules.Semantics(self.measure, self.reporting, self.rollup)

    @property
    def measure_code(self) -> str:
        return MEASURE_CODES[self.measure]

    def defined(self, programme_ref: dict[str, Any], *, previous: dict[str, Any] | None, at: datetime) -> None:
        """Record `indicator.defined` (`programme_ref`: Programme.ref() of its programme)."""
        self.record("indicator.defined", {**programme_ref, "indicator": self.as_contract(), "previous": previous,
                                          "defined_at": at})

    def change(self, changes: dict[str, Any], programme_ref: dict[str, Any], *, now: datetime,
               city_ids: Collection[str] = ()) -> bool:
        """Apply a loaded IndicatorUpdate; records `indicator.defined` with the definition before.
        False when nothing changed."""
        previous = self.as_contract()
        for name, value in changes.items():
            if name not in CHANGEABLE:
                raise InvalidInput({name: ["cannot be changed"]})
            if name == "targets":
                value = [normal_target(t) for t in value]
            setattr(self, name, value.strip() if name == "title" else value)
        errors = indicator_value_errors(self, city_ids=city_ids)
        if self.scale and self.measure != "qualitative":
            errors["scale"] = ["only a qualitative indicator has a scale"]
        if errors:
            raise InvalidInput(errors)
        if self.as_contract() == previous:
            return False
        self.updated_at = now
        self.defined(programme_ref, previous=previous, at=now)
        return True


def define_indicator(programme_id: str, spec: dict[str, Any], *, corporate_titles: dict[str, str], now: datetime,
                     prefix: str = "", city_ids: Collection[str] = ()) -> Indicator:
    """An indicator from a loaded IndicatorIn. `corporate_titles`: the plans' indicator codes and
    titles; `city_ids`: the programme's cities (targets per city name one of them)."""
    corporate = spec["code"] in corporate_titles
    errors: dict[str, list[str]] = {}
    title = spec.get("title")
    if title is None:
        if corporate:
            title = corporate_titles[spec["code"]]
        else:
            errors[f"{prefix}title"] = ["required for the programme's own indicators"]
    if corporate and spec.get("measure", "unit") != "unit":
        errors[f"{prefix}measure"] = [f"{spec['code']} is a corporate indicator counted in people: measure "
                                      "must be unit"]
    indicator = Indicator(programme_id=programme_id, code=spec["code"], title=(title or "").strip(),
                          corporate=corporate, measure=spec.get("measure", "unit"),
                          reach=spec.get("reach", "direct"), ascending=spec.get("ascending", True),
                          sdg_indicator=spec.get("sdg_indicator"), baseline=spec.get("baseline"),
                          targets=[normal_target(t) for t in spec.get("targets") or []],
                          reporting=spec.get("reporting") or "per_period",
                          rollup=spec.get("rollup") or rules.DEFAULT_RULE.get(spec.get("measure", "unit"), "sum"),
                          scale=spec.get("scale") or (dict(DEFAULT_SCALE) if spec.get("measure") == "qualitative"
                                                      else None),
                          created_at=now, updated_at=now)
    errors.update(rules.rule_errors(indicator.measure, indicator.reporting, indicator.rollup, prefix))
    if corporate and indicator.rollup != "sum":
        errors[f"{prefix}rollup"] = [f"{spec['code']} counts people towards the plan's objective: it rolls up by sum"]
    if indicator.scale and indicator.measure != "qualitative":
        errors[f"{prefix}scale"] = ["only a qualitative indicator has a scale"]
    errors.update(indicator_value_errors(indicator, prefix, city_ids=city_ids))
    if errors:
        raise InvalidInput(errors)
    return indicator


__all__ = ["CHANGEABLE", "DEFAULT_SCALE", "DIMENSIONS", "MEASURE_CODES", "Indicator", "define_indicator",
           "indicator_value_errors", "value_errors"]
