"""What the grants repositories share: their tables, filters and keyset pages.

Rows and domain objects share attribute names, so mapping is by name (to_row/from_row).
Every list is a keyset page (shared.persistence.keyset_page) with an opaque cursor.
Repositories hand every aggregate they load or store to the unit of work (`track`), whose
commit writes the events the aggregates recorded to the outbox in the same transaction."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from grants import models
from shared.persistence import keyset_page

Track = Callable[[Any], Any]
Page = tuple[list[Any], str | None]
Ids = list[str]


def _table(model: type[models.Base]) -> sa.Table:
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


FUNDS, LEDGER, RATES = _table(models.Fund), _table(models.LedgerEntry), _table(models.ExchangeRate)
CONTRIBUTIONS, RECEIPTS = _table(models.Contribution), _table(models.Receipt)
CALLS, APPLICATIONS, REVIEWS = _table(models.Call), _table(models.Application), _table(models.Review)
GRANTS, TRANCHES, REPORTS = _table(models.Grant), _table(models.Tranche), _table(models.Report)
CONFLICTS, ASSIGNMENTS = _table(models.ReviewConflict), _table(models.ReviewAssignment)
PAYMENTS = _table(models.PaymentRequest)


def filtered(query: sa.Select[Any], table: sa.Table, filters: dict[str, Any]) -> sa.Select[Any]:
    for name, value in filters.items():
        if value is not None:
            query = query.where(table.c[name] == value)
    return query


class Repository:
    def __init__(self, session: Session, track: Track):
        self.session, self.track = session, track

    def _page(self, table: sa.Table, order: list[str], limit: int, cursor: str | None,
              filters: dict[str, Any]) -> Any:
        query = filtered(sa.select(table), table, filters)
        return keyset_page(self.session, query, [table.c[name] for name in order], limit=limit, cursor=cursor)
