"""Chunks of activities staged by an IATI import until its final call applies them."""
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from programmes.repositories.rows import IMP


class SqlImportRepository:
    def __init__(self, session: Any):
        self.session = session

    def stage(self, import_id: str, seq: int, owner: str, activities: list[Any], now: datetime) -> None:
        self.session.execute(IMP.delete().where(IMP.c.import_id == import_id, IMP.c.seq == seq))  # a retried chunk
        self.session.execute(IMP.insert().values(import_id=import_id, seq=seq, owner=owner, activities=activities,
                                                 created_at=now))

    def chunks(self, import_id: str, owner: str) -> Iterator[list[Any]]:
        """The staged chunks in order, one loaded at a time."""
        seqs = self.session.execute(sa.select(IMP.c.seq).where(IMP.c.import_id == import_id, IMP.c.owner == owner)
                                    .order_by(IMP.c.seq)).scalars().all()
        for seq in seqs:
            yield self.session.execute(sa.select(IMP.c.activities).where(IMP.c.import_id == import_id,
                                                                         IMP.c.seq == seq)).scalar_one()

    def drop(self, import_id: str, owner: str) -> None:
        self.session.execute(IMP.delete().where(IMP.c.import_id == import_id, IMP.c.owner == owner))

    def prune(self, before: datetime) -> None:
        """Chunks of imports that never finished (a gateway gone mid-way)."""
        self.session.execute(IMP.delete().where(IMP.c.created_at < before))
