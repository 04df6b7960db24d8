"""Donor attribution as a use case: the plan's summed figures by contributor to the pooled
funds, read from the stored facts (result cells, as of a date the results' versions that counted
then, and money transactions naming their contributor or grant) and computed by
`metrics.domain.attribution` (the rule: docs/metrics.md)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from metrics import as_of as dated
from metrics import clock, handlers
from metrics import models as m
from metrics.domain import MoneyTxn
from metrics.domain.attribution import attribution
from metrics.unit_of_work import MetricsUnitOfWork, Projection
from shared.errors import NotFound
from shared.persistence import from_row


def money_txns(projection: Projection) -> list[MoneyTxn]:
    """The receipts and disbursements attribution weighs, as stored (one row per transaction)."""
    t = m.metric_money_txns
    return [from_row(MoneyTxn, r) for r in projection.run(
        sa.select(t).where(t.c.kind.in_(("received", "disbursed")), t.c.amount != 0))]


def get_attribution(uow: MetricsUnitOfWork, plan_id: str | None = None, as_of: Any = None,
                    contributor: str | None = None) -> dict[str, Any]:
    """Every contributor's credited figures with their paths; with `contributor`, that one only
    (404 when it has contributed nothing as of the date)."""
    plan, day = handlers._query(plan_id, as_of)   # the one validation of plan and as_of
    with uow:
        snap = dated.snapshot(uow.projection, plan, day, cells=True, dims=True, applications=False)
        txns = money_txns(uow.projection)
    body = attribution(plan, snap, txns, today=day or clock.today(), as_of=day)
    if contributor is not None:
        body["items"] = [i for i in body["items"] if i["contributor"] == contributor]
        if not body["items"]:
            raise NotFound("contributor", contributor)
    return body
