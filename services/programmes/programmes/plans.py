"""What the programmes service takes from the strategic plans (shared.plan)."""
from datetime import date

from programmes.domain.periods import ReportingRules
from shared import plan


def instruments_by_window() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in plan.plans().values():
        for window in p["windows"]:
            out.setdefault(window["code"], set()).update(window.get("instruments", []))
    return out


def corporate_titles() -> dict[str, str]:
    return {i["code"]: i["title"] for p in plan.plans().values() for i in p["indicators"]}


def reporting_rules(period_end: date) -> ReportingRules:
    """The `reporting` section of the plan whose period holds `period_end` (the defaults, which
    lock by approval only with one approval level, when no plan does or it has none)."""
    for p in plan.plans().values():
        if date.fromisoformat(p["period"]["start"]) <= period_end <= date.fromisoformat(p["period"]["end"]):
            section = p.get("reporting") or {}   # checked when the plan is loaded (shared.plan)
            return ReportingRules(grace_days=section.get("grace_days"),
                                  approval_levels=section.get("approval_levels", 1),
                                  first_level_counts=section.get("first_level_counts", False),
                                  irregular_periods=section.get("irregular_periods", "period_end"))
    return ReportingRules()


def year_rule(period_end: date) -> str:
    """How a period across calendar years ending on `period_end` counts in years (shared.rollup)."""
    return reporting_rules(period_end).irregular_periods
