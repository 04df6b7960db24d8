"""Indicators of a programme's results framework: the plan's corporate indicators (counted
in people) or the programme's own, with a baseline and targets per period."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.aggregate import EventsMixin
from shared.errors import InvalidInput
from shared.events.contracts.programmes import MEASURES

MEASURE_CODES = MEASURES
# What a client may change of an indicator (IndicatorUpdate): not its code, corporate or measure.
CHANGEABLE = ("title", "reach", "ascending", "sdg_indicator", "baseline", "targets")


@dataclass
class Indicator(EventsMixin):
    programme_id: str
    code: str
    title: str
    corporate: bool
    measure: str = "unit"
    reach: str = "direct"
    ascending: bool = True
    sdg_indicator: str | None = None
    baseline: dict[str, Any] | None = None   # {"value": Decimal, "year": int}
    targets: list[dict[str, Any]] = field(default_factory=list)  # [{"period": {"start", "end"}, "value": Decimal}]
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def as_contract(self) -> dict[str, Any]:
        """The contract's IndicatorSchema fields."""
        return {"code": self.code, "title": self.title, "corporate": self.corporate, "measure": self.measure,
                "reach": self.reach, "ascending": self.ascending, "sdg_indicator": self.sdg_indicator,
                "baseline": copy.deepcopy(self.baseline), "targets": copy.deepcopy(self.targets)}

    def summary(self) -> dict[str, Any]:
        """The contract's ResultIndicatorSchema fields."""
        return {"code": self.code, "title": self.title, "corporate": self.corporate, "measure": self.measure,
                "reach": self.reach, "ascending": self.ascending}

    @property
    def measure_code(self) -> str:
        return MEASURE_CODES[self.measure]

    def defined(self, programme_ref: dict[str, Any], *, previous: dict[str, Any] | None, at: datetime) -> None:
        """Record `indicator.defined` (`programme_ref`: Programme.ref() of its programme)."""
        self.record("indicator.defined", {**programme_ref, "indicator": self.as_contract(), "previous": previous,
                                          "defined_at": at})

    def change(self, changes: dict[str, Any], programme_ref: dict[str, Any], *, now: datetime) -> bool:
        """Apply a loaded IndicatorUpdate; records `indicator.defined` with the definition before.
        False when nothing changed."""
        previous = self.as_contract()
        for name, value in changes.items():
            if name not in CHANGEABLE:
                raise InvalidInput({name: ["cannot be changed"]})
            setattr(self, name, value.strip() if name == "title" else value)
        errors = indicator_value_errors(self)
        if errors:
            raise InvalidInput(errors)
        if self.as_contract() == previous:
            return False
        self.updated_at = now
        self.defined(programme_ref, previous=previous, at=now)
        return True


def define_indicator(programme_id: str, spec: dict[str, Any], *, corporate_titles: dict[str, str], now: datetime,
                     prefix: str = "") -> Indicator:
    """An indicator from a loaded IndicatorIn. `corporate_titles`: the plans' indicator codes and titles."""
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
                          targets=list(spec.get("targets") or []), created_at=now, updated_at=now)
    errors.update(indicator_value_errors(indicator, prefix))
    if errors:
        raise InvalidInput(errors)
    return indicator


def indicator_value_errors(indicator: Indicator, prefix: str = "") -> dict[str, list[str]]:
    """Baseline and target values the indicator's measure allows; target periods that do not overlap."""
    errors: dict[str, list[str]] = {}
    values: list[tuple[str, Decimal]] = []
    if indicator.baseline:
        values.append((f"{prefix}baseline.value", indicator.baseline["value"]))
    values += [(f"{prefix}targets.{i}.value", t["value"]) for i, t in enumerate(indicator.targets)]
    for path, value in values:
        errors.update(value_errors(path, value, indicator))
    periods = [(t["period"]["start"], t["period"]["end"]) for t in indicator.targets]
    for i, period in enumerate(periods):
        for j, other in enumerate(periods[:i]):
            if period[0] <= other[1] and other[0] <= period[1]:
                errors[f"{prefix}targets.{i}.period"] = [f"overlaps the period of targets.{j}"]
                break
    return errors


def value_errors(path: str, value: Decimal, indicator: Indicator) -> dict[str, list[str]]:
    if indicator.measure == "percentage" and value > 100:
        return {path: ["a percentage cannot be more than 100"]}
    if indicator.corporate and value != value.to_integral_value():
        return {path: [f"must be a whole number: {indicator.code} counts people"]}
    return {}
