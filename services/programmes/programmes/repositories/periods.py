"""Reopenings of reporting periods (domain/periods.py)."""
from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from programmes import domain, models
from shared.persistence import from_row, to_row

RP = cast(sa.Table, models.PeriodReopening.__table__)


class SqlReopeningRepository:
    def __init__(self, session: Any):
        self.session = session

    def add(self, reopening: domain.Reopening) -> None:
        self.session.execute(sa.insert(RP).values(**to_row(RP, reopening)))

    def of(self, programme_id: str, start: date | None = None, end: date | None = None) -> list[domain.Reopening]:
        """A programme's reopenings (of one period when `start` and `end` are given), latest grant last."""
        query = sa.select(RP).where(RP.c.programme_id == programme_id)
        if start is not None:
            query = query.where(RP.c.period_start == start, RP.c.period_end == end)
        rows = self.session.execute(query.order_by(RP.c.granted_at, RP.c.id)).all()
        return [from_row(domain.Reopening, r) for r in rows]
