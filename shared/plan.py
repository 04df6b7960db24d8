"""Strategic plans as data. The 2018-2021 plan ships in shared/reference_data/plans;
PLAN_FILES (a list of paths, os.pathsep-separated) loads others instead."""
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from shared.rollup import YEAR_RULES

PLANS_DIR = Path(__file__).parent / "reference_data" / "plans"
REQUIRED = ("id", "title", "period", "objective", "themes", "windows", "indicators")


# A plan as its YAML file writes it: id, title, period, objective, themes, windows, indicators.
Plan = dict[str, Any]


class PlanError(ValueError):
    pass


def load_plan(path: str | os.PathLike[str]) -> Plan:
    with open(path, encoding="utf-8") as fh:
        plan = yaml.safe_load(fh)
    missing = [key for key in REQUIRED if key not in (plan or {})]
    if missing:
        raise PlanError(f"{path}: missing {', '.join(missing)}")
    if not isinstance(plan, dict):
        raise PlanError(f"{path}: a plan is a mapping")
    indicator_codes = {i["code"] for i in plan["indicators"]}
    for target in plan["objective"]["targets"]:
        if not isinstance(target.get("value"), int) or target["value"] <= 0:
            raise PlanError(f"{path}: target {target.get('code')} needs a positive whole value")
        if target["indicator"] != "*" and target["indicator"] not in indicator_codes:
            raise PlanError(f"{path}: target {target['code']} counts unknown indicator {target['indicator']}")
    _check_reporting(path, plan.get("reporting") or {})
    return plan


def _check_reporting(path: str | os.PathLike[str], reporting: dict[str, Any]) -> None:
    """The plan's reporting rules (docs/programmes.md: "Periods and locks", "Approval levels", and
    "Indicators" for irregular periods)."""
    grace = reporting.get("grace_days")
    if grace is not None and (not isinstance(grace, int) or isinstance(grace, bool) or grace < 0):
        raise PlanError(f"{path}: reporting.grace_days must be a whole number of days >= 0")
    if reporting.get("approval_levels", 1) not in (1, 2):
        raise PlanError(f"{path}: reporting.approval_levels must be 1 or 2")
    if not isinstance(reporting.get("first_level_counts", False), bool):
        raise PlanError(f"{path}: reporting.first_level_counts must be true or false")
    if reporting.get("irregular_periods", "period_end") not in YEAR_RULES:
        raise PlanError(f"{path}: reporting.irregular_periods must be one of {', '.join(YEAR_RULES)}, "
                        f"not {reporting['irregular_periods']!r}")


def plan_files() -> list[Path]:
    raw = os.environ.get("PLAN_FILES")
    if raw:
        return [Path(p) for p in raw.split(os.pathsep) if p]
    return list(_shipped(PLANS_DIR))


@lru_cache(maxsize=None)
def _shipped(directory: Path) -> tuple[Path, ...]:
    """The shipped plans, listed once: the directory is part of the installed code, and metrics
    asks for its plans on every event (a glob per event was ~2% of its CPU: bench, third round)."""
    return tuple(sorted(directory.glob("*.yaml")))


@lru_cache(maxsize=None)
def _load_all(files: tuple[Path, ...]) -> dict[str, Plan]:
    plans: dict[str, Plan] = {}
    for path in files:
        plan = load_plan(path)
        plans[plan["id"]] = plan
    return plans


def plans() -> dict[str, Plan]:
    return _load_all(tuple(plan_files()))


def theme_codes() -> set[str]:
    return {t["code"] for p in plans().values() for t in p["themes"]}


def window_codes() -> set[str]:
    return {w["code"] for p in plans().values() for w in p["windows"]}


def indicator_codes() -> set[str]:
    return {i["code"] for p in plans().values() for i in p["indicators"]}
