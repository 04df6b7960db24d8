"""Indicators of programmes' results frameworks."""
from typing import Any

import sqlalchemy as sa

from programmes import domain
from programmes.repositories.rows import IND, indicator_from_row, indicator_row
from shared.persistence import get

# Built once, run with parameters: every indicator defined runs it (bench: fourth round).
_COUNT_OF = sa.select(sa.func.count()).select_from(IND).where(IND.c.programme_id == sa.bindparam("programme_id"))


class SqlIndicatorRepository:
    def __init__(self, session: Any):
        self.session = session

    def of(self, programme_id: str) -> list[domain.Indicator]:
        """The programme's indicators in the order they were defined."""
        rows = self.session.execute(sa.select(IND).where(IND.c.programme_id == programme_id)
                                    .order_by(IND.c.position, IND.c.code)).all()
        return [indicator_from_row(r) for r in rows]

    def of_many(self, programme_ids: list[str]) -> dict[tuple[str, str], domain.Indicator]:
        if not programme_ids:
            return {}
        rows = self.session.execute(sa.select(IND).where(IND.c.programme_id.in_(programme_ids))).all()
        return {(r.programme_id, r.code): indicator_from_row(r) for r in rows}

    def get(self, programme_id: str, code: str) -> domain.Indicator | None:
        row = get(self.session, IND, (programme_id, code))
        return indicator_from_row(row) if row else None

    def add(self, indicator: domain.Indicator) -> None:
        position = self.session.execute(_COUNT_OF, {"programme_id": indicator.programme_id}).scalar_one()
        self.session.execute(IND.insert(), {"position": position + 1, **indicator_row(indicator)})

    def save(self, indicator: domain.Indicator) -> None:
        self.session.execute(IND.update().where(IND.c.programme_id == indicator.programme_id,
                                              IND.c.code == indicator.code).values(**indicator_row(indicator)))
