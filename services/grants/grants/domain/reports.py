"""A grant's reports and tranches: what falls due and what is released when."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from grants.domain.common import Lifecycle, money

REPORT_LIFECYCLE: Lifecycle = {
    "due": {"submit": "submitted"},
    "submitted": {"approve": "approved", "request_changes": "due"},
    "approved": {},
}
TRANCHE_LIFECYCLE: Lifecycle = {
    "planned": {"disburse": "planned|disbursed", "cancel": "cancelled"},
    "disbursed": {},
    "cancelled": {},
}


@dataclass
class Tranche:
    id: str
    grant_id: str
    number: int
    amount: Decimal
    planned_date: date | None
    condition: str                 # "none" | "report_approved"
    condition_report_id: str | None
    disbursed: Decimal
    status: str
    disbursed_at: datetime | None = None

    @property
    def remaining(self) -> Decimal:
        return money(self.amount - self.disbursed)

    def summary(self) -> dict[str, Any]:
        """As `grant.committed` lists it."""
        return {"tranche_id": self.id, "number": self.number, "amount": self.amount,
                "planned_date": self.planned_date, "condition": self.condition,
                "condition_report_id": self.condition_report_id}


@dataclass
class Report:
    id: str
    grant_id: str
    number: int
    title: str
    due_date: date
    final: bool
    status: str
    summary: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)
    feedback: str = ""
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    due_notified_at: datetime | None = None
    overdue_at: datetime | None = None

    def is_overdue(self, today: date) -> bool:
        return self.status == "due" and today > self.due_date

    def obligation(self) -> dict[str, Any]:
        """As `grant.committed` lists it."""
        return {"report_id": self.id, "title": self.title, "due_date": self.due_date, "final": self.final}

    def context(self) -> dict[str, Any]:
        """What every report event says of the report (after the grant's context)."""
        return {"report_id": self.id, "title": self.title, "final": self.final, "due_date": self.due_date}
