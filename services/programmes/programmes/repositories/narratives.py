"""Narratives of reporting periods (domain/narratives.py)."""
from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from programmes import domain, models
from shared.persistence import from_row, get, to_row, update

N = cast(sa.Table, models.Narrative.__table__)


class SqlNarrativeRepository:
    def __init__(self, session: Any):
        self.session = session

    def get(self, narrative_id: str, *, for_update: bool = False) -> domain.Narrative | None:
        row = get(self.session, N, narrative_id, for_update=for_update)
        return None if row is None else from_row(domain.Narrative, row)

    def in_slot(self, programme_id: str, start: date, end: date, subject: str, *, for_update: bool = False
                ) -> domain.Narrative | None:
        query = sa.select(N).where(N.c.programme_id == programme_id, N.c.period_start == start,
                                   N.c.period_end == end, N.c.subject == subject)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else from_row(domain.Narrative, row)

    def many(self, ids: list[str]) -> dict[str, domain.Narrative]:
        """The narratives of `ids` that exist, by id."""
        rows = self.session.execute(sa.select(N).where(N.c.id.in_(ids))).all() if ids else []
        return {r.id: from_row(domain.Narrative, r) for r in rows}

    def add(self, narrative: domain.Narrative) -> None:
        self.session.execute(sa.insert(N).values(**to_row(N, narrative, subject=narrative.subject)))

    def save(self, narrative: domain.Narrative) -> None:
        update(self.session, N, to_row(N, narrative))

    def of(self, programme_id: str, filters: dict[str, Any]) -> list[domain.Narrative]:
        """A programme's narratives by period then subject; `filters`: periods starting on or after
        `period_start`, ending on or before `period_end`, an `indicator`, a `category`."""
        query = sa.select(N).where(N.c.programme_id == programme_id)
        if filters.get("period_start") is not None:
            query = query.where(N.c.period_start >= filters["period_start"])
        if filters.get("period_end") is not None:
            query = query.where(N.c.period_end <= filters["period_end"])
        if filters.get("indicator") is not None:
            query = query.where(N.c.indicator_code == filters["indicator"])
        if filters.get("category") is not None:
            query = query.where(N.c.category == filters["category"])
        rows = self.session.execute(query.order_by(N.c.period_start, N.c.period_end, N.c.subject)).all()
        return [from_row(domain.Narrative, r) for r in rows]
