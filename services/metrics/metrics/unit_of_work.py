"""The metrics unit of work: `shared.uow.UnitOfWork` with the metrics store (`uow.projection`)
over the loaded plans. The store and its lock order: `metrics.store`."""
from __future__ import annotations

from sqlalchemy.orm import Session

from metrics.domain import NONE
from metrics.store import PlansNotReady, Projection
from shared.uow import UnitOfWork


class MetricsUnitOfWork(UnitOfWork):
    projection: Projection

    def _open(self, session: Session) -> None:
        from metrics import plans as loaded
        self.projection = Projection(session, loaded.current())


__all__ = ["MetricsUnitOfWork", "Projection", "PlansNotReady", "NONE"]
