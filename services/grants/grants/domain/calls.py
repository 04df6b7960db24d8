"""Calls for proposals: open under a fund with an envelope, questions and review criteria;
awards commit money against the envelope; a call closes by hand or at its deadline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from grants.domain.common import (
    Errors,
    Lifecycle,
    Payload,
    check_ceiling,
    check_transition,
    duplicates,
    fmt,
    money,
    new_id,
)
from grants.domain.funds import Fund
from shared.aggregate import EventsMixin
from shared.errors import Conflict, InvalidInput

CALL_LIFECYCLE: Lifecycle = {
    "open": {"submit_application": "open", "close": "closed"},
    "closed": {},
}


@dataclass
class Call(EventsMixin):
    id: str
    fund_id: str
    window: str
    title: str
    themes: list[str]
    opens_at: datetime
    closes_at: datetime
    envelope: Decimal
    currency: str
    questions: list[dict[str, Any]]       # {code, text, required}
    criteria: list[dict[str, Any]]        # {code, title, max_score}
    required_reviews: int
    status: str
    committed: Decimal          # awarded under the call, net of returns
    created_at: datetime
    closed_at: datetime | None = None
    # who sees whose reviews: `private` (one's own) or `shared` (after one's own; domain.conflicts)
    review_visibility: str = "shared"

    @classmethod
    def open(cls, fund: Fund, *, title: str, themes: list[str], opens_at: datetime | None, closes_at: datetime,
             envelope: Payload, questions: list[dict[str, Any]], criteria: list[dict[str, Any]],
             required_reviews: int, now: datetime, review_visibility: str = "shared") -> Call:
        errors: Errors = {}
        opens_at = opens_at or now
        if closes_at <= opens_at:
            errors["closes_at"] = ["must be after opens_at"]
        if closes_at <= now:
            errors.setdefault("closes_at", []).append("must be in the future")
        if envelope["currency"] != fund.currency:
            errors["envelope.currency"] = [f"must be the fund's currency {fund.currency}"]
        if money(envelope["amount"]) < fund.min_grant:
            errors["envelope.amount"] = [f"must allow at least one grant of the fund's minimum "
                                         f"({fmt(fund.min_grant, fund.currency)})"]
        for name, items in (("questions", questions), ("criteria", criteria)):
            dupes = duplicates([item["code"] for item in items])
            if dupes:
                errors[name] = [f"codes listed more than once: {', '.join(dupes)}"]
        if len(set(themes)) != len(themes):
            errors["themes"] = ["a theme is listed more than once"]
        if errors:
            raise InvalidInput(errors)
        check_ceiling(money(envelope["amount"]), "envelope.amount", fund.currency)
        call = cls(id=new_id(), fund_id=fund.id, window=fund.window, title=title.strip(), themes=list(themes),
                   opens_at=opens_at, closes_at=closes_at, envelope=money(envelope["amount"]),
                   currency=fund.currency, questions=[dict(q) for q in questions],
                   criteria=[dict(c) for c in criteria], required_reviews=required_reviews, status="open",
                   committed=Decimal("0.00"), created_at=now, review_visibility=review_visibility)
        call.record("call.opened", {
            **call.context(), "call_id": call.id, "title": call.title, "themes": call.themes,
            "opens_at": call.opens_at, "closes_at": call.closes_at, "envelope": call.envelope,
            "currency": call.currency, "required_reviews": call.required_reviews,
            "criteria": [c["code"] for c in call.criteria], "opened_at": now})
        return call

    def context(self) -> Payload:
        return {"fund_id": self.fund_id, "window": self.window}

    @property
    def remaining(self) -> Decimal:
        return money(self.envelope - self.committed)

    def check_accepts(self, now: datetime) -> None:
        """Late (or early) applications are refused."""
        check_transition("call", CALL_LIFECYCLE, self.status, "submit_application")
        if now >= self.closes_at:
            raise Conflict(f"the call closed at {self.closes_at.isoformat()}; late applications are refused")
        if now < self.opens_at:
            raise Conflict(f"the call opens at {self.opens_at.isoformat()}")

    def close(self, now: datetime, reason: str = "closed_by_admin", applications: int = 0) -> str:
        """Close the call (`reason`: closed_by_admin or deadline; `applications` it received)."""
        check_transition("call", CALL_LIFECYCLE, self.status, "close")
        previous, self.status, self.closed_at = self.status, "closed", now
        self.record("call.closed", {
            **self.context(), "call_id": self.id, "previous_status": previous, "status": self.status,
            "reason": reason, "envelope": self.envelope, "committed": self.committed, "currency": self.currency,
            "applications": applications, "closed_at": now})
        return previous

    def is_past_deadline(self, now: datetime) -> bool:
        return self.status == "open" and now >= self.closes_at

    def commit(self, amount: Decimal) -> None:
        if money(self.committed + amount) > self.envelope:
            raise Conflict(f"the call's envelope has {fmt(self.remaining, self.currency)} left; "
                           f"this award needs {fmt(amount, self.currency)}")
        self.committed = money(self.committed + amount)

    def release(self, amount: Decimal) -> None:
        self.committed = money(self.committed - amount)
