"""What the programmes service takes from the strategic plans (shared.plan)."""
from shared import plan


def instruments_by_window() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in plan.plans().values():
        for window in p["windows"]:
            out.setdefault(window["code"], set()).update(window.get("instruments", []))
    return out


def corporate_titles() -> dict[str, str]:
    return {i["code"]: i["title"] for p in plan.plans().values() for i in p["indicators"]}
