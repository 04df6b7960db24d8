"""Progress towards a plan's targets, computed from aggregate figures. Pure."""
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal


def target_met(value: int, target: dict) -> bool:
    if target["comparison"] == "more_than":
        return value > target["value"]
    return value >= target["value"]


def share(value: int, target: dict) -> Decimal:
    """Share of the target achieved, 0..1+, to six places (banker's rounding)."""
    needed = target["value"] + (1 if target["comparison"] == "more_than" else 0)
    return (Decimal(value) / Decimal(needed)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


def progress(plan: dict, figures: dict[str, int], *, as_of: datetime, money: list[dict],
             updated_at: datetime | None) -> dict:
    deadline = date.fromisoformat(plan["objective"]["deadline"])
    targets = []
    for target in plan["objective"]["targets"]:
        value = figures.get(target["code"], 0)
        targets.append({
            "code": target["code"], "title": target["title"], "indicator": target["indicator"],
            "measure": target["measure"], "comparison": target["comparison"], "target": target["value"],
            "value": value, "share": share(value, target), "achieved": target_met(value, target),
        })
    return {
        "plan_id": plan["id"], "objective": plan["objective"]["statement"], "deadline": deadline,
        "as_of": as_of, "days_to_deadline": (deadline - as_of.date()).days,
        "achieved": all(t["achieved"] for t in targets), "targets": targets,
        "money": {"committed": money}, "updated_at": updated_at,
    }
