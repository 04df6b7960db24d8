"""An award: the grant's tranches and report obligations built from the determination and
checked (tranches add up to the award, exactly one final report, nothing due in the past)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from grants.domain.common import DEFAULT_FINAL_REPORT_AFTER_DAYS, Errors, fmt, money, new_id
from grants.domain.reports import Report, Tranche
from shared.errors import InvalidInput


def award_plan(grant_id: str, amount: Decimal, currency: str, today: date, *, tranches: list[dict[str, Any]] | None,
               reports: list[dict[str, Any]] | None) -> tuple[list[Tranche], list[Report]]:
    """(tranches, reports) of a new grant of `amount`; InvalidInput naming every problem."""
    report_items = reports or [{"title": "Final report", "final": True,
                                "due_date": today + timedelta(days=DEFAULT_FINAL_REPORT_AFTER_DAYS)}]
    errors: Errors = {}
    if sum(1 for r in report_items if r["final"]) != 1:
        errors["reports"] = ["exactly one report must be the final report"]
    for i, r in enumerate(report_items):
        if r["due_date"] < today:
            errors[f"reports.{i}.due_date"] = ["must not be in the past"]
    report_objs = [Report(id=new_id(), grant_id=grant_id, number=i + 1, title=r["title"].strip(),
                          due_date=r["due_date"], final=r["final"], status="due")
                   for i, r in enumerate(report_items)]
    tranche_items = tranches or [{"amount": {"amount": amount, "currency": currency}, "condition": "none"}]
    tranche_objs = []
    for i, t in enumerate(tranche_items):
        if t["amount"]["currency"] != currency:
            errors[f"tranches.{i}.amount.currency"] = [f"must be the fund's currency {currency}"]
        report_ref = t.get("report")
        condition_report_id = None
        if t.get("condition", "none") == "report_approved":
            if report_ref is None or not 1 <= report_ref <= len(report_objs):
                errors[f"tranches.{i}.report"] = [
                    f"name the report (1-{len(report_objs)}) whose approval releases this tranche"]
            else:
                condition_report_id = report_objs[report_ref - 1].id
        elif report_ref is not None:
            errors[f"tranches.{i}.report"] = ["only a report_approved tranche names a report"]
        tranche_objs.append(Tranche(id=new_id(), grant_id=grant_id, number=i + 1,
                                    amount=money(t["amount"]["amount"]), planned_date=t.get("planned_date"),
                                    condition=t.get("condition", "none"),
                                    condition_report_id=condition_report_id, disbursed=Decimal("0.00"),
                                    status="planned"))
    total = money(sum((t.amount for t in tranche_objs), Decimal(0)))
    if "tranches" not in errors and total != amount:
        errors["tranches"] = [f"the tranches add up to {fmt(total, currency)}, "
                              f"not the award of {fmt(amount, currency)}"]
    if errors:
        raise InvalidInput(errors)
    return tranche_objs, report_objs
