"""Report schedule items (domain/schedules.py)."""
from datetime import date, timedelta
from typing import Any, cast

import sqlalchemy as sa

from programmes import domain, models
from shared.persistence import from_row, get, to_row, update

RS = cast(sa.Table, models.ReportScheduleItem.__table__)
# Built once, run with parameters: every entry into a period asks (as reopenings, repositories/periods.py).
_APPROVED_COVERING = sa.select(RS).where(
    RS.c.programme_id == sa.bindparam("programme_id"), RS.c.approved_at.is_not(None),
    RS.c.period_start <= sa.bindparam("start"), RS.c.period_end >= sa.bindparam("end"))


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

    def approved_covering(self, programme_id: str, start: date, end: date) -> list[domain.ScheduleItem]:
        """The programme's approved reports whose period holds start..end: each locks it."""
        rows = self.session.execute(_APPROVED_COVERING, {"programme_id": programme_id, "start": start,
                                                         "end": end}).all()
        return [from_row(domain.ScheduleItem, r) for r in rows]
