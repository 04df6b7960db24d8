"""Report schedule items (domain/schedules.py)."""
from datetime import date, timedelta
from typing import Any, cast

import sqlalchemy as sa

from programmes import domain, models
from shared.persistence import from_row, get, to_row, update

RS = cast(sa.Table, models.ReportScheduleItem.__table__)


class SqlScheduleRepository:
    def __init__(self, session: Any):
        self.session = session

    def add(self, item: domain.ScheduleItem) -> None:
        self.session.execute(sa.insert(RS).values(**to_row(RS, item)))

    def get(self, item_id: str, *, for_update: bool = False) -> domain.ScheduleItem | None:
        row = get(self.session, RS, item_id, for_update=for_update)
        return None if row is None else from_row(domain.ScheduleItem, row)

    def save(self, item: domain.ScheduleItem) -> None:
        update(self.session, RS, to_row(RS, item))

    def of(self, programme_id: str) -> list[domain.ScheduleItem]:
        rows = self.session.execute(sa.select(RS).where(RS.c.programme_id == programme_id)
                                    .order_by(RS.c.due_date, RS.c.id)).all()
        return [from_row(domain.ScheduleItem, r) for r in rows]

    def to_check(self, today: date) -> list[str]:
        """Ids of the items a sweep may have something to send for (not submitted, not escalated,
        due within the longest reminder notice)."""
        horizon = today + timedelta(days=domain.MAX_REMIND_DAYS)
        return list(self.session.execute(sa.select(RS.c.id).where(
            RS.c.submitted_at.is_(None), RS.c.escalated_at.is_(None), RS.c.due_date <= horizon)
            .order_by(RS.c.due_date, RS.c.id)).scalars())
