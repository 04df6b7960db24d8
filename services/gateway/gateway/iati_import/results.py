"""An activity's `result` elements -> the platform's indicators (code, title, measure,
baseline, targets) and approved actuals per period, with their dimensions read back into
disaggregations (docs/iati.md "Import")."""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any, cast

from marshmallow import fields

from gateway.iati.activity import CUMULATIVE, KIND_BY_CODE, ROLLUP, SCALE
from gateway.iati_import.values import decimal, narrative, slug
from shared import rollup
from shared.api.programmes.pieces import DisaggregationsIn

SCALE_FORM = re.compile(r"(\d{1,3})-(\d{1,3})")
# the platform's disaggregations and their categories, as its API takes them ("reach" marks the total)
CATEGORIES = {name: tuple(cast(fields.Nested, field).schema.fields)
              for name, field in DisaggregationsIn().fields.items() if name != "reach"}
REACHES = ("direct", "indirect")
CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")   # an indicator code (shared.api.programmes.pieces)



def read_results(activity: Any, warnings: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Indicator specs (IndicatorIn) and their actuals as results (ResultCreate without a city)."""
    indicators: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for element in activity.iterfind("result/indicator"):
        title = narrative(element.find("title")) or "indicator"
        code = next((r.get("code") for r in element.findall("reference") if r.get("vocabulary") == "99"
                     and r.get("code")), None) or slug(title)
        if not CODE.fullmatch(code):
            code = slug(code)
        base, n = code, 2
        while any(i["code"] == code for i in indicators):
            code, n = f"{base}_{n}", n + 1
        spec: dict[str, Any] = {"code": code, "title": title[:500],
                                "ascending": element.get("ascending", "1") in ("1", "true"), "targets": [],
                                **_semantics(element, code, warnings)}
        baseline = element.find("baseline")
        if baseline is not None and decimal(baseline.get("value")) is not None:
            year = baseline.get("year") or (baseline.get("iso-date") or "")[:4]
            if year.isdigit():
                spec["baseline"] = {"value": baseline.get("value"), "year": int(year)}
        for period in element.findall("period"):
            span = {"start": period.find("period-start").get("iso-date"),
                    "end": period.find("period-end").get("iso-date")}
            # the whole target (no location, no dimension) when given; else the parts summed
            found = period.findall("target")
            whole = [t for t in found if t.find("location") is None and t.find("dimension") is None]
            targets = [decimal(t.get("value")) for t in whole or found]
            if any(t is not None for t in targets):
                total = sum((t for t in targets if t is not None), Decimal(0))
                spec["targets"].append({"period": span, "value": str(total)})
            result = _actual(period, code, warnings)
            if result is not None:
                if "reach" in result:
                    spec["reach"] = result.pop("reach")
                results.append({"indicator": code, "period": span, **result})
        indicators.append(spec)
    return indicators, results


def _semantics(element: Any, code: str, warnings: list[str]) -> dict[str, Any]:
    """measure (1 unit, 2 percentage, 5 qualitative), reporting and rule: the platform's own
    attributes when given, else `aggregation-status` 0 (values that do not add up) read as
    `latest`; a score's scale from `platform:scale`, else 1 to 5."""
    measure = element.get("measure") or "1"
    kind = KIND_BY_CODE.get(measure, "unit")
    if measure not in KIND_BY_CODE:
        warnings.append(f"indicator {code}: measure {measure} is kept as a unit count")
    reporting = "cumulative" if element.get(CUMULATIVE) in ("1", "true") else "per_period"
    status = element.get("aggregation-status") or element.getparent().get("aggregation-status")
    rule = element.get(ROLLUP) or ("latest" if status in ("0", "false") and kind != "qualitative" else None)
    if rule is not None and element.get(ROLLUP) is None:
        warnings.append(f"indicator {code}: not suitable for aggregation, so it rolls up by latest, never summed")
    for name, problems in (("rollup", rollup.rule_errors(kind, "per_period", rule)),
                           ("reporting", rollup.rule_errors(kind, reporting, None))):
        for message in problems.get(name, ()):
            warnings.append(f"indicator {code}: {message}: ignored")
            rule, reporting = (None, reporting) if name == "rollup" else (rule, "per_period")
    spec: dict[str, Any] = {"measure": kind, "reporting": reporting}
    if rule is not None:
        spec["rollup"] = rule
    scale = SCALE_FORM.fullmatch(element.get(SCALE) or "")
    if kind == "qualitative" and scale:
        spec["scale"] = {"min": int(scale[1]), "max": int(scale[2])}
    return spec


def _actual(period: Any, code: str, warnings: list[str]) -> dict[str, Any] | None:
    """A period's actuals: the total is the actual without a dimension (summed when several);
    an actual with one dimension of the platform's is a part (one per category, docs/iati.md).
    An actual with the dimension `reach` only is a part of the reach split when the period has
    a total without a dimension, and otherwise the total itself, marked with its reach (how the
    export writes a value without a split). Other disaggregated actuals are dropped, unless the
    period has no total: then their sum is the total (a warning either way)."""
    total: Decimal | None = None
    reach: str | None = None
    reach_only: list[tuple[str, Decimal]] = []
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    other: list[Decimal] = []
    for actual in period.findall("actual"):
        value = decimal(actual.get("value"))
        if value is None:
            continue
        dims = [(d.get("name"), d.get("value")) for d in actual.findall("dimension")]
        if len(dims) == 1 and dims[0][1] in CATEGORIES.get(dims[0][0] or "", ()):
            parts[dims[0][0]][dims[0][1]] = str(value)
        elif len(dims) == 1 and dims[0][0] == "reach" and dims[0][1] in REACHES:
            reach_only.append((dims[0][1], value))
        elif dims:
            other.append(value)
            warnings.append(f"indicator {code}: actual dimensions {', '.join(f'{n}={v}' for n, v in dims)} "
                            "are not the platform's disaggregations")
        else:
            total = (total or Decimal(0)) + value
    if total is not None:
        for category, value in reach_only:
            parts["reach"][category] = str(Decimal(parts["reach"].get(category, "0")) + value)
    elif reach_only:
        total = sum((value for _, value in reach_only), Decimal(0))
        if len({category for category, _ in reach_only}) == 1:
            reach = reach_only[0][0]
        else:  # direct and indirect without a total: they are the split of their sum
            for category, value in reach_only:
                parts["reach"][category] = str(Decimal(parts["reach"].get(category, "0")) + value)
    if total is None and other:
        total = sum(other, Decimal(0))
        warnings.append(f"indicator {code}: a period without an undisaggregated actual; the sum of its other "
                        "actuals is kept as the total")
    if total is None:
        return None
    out: dict[str, Any] = {"value": str(total), "disaggregations": dict(parts)}
    if reach is not None:
        out["reach"] = reach
    return out
