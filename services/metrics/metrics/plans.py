"""The plans the metrics service computes progress for (shared.plan: the shipped 2018-2021
plan, or PLAN_FILES), as domain.Plan objects."""
from metrics.domain import Plan, load_plans
from shared import plan as shared_plan
from shared.errors import NotFound

_cache: dict = {}


def current() -> dict[str, Plan]:
    raw = shared_plan.plans()
    key = id(raw)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_plans(raw)
    return _cache[key]


def resolve(plan_id: str | None) -> Plan:
    """The plan asked for; the first plan by id when none is named."""
    plans = current()
    if plan_id is None:
        return plans[sorted(plans)[0]]
    if plan_id not in plans:
        raise NotFound("plan", plan_id)
    return plans[plan_id]
