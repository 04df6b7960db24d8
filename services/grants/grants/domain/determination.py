"""The determination of an application: an award (a new grant committing the fund's money
within the call's envelope) or a rejection, with reasons, once the call's reviews are in."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from grants.domain.applications import Application, Review
from grants.domain.calls import Call
from grants.domain.funds import Fund
from grants.domain.grants import Grant
from shared.errors import InvalidInput


def determine(app: Application, fund: Fund, call: Call, reviews: list[Review], *, decision: str,
              reasons: list[str], amount: dict[str, Any] | None, tranches: list[dict[str, Any]] | None,
              reports: list[dict[str, Any]] | None, now: datetime) -> Grant | None:
    """The new grant of an award, None for a rejection; the events are recorded in order:
    the application's determination, then the grant's commitment."""
    previous = app.determine(decision, reasons, reviews, call, now)
    if decision != "award":
        app.record_determination(previous, len(reviews), now)
        return None
    if amount is not None and amount["currency"] != fund.currency:
        raise InvalidInput({"amount.currency": [f"must be the fund's currency {fund.currency}"]})
    awarded: Decimal | None = amount["amount"] if amount else None
    grant, _ = Grant.award(app, fund, call, amount=awarded, tranches=tranches, reports=reports, now=now)
    app.record_determination(previous, len(reviews), now, grant_id=grant.id, amount_awarded=grant.amount)
    grant.record_committed(fund, call, now)
    return grant
