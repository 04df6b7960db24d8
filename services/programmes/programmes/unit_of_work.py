"""The unit of work of the programmes service: one transaction over its repositories and
the outbox (shared.uow). Aggregates loaded or added through it are tracked, and the events
they record are written to the outbox by `commit`, in the same transaction.

Lock order (PostgreSQL; SQLite has one writer at a time): a change locks ONE row, with
`get(..., for_update=True)`, before anything else:
- a change of a programme, its cities or its indicators locks the programme's row;
- a change of a result locks the result's row, then reads (without locking) its programme
  and indicator.
Drafting a result locks nothing: the unique slot (programme, indicator, city, period)
refuses a second one. No transaction holds two of these locks, so none waits on another
in a cycle."""
from typing import Any

from programmes import models
from programmes.repositories import (
    SqlCityRepository,
    SqlIndicatorRepository,
    SqlProgrammeRepository,
    SqlResultRepository,
)
from shared.uow import UnitOfWork


class ProgrammesUnitOfWork(UnitOfWork):
    commands = models.commands
    def _open(self, session: Any) -> None:
        self.programmes = SqlProgrammeRepository(session)
        self.indicators = SqlIndicatorRepository(session)
        self.cities = SqlCityRepository(session)
        self.results = SqlResultRepository(session)
