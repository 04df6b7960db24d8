"""The unit of work of the programmes service: one transaction over its repositories and
the outbox (shared.uow). Aggregates loaded or added through it are tracked, and the events
they record are written to the outbox by `commit`, in the same transaction.

Lock order (PostgreSQL; SQLite has one writer at a time): a change locks its rows with
`get(..., for_update=True)` (several: `programmes.lock`, in id order) before anything else:
- a change of a programme, its cities or its indicators locks the programme's row;
- giving a programme a parent (PATCH parent_id) locks the programme's and the parent's rows
  together, in id order; creating a programme with a parent locks the parent's row. The
  one-level rule (a parent has no parent, a parent is no child) reads both ends of the new
  link, so two re-parentings sharing a programme (X under Y while Y under Z) meet on its row
  and the second sees what the first committed;
- a change of a result locks the result's row, then reads (without locking) its programme
  and indicator;
- a report schedule item (its submission, the sweep's reminder or escalation) locks the item's
  row, then reads its programme (and a submission the narratives it includes); scheduling locks
  the programme's row;
- writing a narrative locks the programme's row, then the narrative's (the unique slot refuses a
  twin); attaching or removing a file locks the narrative's row, then reads its programme.
Drafting a result locks nothing: the unique slot (programme, indicator, city, period)
refuses a second one. A transaction that holds two programme locks took them in one
statement in id order, and no transaction takes a programme lock after a result's, so none
waits on another in a cycle."""
from typing import Any

from programmes import models
from programmes.repositories import (
    SqlCityRepository,
    SqlImportRepository,
    SqlIndicatorRepository,
    SqlNarrativeRepository,
    SqlProgrammeRepository,
    SqlReopeningRepository,
    SqlResultRepository,
    SqlScheduleRepository,
)
from shared.uow import UnitOfWork


class ProgrammesUnitOfWork(UnitOfWork):
    commands = models.commands
    def _open(self, session: Any) -> None:
        self.programmes = SqlProgrammeRepository(session)
        self.indicators = SqlIndicatorRepository(session)
        self.cities = SqlCityRepository(session)
        self.results = SqlResultRepository(session)
        self.imports = SqlImportRepository(session)
        self.reopenings = SqlReopeningRepository(session)
        self.schedules = SqlScheduleRepository(session)
        self.narratives = SqlNarrativeRepository(session)
