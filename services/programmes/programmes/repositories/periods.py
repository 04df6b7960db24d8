"""Reopenings of reporting periods (domain/periods.py)."""
from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from programmes import domain, models
from shared.persistence import from_row, to_row

RP = cast(sa.Table, models.PeriodReopening.__table__)


# Built once, run with parameters: every change of a result's figures asks (bench: fourth round).
_OF = sa.select(RP).where(RP.c.programme_id == sa.bindparam("programme_id")).order_by(RP.c.granted_at, RP.c.id)
_OF_PERIOD = _OF.where(RP.c.period_start <= sa.bindparam("start"), RP.c.period_end >= sa.bindparam("end"))


class SqlReopeningRepository:
    def __init__(self, session: Any):
        self.session = session

    def add(self, reopening: domain.Reopening) -> None:
        self.session.execute(sa.insert(RP).values(**to_row(RP, reopening)))

    def of(self, programme_id: str, start: date | None = None, end: date | None = None) -> list[domain.Reopening]:
        """A programme's reopenings (of periods holding start..end when given), latest grant last."""
        if start is None:
            rows = self.session.execute(_OF, {"programme_id": programme_id}).all()
        else:
            rows = self.session.execute(_OF_PERIOD, {"programme_id": programme_id, "start": start, "end": end}).all()
        return [from_row(domain.Reopening, r) for r in rows]
