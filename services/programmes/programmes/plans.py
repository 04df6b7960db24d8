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
            section = p.get("reporting") or {}
            rules = ReportingRules(grace_days=section.get("grace_days"),
                                   approval_levels=section.get("approval_levels", 1),
                                   first_level_counts=bool(section.get("first_level_counts", False)))
            if rules.approval_levels not in (1, 2) or (rules.grace_days is not None and rules.grace_days < 0):
                raise plan.PlanError(f"{p['id']}: reporting needs approval_levels 1 or 2 and grace_days >= 0")
            return rules
    return ReportingRules()
